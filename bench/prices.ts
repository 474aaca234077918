/**
 * The AWS list prices the cost figures use: us-east-1, on-demand, the
 * desk's Lambda configuration (arm64, SST's default 1,024 MB). Written down
 * from AWS's public pricing pages as of the date below; this machine cannot
 * reach them, so check them before quoting a figure.
 */
export const PRICES = {
  asOf: "2026-12-01",
  region: "us-east-1",
  /** DynamoDB on-demand, per write request unit and per read request unit (standard table class). */
  dynamoWrite: 0.625 / 1e6,
  dynamoRead: 0.125 / 1e6,
  /** DynamoDB storage, per GB-month (standard table class), indexes included. */
  dynamoStorageGbMonth: 0.25,
  /** SES outbound, per message (each recipient counts as a message). */
  sesMessage: 0.1 / 1000,
  /** Lambda, per request, and per GB-second on arm64. */
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000133334,
  lambdaMemoryGb: 1,
  /** API Gateway HTTP API, per request (first 300 million a month). */
  httpApiRequest: 1.0 / 1e6,
} as const;

/** DynamoDB's storage overhead: 100 bytes per item in the table, and per item in each index. */
export const ITEM_OVERHEAD_BYTES = 100;
