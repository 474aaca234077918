/**
 * DynamoDB's JSON protocol, spoken directly: each call is one signed POST
 * (`X-Amz-Target: DynamoDB_20120810.<Operation>`) through signed.ts. The
 * SDK's client and lib-dynamodb were about 220 KB of the API's 584 KB bundle
 * and most of its import time (docs/performance.md, "The DynamoDB client");
 * store.ts, the only caller at run time, needs eight operations, marshalled
 * as lib-dynamodb marshals them (util-dynamodb, with `removeUndefinedValues`),
 * retried as the SDK retries DynamoDB calls: 4 attempts.
 */
import type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from "@aws-sdk/lib-dynamodb";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshall, type NativeAttributeValue, unmarshall } from "@aws-sdk/util-dynamodb";
import { clientOf, credentialsFor } from "./client";
import { type Answer, AwsError, type Call, type Options, SignedClient } from "./signed";

// The parameters DynamoDB keeps for old clients (conditions and filters as maps): this
// client marshals expressions' values only, so they are left out of its inputs.
type Legacy = "AttributeUpdates" | "Expected" | "ConditionalOperator" | "KeyConditions" | "QueryFilter" | "ScanFilter";

type Operations = {
  GetItem: [GetCommandInput, GetCommandOutput];
  PutItem: [PutCommandInput, PutCommandOutput];
  UpdateItem: [UpdateCommandInput, UpdateCommandOutput];
  DeleteItem: [DeleteCommandInput, DeleteCommandOutput];
  Query: [QueryCommandInput, QueryCommandOutput];
  Scan: [ScanCommandInput, ScanCommandOutput];
  BatchGetItem: [BatchGetCommandInput, BatchGetCommandOutput];
  BatchWriteItem: [BatchWriteCommandInput, BatchWriteCommandOutput];
};

export type Operation = keyof Operations;
/** lib-dynamodb's input for the operation (its `GetCommand`'s for GetItem…): values as JavaScript values. */
export type Input<O extends Operation> = Omit<Operations[O][0], Legacy>;
/** lib-dynamodb's output, without the SDK's `$metadata` and the item collection metrics nobody asks for. */
export type Output<O extends Operation> = Omit<Operations[O][1], "$metadata" | "ItemCollectionMetrics">;

/** An error DynamoDB answered with: its short error type as the name (ConditionalCheckFailedException…). */
export { AwsError as DynamoDBError };

// What lib-dynamodb converts, wherever it appears in the eight operations' inputs and outputs.
const MAPS = ["Key", "Item", "Attributes", "ExpressionAttributeValues", "ExclusiveStartKey", "LastEvaluatedKey"];
const REQUESTS = ["RequestItems", "UnprocessedItems", "UnprocessedKeys"];

type Values = Record<string, unknown>;
type Convert = (map: Values) => Values;
type WriteRequest = { PutRequest?: { Item: Values }; DeleteRequest?: { Key: Values } };
type Requests = Record<string, WriteRequest[] | { Keys?: Values[] }>;

const toWire: Convert = (value) =>
  marshall(value as Record<string, NativeAttributeValue>, { removeUndefinedValues: true });
const fromWire: Convert = (map) => unmarshall(map as Record<string, AttributeValue>);

// Binary values travel as base64 in the JSON protocol, and come back as Uint8Array as the SDK gives them.
function base64Binary(this: unknown, key: string, value: unknown) {
  const original = (this as Values)[key];
  if (ArrayBuffer.isView(original))
    return Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString("base64");
  if (original instanceof ArrayBuffer) return Buffer.from(original).toString("base64");
  return value;
}

const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, "base64"));

function binaryFrom(key: string, value: unknown) {
  if (key === "B" && typeof value === "string") return fromBase64(value);
  if (key === "BS" && Array.isArray(value) && value.every((member) => typeof member === "string"))
    return value.map(fromBase64);
  return value;
}

/** An answer's JSON; only an answer that may hold binary values pays for looking at each value. */
const parse = (body: string): Values => (/"BS?":/.test(body) ? JSON.parse(body, binaryFrom) : JSON.parse(body));

/** Each map of values in a message converted by `convert`: the batch operations' per-table lists included. */
function convertMessage(message: Values, convert: Convert): Values {
  const result: Values = { ...message };
  for (const name of MAPS) if (result[name]) result[name] = convert(result[name] as Values);
  if (result.Items) result.Items = (result.Items as Values[]).map(convert);
  if (result.Responses)
    result.Responses = mapTables(result.Responses as Record<string, Values[]>, (items) => items.map(convert));
  for (const name of REQUESTS) if (result[name]) result[name] = convertRequests(result[name] as Requests, convert);
  return result;
}

const mapTables = <T, U>(tables: Record<string, T>, convert: (value: T) => U): Record<string, U> =>
  Object.fromEntries(Object.entries(tables).map(([table, value]) => [table, convert(value)]));

/** BatchWriteItem's puts and deletes, or BatchGetItem's keys, per table. */
function convertRequests(requests: Requests, convert: Convert): Requests {
  return mapTables(requests, (requests) =>
    Array.isArray(requests)
      ? requests.map(({ PutRequest, DeleteRequest }) =>
          PutRequest
            ? { PutRequest: { ...PutRequest, Item: convert(PutRequest.Item) } }
            : { DeleteRequest: { ...DeleteRequest, Key: convert(DeleteRequest!.Key) } },
        )
      : { ...requests, ...(requests.Keys ? { Keys: requests.Keys.map(convert) } : {}) },
  );
}

const DYNAMODB = {
  name: "DynamoDB",
  signingName: "dynamodb",
  endpoint: (region: string) => `https://dynamodb.${region}.amazonaws.com`,
  // A call that hangs ends well inside the API function's 10 s (stacks/api.ts), with a retry.
  defaults: { maxAttempts: 4, connectTimeout: 1_000, requestTimeout: 3_000 },
};

export class DynamoDB extends SignedClient<Operation> {
  constructor(options: Options) {
    super(DYNAMODB, options);
  }

  /** One operation, retried as the SDK would; answers lib-dynamodb's output, or throws what the last attempt met. */
  async send<O extends Operation>(operation: O, input: Input<O>): Promise<Output<O>> {
    return (await this.call({ operation, input: input as Values })) as Output<O>;
  }

  protected async attempt({ operation, input }: Call<Operation>): Promise<unknown> {
    const body = JSON.stringify(convertMessage(input, toWire), base64Binary);
    const answer = await this.post(
      { "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": `DynamoDB_20120810.${operation}` },
      body,
    );
    if (answer.status !== 200) throw failure(answer);
    return convertMessage(parse(answer.body), fromWire);
  }
}

/** DynamoDB's error answer: `{"__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", "message": …}`. */
function failure({ status, body, requestId }: Answer): AwsError {
  let parsed: { __type?: string; message?: string; Message?: string } = {};
  try {
    parsed = JSON.parse(body);
  } catch {
    // Not DynamoDB's answer (a proxy's page): the status says what there is to say.
  }
  const type = parsed.__type ?? "";
  const name = type.slice(type.lastIndexOf("#") + 1) || `HTTP${status}`;
  return new AwsError(
    name,
    parsed.message ?? parsed.Message ?? (body.slice(0, 200) || `HTTP ${status}`),
    status,
    requestId,
  );
}

export const dynamo = /* @__PURE__ */ clientOf(
  (config) =>
    new DynamoDB({
      region: config.region,
      endpoint: config.dynamoEndpoint,
      credentials: credentialsFor(config, config.dynamoEndpoint),
    }),
);
