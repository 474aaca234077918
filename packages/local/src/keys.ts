/**
 * `npm run keys -- <command>`: operators create, list and revoke API keys.
 *
 *   npm run keys -- create --name "Rights desk" --scopes notices:write --owner desk@publisher.example
 *   npm run keys -- list
 *   npm run keys -- revoke <id>
 *
 * It writes to the table the app reads. Unless told otherwise that is the
 * local stack's (`npm start` must be running): DYNAMODB_ENDPOINT, or else
 * dynalite on 127.0.0.1 at DYNAMODB_PORT (8000). With --aws, or inside
 * `sst shell` (which sets SST_RESOURCE_App), it talks to DynamoDB on AWS with
 * the environment's credentials, region and TABLE_NAME.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ApiKey, DomainError, config } from "@takedown/core";

export type Output = { log: (line: string) => void; error: (line: string) => void };

const USAGE = `Usage:
  npm run keys -- create --name "<name>" --scopes ${ApiKey.SCOPES.join(",")} --owner <email>
  npm run keys -- list
  npm run keys -- revoke <id>
Add --aws to use DynamoDB on AWS instead of the local stack.`;

/** Points the core at the local stack unless told to use AWS; says which table it uses. */
export function target(aws: boolean | undefined): string {
  if (!aws && !process.env.SST_RESOURCE_App) {
    process.env.DYNAMODB_ENDPOINT ??= `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? 8000}`;
  }
  const { dynamoEndpoint, tableName, region } = config();
  return `table ${tableName} at ${dynamoEndpoint ?? `DynamoDB in ${region}`}`;
}

function describe(key: ApiKey.ApiKey): string[] {
  return [
    key.id,
    key.name,
    key.scopes.join(","),
    key.owner,
    key.createdAt,
    key.lastUsedAt ?? "never",
    key.revokedAt ? `revoked ${key.revokedAt}` : "active",
  ];
}

export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd());
}

async function create(values: { name?: string; scopes?: string; owner?: string }, out: Output) {
  const { key, secret } = await ApiKey.create({
    name: values.name,
    scopes: values.scopes?.split(",").map((scope) => scope.trim()).filter(Boolean),
    owner: values.owner,
  });
  out.log(`Created API key ${key.id} "${key.name}" for ${key.owner}, with ${key.scopes.join(", ")}.`);
  out.log("");
  out.log(`  ${secret}`);
  out.log("");
  out.log("This is the only time the key is shown: only its hash is stored. Keep it secret.");
  out.log("Send it as: Authorization: Bearer <key>");
}

async function list(out: Output) {
  const keys = await ApiKey.list();
  if (!keys.length) {
    out.log("No API keys yet. Create one with: npm run keys -- create --name … --scopes … --owner …");
    return;
  }
  table([["ID", "NAME", "SCOPES", "OWNER", "CREATED", "LAST USED", "STATUS"], ...keys.map(describe)]).forEach(
    (line) => out.log(line),
  );
}

async function revoke(id: string | undefined, out: Output) {
  if (!id) throw new DomainError("validation_failed", "Name the key to revoke: npm run keys -- revoke <id>");
  const key = await ApiKey.revoke(id);
  out.log(`Revoked API key ${key.id} "${key.name}" (${key.revokedAt}). Requests with it are now refused.`);
}

/** Runs one command; returns the exit code (0 done, 1 refused or failed, 2 usage). */
export async function run(argv: string[], out: Output = console): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        name: { type: "string" },
        scopes: { type: "string" },
        owner: { type: "string" },
        aws: { type: "boolean" },
      },
    });
  } catch (error) {
    out.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, id] = positionals;
  if (command !== "create" && command !== "list" && command !== "revoke") {
    out.error(USAGE);
    return 2;
  }
  const where = target(values.aws);
  try {
    if (command === "create") await create(values, out);
    else if (command === "list") await list(out);
    else await revoke(id, out);
    return 0;
  } catch (error) {
    out.error(explain(error, where));
    return 1;
  }
}

export function explain(error: unknown, where: string): string {
  if (error instanceof DomainError) {
    return [error.message, ...(error.details.issues ?? []).map((issue) => `  ${issue.path}: ${issue.message}`)].join("\n");
  }
  const { name, code } = error as { name?: string; code?: string };
  if (code === "ECONNREFUSED") return `Cannot reach the ${where}. Is \`npm start\` running?`;
  if (name === "ResourceNotFoundException") return `There is no ${where}. Start the app once to create it.`;
  return `Failed on the ${where}: ${name ?? "Error"}: ${(error as Error).message}`;
}

if (process.argv[1] && resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  process.exitCode = await run(process.argv.slice(2));
}
