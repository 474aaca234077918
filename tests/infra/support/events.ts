/**
 * Lambda events as AWS delivers them: API Gateway HTTP API (payload 2.0),
 * DynamoDB stream records built from items read back from the table, and
 * EventBridge's scheduled event.
 */
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import type { APIGatewayProxyEventV2, DynamoDBRecord, DynamoDBStreamEvent, ScheduledEvent } from "aws-lambda";

const REGION = "us-east-1";
const ACCOUNT = "123456789012";
const DOMAIN = "abc123.execute-api.us-east-1.amazonaws.com";
let sequence = 1_000_000;

export const SITE = `https://${DOMAIN}`;

type Request = {
  query?: Record<string, string>;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
};

/** An HTTP API request. Form bodies arrive base64-encoded, as API Gateway sends them. */
export function http(method: string, path: string, request: Request = {}): APIGatewayProxyEventV2 {
  const [rawPath, inlineQuery = ""] = path.split("?");
  const params = new URLSearchParams(inlineQuery);
  for (const [k, v] of Object.entries(request.query ?? {})) params.set(k, v);
  const headers: Record<string, string> = {
    host: DOMAIN,
    "user-agent": "Mozilla/5.0 (infra test)",
    "x-forwarded-for": "203.0.113.9",
    "x-forwarded-proto": "https",
    ...Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
  };
  let body: string | undefined;
  let isBase64Encoded = false;
  if (request.json !== undefined) {
    headers["content-type"] ??= "application/json";
    body = JSON.stringify(request.json);
  } else if (request.form) {
    headers["content-type"] ??= "application/x-www-form-urlencoded";
    body = Buffer.from(new URLSearchParams(request.form).toString()).toString("base64");
    isBase64Encoded = true;
  }
  const now = new Date();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: rawPath!,
    rawQueryString: params.toString(),
    headers,
    ...(params.size ? { queryStringParameters: Object.fromEntries(params) } : {}),
    requestContext: {
      accountId: ACCOUNT,
      apiId: "abc123",
      domainName: DOMAIN,
      domainPrefix: "abc123",
      http: {
        method,
        path: rawPath!,
        protocol: "HTTP/1.1",
        sourceIp: "203.0.113.9",
        userAgent: headers["user-agent"]!,
      },
      requestId: `req-${sequence++}`,
      routeKey: "$default",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded,
  };
}

/** A stream batch carrying the items as they now are in `table` (NEW_IMAGE view). */
export async function streamBatch(
  endpoint: string,
  table: string,
  keys: { pk: string; sk: string }[],
): Promise<DynamoDBStreamEvent> {
  const client = new DynamoDBClient({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  try {
    const records = await Promise.all(
      keys.map(async ({ pk, sk }): Promise<DynamoDBRecord> => {
        const Keys = { pk: { S: pk }, sk: { S: sk } };
        const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: Keys, ConsistentRead: true }));
        if (!Item) throw new Error(`${pk} is not in ${table}`);
        return {
          eventID: `evt-${sequence}`,
          eventName: "MODIFY",
          eventVersion: "1.1",
          eventSource: "aws:dynamodb",
          awsRegion: REGION,
          dynamodb: {
            ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
            Keys: Keys as never,
            NewImage: Item as never,
            SequenceNumber: String(sequence++),
            SizeBytes: JSON.stringify(Item).length,
            StreamViewType: "NEW_IMAGE",
          },
          eventSourceARN: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table}/stream/2026-11-29T00:00:00.000`,
        };
      }),
    );
    return { Records: records };
  } finally {
    client.destroy();
  }
}

export function scheduled(): ScheduledEvent {
  return {
    version: "0",
    id: `sched-${sequence++}`,
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: ACCOUNT,
    time: new Date().toISOString(),
    region: REGION,
    resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/takedown-desk-production-SweepRule`],
    detail: {},
  };
}
