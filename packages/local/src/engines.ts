/**
 * The embedded stand-ins for AWS: dynalite for DynamoDB and aws-ses-v2-local
 * for SES. Shared by `npm start` and the test suite, so tests exercise the
 * same engines a developer runs.
 */
import { createRequire } from "node:module";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, UpdateTableCommand } from "@aws-sdk/client-dynamodb";
import { Table } from "@takedown/core";

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

/** Creates the table from the shared definition unless it exists. */
export async function ensureTable(endpoint: string, tableName?: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const input = Table.createTableInput(tableName);
  try {
    const { Table: existing } = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    // A table made before an index was added gets it now (one at a time, as DynamoDB allows).
    const have = new Set((existing?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
    for (const index of input.GlobalSecondaryIndexes.filter((i) => !have.has(i.IndexName))) {
      await client.send(
        new UpdateTableCommand({
          TableName: input.TableName,
          AttributeDefinitions: input.AttributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: { IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection } }],
        }),
      );
    }
  } catch (error) {
    if (!(error instanceof Error) || error.name !== "ResourceNotFoundException") throw error;
    await client.send(new CreateTableCommand(input));
  } finally {
    client.destroy();
  }
}
