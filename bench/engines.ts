/**
 * The local engines and the settings the bench runs the desk with: this
 * process's, and its child processes' environment.
 */
import { fork } from "node:child_process";
import { join } from "node:path";
import { Config, config, configure } from "@takedown/core";
import { root } from "../packages/functions/bundle";
import { ensureTable, startDynamo, startSes, type Engine } from "../packages/local/src/engines";

export const OPERATORS = ["ops-one@syndication.example", "ops-two@syndication.example"];
export const INGEST_TOKEN = "bench-ingest-token";
export const PUBLIC_URL = "http://127.0.0.1:3000";

/** The environment of the desk under test; child processes get the same. */
export function deskEnv(dynamoUrl: string, sesUrl: string, table: string): Record<string, string> {
  return {
    DYNAMODB_ENDPOINT: dynamoUrl,
    SES_ENDPOINT: sesUrl,
    TABLE_NAME: table,
    PUBLIC_URL,
    OPERATOR_EMAILS: OPERATORS.join(","),
    INGEST_TOKEN,
    LINK_SECRET: "bench-link-secret-0123456789",
    // Solving the proof of work is the filer's time, not the server's: kept small.
    POW_BITS: "8",
    // Throughput runs file thousands of notices with one key in a minute.
    RATE_LIMIT_PER_KEY: "100000000",
  };
}

export type Engines = { dynamo: Engine; ses: Engine; table: string; close: () => Promise<void> };

export async function startEngines(table = "bench"): Promise<Engines> {
  const [dynamo, ses] = await Promise.all([startDynamo(), startSes()]);
  Object.assign(process.env, deskEnv(dynamo.url, ses.url, table));
  configure(Config.fromEnv(process.env));
  await ensureTable(dynamo.url, table);
  return { dynamo, ses, table, close: async () => void (await Promise.all([dynamo.close(), ses.close()])) };
}

/**
 * Runs `measure` with the desk on a dynalite in a process of its own (a
 * table of its own too, so that no cache of this process's table answers for
 * it), as on AWS where DynamoDB does not share the app's CPU; then puts the
 * desk back on this process's engines.
 */
export async function withDynamoApart<T>(table: string, measure: () => Promise<T>): Promise<T> {
  const child = fork(join(root, "bench/dynamo-process.ts"), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, NODE_NO_WARNINGS: "1" },
  });
  const before = config();
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.once("message", (message) => resolve(String(message)));
      child.once("exit", (code) => reject(new Error(`bench/dynamo-process.ts exited ${code} before listening`)));
    });
    configure(Config.fromEnv({ ...process.env, DYNAMODB_ENDPOINT: url, TABLE_NAME: table }));
    await ensureTable(url, table);
    return await measure();
  } finally {
    configure(before);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill();
      await exited;
    }
  }
}
