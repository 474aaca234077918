/**
 * DynamoDB's JSON protocol, spoken directly: each call is one signed POST
 * (`X-Amz-Target: DynamoDB_20120810.<Operation>`) over a kept-alive
 * connection. The SDK's client and lib-dynamodb were about 220 KB of the
 * API's 584 KB bundle and most of its import time (docs/performance.md,
 * "The DynamoDB client"); store.ts, the only caller at run time, needs eight
 * operations, marshalled as lib-dynamodb marshals them (util-dynamodb, with
 * `removeUndefinedValues`), retried as the SDK retries DynamoDB calls.
 * Errors carry what the SDK's do: `name` (the short error type, e.g.
 * ConditionalCheckFailedException), the message, `$fault` and
 * `$metadata.httpStatusCode`; network errors are Node's (`code`
 * ECONNREFUSED…), a call that took too long a `TimeoutError`.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
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
import { clientOf, LOCAL_CREDENTIALS } from "./client";
import { type Credentials, sign } from "./sigv4";

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

/** One call as the caller made it; an interceptor may read or change its input. */
export type Call = { operation: Operation; input: Record<string, unknown> };
/** Runs around a call: `send` goes on with it (and answers its output), or the interceptor answers or throws instead. */
export type Interceptor = (call: Call, send: () => Promise<unknown>) => Promise<unknown>;

export type Options = {
  region: string;
  /** DynamoDB's regional endpoint when absent. */
  endpoint?: string;
  /** Asked before every attempt; a provider that caches (the SDK's chain does) keeps that cheap. */
  credentials: () => Promise<Credentials>;
  /** Attempts per call, the first included. */
  maxAttempts?: number;
  /** How long a new connection may take to open, ms. */
  connectTimeout?: number;
  /** How long one attempt may take from sending to the whole answer, ms. */
  requestTimeout?: number;
};

/** An error DynamoDB answered with. */
export class DynamoDBError extends Error {
  readonly $fault: "client" | "server";
  readonly $metadata: { httpStatusCode: number; requestId?: string };

  constructor(name: string, message: string, status: number, requestId?: string) {
    super(message);
    this.name = name;
    this.$fault = status >= 500 ? "server" : "client";
    this.$metadata = { httpStatusCode: status, requestId };
  }
}

const timeoutError = (message: string) => Object.assign(new Error(message), { name: "TimeoutError" });

// Retries: the SDK's standard mode with its defaults for DynamoDB (@smithy/core's retry
// module, client-dynamodb's config): 4 attempts; full-jitter exponential backoff from 25 ms,
// from 1 s when throttled, at most 20 s; and a retry budget, so that a failing table is not
// also hammered by every caller's retries.
const THROTTLING = new Set(["ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"]);
const TIMEOUTS = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);
const NETWORK = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);

type Failure = { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };

/** Whether a failed attempt may be tried again, and how it backs off: throttled or passing. */
export function retryKind(error: unknown): "throttling" | "transient" | undefined {
  const { name = "", code = "", $metadata } = (error ?? {}) as Failure;
  const status = $metadata?.httpStatusCode ?? 0;
  if (THROTTLING.has(name) || status === 429) return "throttling";
  if (TIMEOUTS.has(name) || NETWORK.has(code) || TRANSIENT_STATUS.has(status)) return "transient";
  return undefined;
}

/** The wait before retry number `retry` (1 for the first): full jitter over a doubling ceiling. */
export function backoff(kind: "throttling" | "transient", retry: number, random = Math.random): number {
  const base = kind === "throttling" ? 1_000 : 25;
  return Math.floor(random() * Math.min(base * 2 ** (retry - 1), 20_000));
}

/** The retry budget: each retry spends from it, each success pays back; when it runs dry, failures are not retried. */
export class RetryBudget {
  private left = 500;

  /** Spends what a retry of this kind costs, and answers it; undefined when too little is left. */
  spend(kind: "throttling" | "transient"): number | undefined {
    const cost = kind === "throttling" ? 5 : 14;
    if (this.left < cost) return undefined;
    this.left -= cost;
    return cost;
  }

  /** A call succeeded: what its retry cost comes back, or one unit for a call that needed none. */
  refund(spent: number): void {
    this.left = Math.min(500, this.left + (spent || 1));
  }
}

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

type Answer = { status: number; body: string; requestId?: string };

export class DynamoDB {
  readonly endpoint: URL;
  private readonly options: Required<Omit<Options, "endpoint">>;
  private readonly agent: HttpAgent;
  private readonly budget = new RetryBudget();
  private readonly around: Interceptor[] = [];
  private readonly aroundEach: Interceptor[] = [];

  constructor({ endpoint, ...options }: Options) {
    this.endpoint = new URL(endpoint ?? `https://dynamodb.${options.region}.amazonaws.com`);
    // A call that hangs ends well inside the API function's 10 s (stacks/api.ts), with a retry.
    this.options = { maxAttempts: 4, connectTimeout: 1_000, requestTimeout: 3_000, ...options };
    const Agent = this.endpoint.protocol === "https:" ? HttpsAgent : HttpAgent;
    this.agent = new Agent({ keepAlive: true, maxSockets: 50 });
  }

  /** One operation, retried as the SDK would; answers lib-dynamodb's output, or throws what the last attempt met. */
  async send<O extends Operation>(operation: O, input: Input<O>): Promise<Output<O>> {
    const call: Call = { operation, input: input as Values };
    return (await this.through(this.around, call, () => this.retried(call))) as Output<O>;
  }

  /**
   * Runs `interceptor` around every call until the returned function is
   * called. Outside the retry loop (the default) it sees each call once, as
   * its caller does: what it throws is the call's error. `{ retried: true }`
   * puts it inside, around every attempt: what it throws is retried like an
   * answer from DynamoDB (a throttle, a timeout), and what it answers ends
   * the retries. Interceptors run in the order they were added, the first
   * outermost. The tests inject faults and the bench counts calls this way.
   */
  intercept(interceptor: Interceptor, { retried = false }: { retried?: boolean } = {}): () => void {
    const list = retried ? this.aroundEach : this.around;
    list.push(interceptor);
    return () => {
      const at = list.indexOf(interceptor);
      if (at >= 0) list.splice(at, 1);
    };
  }

  private through(list: Interceptor[], call: Call, send: () => Promise<unknown>): Promise<unknown> {
    // Those in place when the call starts: one removed meanwhile (a test's fault) does not shift the others.
    const chain = [...list];
    const next = (index: number): Promise<unknown> =>
      index < chain.length ? chain[index]!(call, () => next(index + 1)) : send();
    return next(0);
  }

  private async retried(call: Call): Promise<unknown> {
    let spent = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const output = await this.through(this.aroundEach, call, () => this.attempt(call));
        this.budget.refund(spent);
        return output;
      } catch (error) {
        const kind = retryKind(error);
        const cost = kind && attempt < this.options.maxAttempts ? this.budget.spend(kind) : undefined;
        if (!kind || cost === undefined) throw error;
        spent += cost;
        await new Promise((resolve) => setTimeout(resolve, backoff(kind, attempt)));
      }
    }
  }

  private async attempt({ operation, input }: Call): Promise<unknown> {
    const body = JSON.stringify(convertMessage(input, toWire), base64Binary);
    const headers = sign(
      {
        method: "POST",
        path: this.endpoint.pathname,
        headers: {
          Host: this.endpoint.host,
          "Content-Type": "application/x-amz-json-1.0",
          "Content-Length": String(Buffer.byteLength(body)),
          "X-Amz-Target": `DynamoDB_20120810.${operation}`,
        },
        body,
      },
      await this.options.credentials(),
      { region: this.options.region, service: "dynamodb" },
    );
    const answer = await this.post(headers, body);
    if (answer.status !== 200) throw failure(answer);
    return convertMessage(parse(answer.body), fromWire);
  }

  private post(headers: Record<string, string>, body: string): Promise<Answer> {
    const { connectTimeout, requestTimeout } = this.options;
    const send = this.endpoint.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send(this.endpoint, { method: "POST", headers, agent: this.agent });
      let connecting: NodeJS.Timeout | undefined;
      const settle = (error: Error | undefined, answer?: Answer) => {
        clearTimeout(timer);
        clearTimeout(connecting);
        if (error) reject(error);
        else resolve(answer!);
      };
      const giveUp = (message: string) => {
        const error = timeoutError(message);
        request.destroy(error);
        settle(error);
      };
      const timer = setTimeout(() => giveUp(`DynamoDB did not answer within ${requestTimeout} ms`), requestTimeout);
      request.once("socket", (socket) => {
        if (!socket.connecting) return;
        connecting = setTimeout(() => giveUp(`No connection to DynamoDB within ${connectTimeout} ms`), connectTimeout);
        socket.once("connect", () => clearTimeout(connecting));
      });
      request.once("error", settle);
      request.once("response", (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.once("error", settle);
        response.once("close", () => {
          if (!response.complete)
            settle(Object.assign(new Error("DynamoDB's answer was cut short"), { code: "ECONNRESET" }));
        });
        response.once("end", () =>
          settle(undefined, {
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            requestId: response.headers["x-amzn-requestid"] as string | undefined,
          }),
        );
      });
      request.end(body);
    });
  }
}

/** DynamoDB's error answer: `{"__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", "message": …}`. */
function failure({ status, body, requestId }: Answer): DynamoDBError {
  let parsed: { __type?: string; message?: string; Message?: string } = {};
  try {
    parsed = JSON.parse(body);
  } catch {
    // Not DynamoDB's answer (a proxy's page): the status says what there is to say.
  }
  const type = parsed.__type ?? "";
  const name = type.slice(type.lastIndexOf("#") + 1) || `HTTP${status}`;
  return new DynamoDBError(
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
      credentials: config.credentials ?? (config.dynamoEndpoint ? async () => LOCAL_CREDENTIALS : noCredentials),
    }),
);

async function noCredentials(): Promise<never> {
  throw Object.assign(
    new Error(
      "No AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (Lambda does), or configure a provider.",
    ),
    { name: "CredentialsProviderError" },
  );
}
