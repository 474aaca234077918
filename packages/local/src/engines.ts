/**
 * The embedded stand-ins for AWS: dynalite for DynamoDB and aws-ses-v2-local
 * for SES. Shared by `npm start` and the test suite, so tests exercise the
 * same engines a developer runs.
 */
import { createRequire } from "node:module";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ScanCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { Moderation, Table } from "@takedown/core";

const require = createRequire(import.meta.url);

export type Engine = { url: string; port: number; close: () => Promise<void> };

function listening(server: Server, host: string, port: number): Promise<Engine> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const actual = (server.address() as AddressInfo).port;
      resolve({
        url: `http://${host}:${actual}`,
        port: actual,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

/** dynalite, in memory or persisted under `path`. */
export function startDynamo(options: { port?: number; path?: string } = {}): Promise<Engine> {
  const dynalite = require("dynalite") as (options: object) => Server;
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  return listening(server, "127.0.0.1", options.port ?? 0);
}

/** aws-ses-v2-local; its mailbox is at `/` and `/store` on the same port. */
export async function startSes(options: { port?: number } = {}): Promise<Engine> {
  const start = require("aws-ses-v2-local").default as (config: { host: string; port: number }) => Promise<Server>;
  const host = "127.0.0.1";
  // It listens before resolving; probe a free port first when asked for any.
  const port = options.port ?? (await freePort());
  const server = await start({ host, port });
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/** A port nothing listens on right now, for engines that need one named up front. */
export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Creates the table from the shared definition unless it exists. A table
 * made before an index was added is made again with its items, since
 * dynalite cannot add an index to a table; notices get their queue keys.
 */
export async function ensureTable(endpoint: string, tableName?: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const input = Table.createTableInput(tableName);
  try {
    const { Table: existing } = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    const have = new Set((existing?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
    if (input.GlobalSecondaryIndexes.every((index) => have.has(index.IndexName))) return;
    const items = await scanAll(client, input.TableName);
    await client.send(new DeleteTableCommand({ TableName: input.TableName }));
    await client.send(new CreateTableCommand(input));
    await active(client, input.TableName);
    for (let i = 0; i < items.length; i += 25) {
      const requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item: withQueueKeys(Item) } }));
      await client.send(new BatchWriteItemCommand({ RequestItems: { [input.TableName]: requests } }));
    }
  } catch (error) {
    if (!(error instanceof Error) || error.name !== "ResourceNotFoundException") throw error;
    await client.send(new CreateTableCommand(input));
  } finally {
    client.destroy();
  }
}

type RawItem = Record<string, AttributeValue>;

async function scanAll(client: DynamoDBClient, TableName: string): Promise<RawItem[]> {
  const items: RawItem[] = [];
  let start: RawItem | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

async function active(client: DynamoDBClient, TableName: string): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    const { Table: table } = await client.send(new DescribeTableCommand({ TableName }));
    if (table?.TableStatus === "ACTIVE") return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A notice stored before the operators' queue existed, put in the queue its status belongs to. */
function withQueueKeys(item: RawItem): RawItem {
  const status = item.status?.S as Moderation.Status | undefined;
  if (item.type?.S !== "notice" || item.gsi5pk || item.replacedAt || !status) return item;
  const keys = Table.queue.of(Moderation.queueOf({ status }), item.createdAt?.S ?? "", item.id?.S ?? "");
  return { ...item, gsi5pk: { S: keys.gsi5pk }, gsi5sk: { S: keys.gsi5sk } };
}
