/**
 * The DynamoDB client of our own (packages/core/src/aws/dynamo.ts) against
 * dynalite, side by side with the SDK's document client it replaced: an
 * item written by either reads back the same through the other, so items
 * already stored and items stored from now on are the same items. And what
 * dynalite cannot do — throttle, fail, hang, drop the line — against a
 * small HTTP stand-in that answers as DynamoDB does, to see the client
 * retry, time out and name its errors.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { config, Table } from "@takedown/core";
import { DynamoDB, DynamoDBError, dynamo } from "@takedown/core/aws/dynamo";
import { describe, expect, it } from "vitest";
import { type Script, scriptedEndpoint, silent } from "../support/scripted-endpoint";

const sdk = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    region: config().region,
    endpoint: config().dynamoEndpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  }),
  { marshallOptions: { removeUndefinedValues: true } },
);

/** Every kind of value the table holds, and some undefined ones that are left out. */
const sample = (pk: string) => ({
  pk,
  sk: "SAMPLE",
  text: 'Ünïcode — \u2028 and "quotes"',
  number: 1.5,
  largest: Number.MAX_SAFE_INTEGER,
  negative: -42,
  yes: true,
  nothing: null,
  list: [1, "a", { nested: [true] }],
  map: { a: { b: "c" }, empty: {} },
  strings: new Set(["a", "b"]),
  numbers: new Set([1, 2]),
  bytes: new Uint8Array([0, 1, 255]),
  byteSets: new Set([new Uint8Array([1]), new Uint8Array([2, 3])]),
  dropped: undefined,
  partly: { dropped: undefined, kept: 1 },
});
const { dropped: _, ...stored } = sample("");
const storedAs = (pk: string) => ({ ...stored, pk, partly: { kept: 1 } });

describe("through dynalite, as the SDK's document client", () => {
  it("writes items the SDK reads back the same, and reads the SDK's items the same", async () => {
    await dynamo().send("PutItem", { TableName: Table.name(), Item: sample("OURS") });
    const theirs = await sdk.send(new GetCommand({ TableName: Table.name(), Key: { pk: "OURS", sk: "SAMPLE" } }));
    expect(theirs.Item).toEqual(storedAs("OURS"));

    await sdk.send(new PutCommand({ TableName: Table.name(), Item: sample("THEIRS") }));
    const ours = await dynamo().send("GetItem", { TableName: Table.name(), Key: { pk: "THEIRS", sk: "SAMPLE" } });
    expect(ours.Item).toEqual(storedAs("THEIRS"));
  });

  it("updates with expression values and answers the attributes asked for; a refused condition is named", async () => {
    const Key = { pk: "COUNTER", sk: "C" };
    const add = {
      TableName: Table.name(),
      Key,
      UpdateExpression: "ADD #n :one, #tags :tag",
      ExpressionAttributeNames: { "#n": "n", "#tags": "tags" },
      ExpressionAttributeValues: { ":one": 1, ":tag": new Set(["x"]) },
      ReturnValues: "ALL_NEW" as const,
    };
    expect((await dynamo().send("UpdateItem", add)).Attributes).toEqual({ ...Key, n: 1, tags: new Set(["x"]) });
    const refused = dynamo().send("UpdateItem", {
      ...add,
      ConditionExpression: "#n > :ten",
      ExpressionAttributeValues: { ...add.ExpressionAttributeValues, ":ten": 10 },
    });
    await expect(refused).rejects.toMatchObject({
      name: "ConditionalCheckFailedException",
      message: "The conditional request failed",
      $fault: "client",
      $metadata: { httpStatusCode: 400 },
    });
    const deleted = await dynamo().send("DeleteItem", { TableName: Table.name(), Key, ReturnValues: "ALL_OLD" });
    expect(deleted.Attributes?.n).toBe(1);
  });

  it("pages queries and scans by the key it answers, and batches reads and writes per table", async () => {
    const items = Array.from({ length: 5 }, (_, i) => ({ pk: "PAGED", sk: `S${i}`, i }));
    await dynamo().send("BatchWriteItem", {
      RequestItems: { [Table.name()]: items.map((Item) => ({ PutRequest: { Item } })) },
    });
    const seen: number[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await dynamo().send("Query", {
        TableName: Table.name(),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": "PAGED" },
        Limit: 2,
        ...(start ? { ExclusiveStartKey: start } : {}),
      });
      seen.push(...(page.Items ?? []).map((item) => item.i));
      start = page.LastEvaluatedKey;
    } while (start);
    expect(seen).toEqual([0, 1, 2, 3, 4]);

    const batch = await dynamo().send("BatchGetItem", {
      RequestItems: { [Table.name()]: { Keys: items.slice(0, 3).map(({ pk, sk }) => ({ pk, sk })) } },
    });
    expect(batch.Responses?.[Table.name()]?.map((item) => item.i).sort()).toEqual([0, 1, 2]);

    await dynamo().send("BatchWriteItem", {
      RequestItems: { [Table.name()]: items.map(({ pk, sk }) => ({ DeleteRequest: { Key: { pk, sk } } })) },
    });
    const scanned = await dynamo().send("Scan", {
      TableName: Table.name(),
      FilterExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": "PAGED" },
    });
    expect(scanned.Items).toEqual([]);
  });

  it("names DynamoDB's refusals as the SDK does, and does not retry them", async () => {
    let attempts = 0;
    const stop = dynamo().intercept(
      (_, send) => {
        attempts++;
        return send();
      },
      { retried: true },
    );
    try {
      await expect(
        dynamo().send("GetItem", { TableName: "no-such-table", Key: { pk: "x", sk: "x" } }),
      ).rejects.toMatchObject({
        name: "ResourceNotFoundException",
      });
      await expect(dynamo().send("GetItem", { TableName: Table.name(), Key: { pk: "x" } })).rejects.toMatchObject({
        name: "ValidationException",
      });
    } finally {
      stop();
    }
    expect(attempts).toBe(2);
  });
});

const endpoint = scriptedEndpoint();

const json =
  (status: number, body: object): Script =>
  (_, __, response) => {
    response.writeHead(status, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "REQ1" });
    response.end(JSON.stringify(body));
  };
const error = (status: number, type: string, message: string) =>
  json(status, { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message });

const client = (options: Partial<ConstructorParameters<typeof DynamoDB>[0]> = {}) =>
  new DynamoDB({
    region: "eu-west-1",
    endpoint: endpoint.url(),
    credentials: async () => ({ accessKeyId: "AKID", secretAccessKey: "secret", sessionToken: "TOKEN" }),
    ...options,
  });
const get = { TableName: "t", Key: { pk: "a", sk: "b" } };

describe("against a stand-in that answers as DynamoDB does", () => {
  it("sends one signed JSON POST per call, with its target, its session token and marshalled values", async () => {
    endpoint.script = [json(200, { Item: { pk: { S: "a" }, n: { N: "2" } } })];
    expect(await client().send("GetItem", get)).toEqual({ Item: { pk: "a", n: 2 } });
    const [{ headers, body }] = endpoint.received as [(typeof endpoint.received)[0]];
    expect(headers).toMatchObject({
      "x-amz-target": "DynamoDB_20120810.GetItem",
      "content-type": "application/x-amz-json-1.0",
      "x-amz-security-token": "TOKEN",
      connection: "keep-alive",
    });
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
    expect(JSON.parse(body)).toEqual({ TableName: "t", Key: { pk: { S: "a" }, sk: { S: "b" } } });
  });

  it("rides out throttles and 5xx answers within its attempts", async () => {
    endpoint.script = [
      error(400, "ProvisionedThroughputExceededException", "slow down"),
      error(500, "InternalServerError", "oops"),
      json(200, {}),
    ];
    expect(await client({ maxAttempts: 3 }).send("GetItem", get)).toEqual({});
    expect(endpoint.received).toHaveLength(3);
  });

  it("gives up after its attempts with the last answer's name, message, fault and status", async () => {
    endpoint.script = [error(503, "ServiceUnavailable", "try later")];
    await expect(client({ maxAttempts: 2 }).send("GetItem", get)).rejects.toMatchObject({
      name: "ServiceUnavailable",
      message: "try later",
      $fault: "server",
      $metadata: { httpStatusCode: 503, requestId: "REQ1" },
    });
    expect(endpoint.received).toHaveLength(2);
  });

  it("answers a refused condition at once", async () => {
    endpoint.script = [error(400, "ConditionalCheckFailedException", "The conditional request failed")];
    await expect(client().send("PutItem", { TableName: "t", Item: { pk: "a" } })).rejects.toMatchObject({
      name: "ConditionalCheckFailedException",
    });
    expect(endpoint.received).toHaveLength(1);
  });

  it("ends an attempt nobody answers with a TimeoutError, and tries again", async () => {
    endpoint.script = [silent, json(200, { Item: { pk: { S: "late" } } })];
    const started = performance.now();
    expect(await client({ requestTimeout: 200 }).send("GetItem", get)).toEqual({ Item: { pk: "late" } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    endpoint.script = [silent];
    await expect(client({ requestTimeout: 100, maxAttempts: 2 }).send("GetItem", get)).rejects.toMatchObject({
      name: "TimeoutError",
    });
  });

  it("tries again when the connection drops mid-answer, and names a refused connection as Node does", async () => {
    endpoint.script = [(_, __, response) => response.socket?.destroy(), json(200, {})];
    expect(await client().send("GetItem", get)).toEqual({});
    expect(endpoint.received).toHaveLength(2);
    const closed = new DynamoDB({
      region: "eu-west-1",
      endpoint: "http://127.0.0.1:1",
      credentials: async () => ({ accessKeyId: "a", secretAccessKey: "b" }),
      maxAttempts: 2,
    });
    await expect(closed.send("GetItem", get)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("runs interceptors outside the retries once a call, and inside them once an attempt, the first added outermost", async () => {
    endpoint.script = [error(500, "InternalServerError", "oops"), json(200, { Item: { pk: { S: "a" } } })];
    const dynamo = client();
    const seen: string[] = [];
    dynamo.intercept(async (call, send) => {
      seen.push(`outer ${call.operation}`);
      const output = (await send()) as { Item: object };
      return { ...output, Item: { ...output.Item, altered: true } };
    });
    dynamo.intercept(async (_, send) => {
      seen.push("inner");
      return send();
    });
    const stop = dynamo.intercept(
      async (_, send) => {
        seen.push("attempt");
        return send();
      },
      { retried: true },
    );
    expect(await dynamo.send("GetItem", get)).toEqual({ Item: { pk: "a", altered: true } });
    expect(seen).toEqual(["outer GetItem", "inner", "attempt", "attempt"]);
    stop();
    seen.length = 0;
    endpoint.script = [json(200, {})];
    await dynamo.send("GetItem", get);
    expect(seen).toEqual(["outer GetItem", "inner"]);
  });

  it("retries what an interceptor inside the loop throws as it would DynamoDB's answer; outside, it is the call's error", async () => {
    endpoint.script = [json(200, {})];
    const dynamo = client();
    let thrown = 0;
    const throttle = () => {
      thrown++;
      throw new DynamoDBError("ThrottlingException", "injected", 400);
    };
    const inside = dynamo.intercept(async (_, send) => (thrown ? send() : throttle()), { retried: true });
    expect(await dynamo.send("GetItem", get)).toEqual({});
    expect(thrown).toBe(1);
    inside();
    dynamo.intercept(async () => throttle());
    await expect(dynamo.send("GetItem", get)).rejects.toMatchObject({ name: "ThrottlingException" });
    expect(thrown).toBe(2);
  });
});
