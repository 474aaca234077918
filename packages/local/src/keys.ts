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
import { ApiKey, DomainError } from "@takedown/core";
import { command, main, table, type Output } from "./cli";

const USAGE = `Usage:
  npm run keys -- create --name "<name>" --scopes ${ApiKey.SCOPES.join(",")} --owner <email>
  npm run keys -- list
  npm run keys -- revoke <id>
Add --aws to use DynamoDB on AWS instead of the local stack.`;

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

async function create(values: { name?: string; scopes?: string; owner?: string }, out: Output) {
  const { key, secret } = await ApiKey.create({
    name: values.name,
    scopes: values.scopes
      ?.split(",")
      .map((scope) => scope.trim())
      .filter(Boolean),
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
  for (const line of table([
    ["ID", "NAME", "SCOPES", "OWNER", "CREATED", "LAST USED", "STATUS"],
    ...keys.map(describe),
  ])) {
    out.log(line);
  }
}

async function revoke(id: string | undefined, out: Output) {
  if (!id) throw new DomainError("validation_failed", "Name the key to revoke: npm run keys -- revoke <id>");
  const key = await ApiKey.revoke(id);
  out.log(`Revoked API key ${key.id} "${key.name}" (${key.revokedAt}). Requests with it are now refused.`);
}

/** Runs one command; returns the exit code (0 done, 1 refused or failed, 2 usage). */
export function run(argv: string[], out: Output = console): Promise<number> {
  return command(argv, out, {
    usage: USAGE,
    options: { name: { type: "string" }, scopes: { type: "string" }, owner: { type: "string" } },
    commands: {
      create: ({ values }) => create(values as { name?: string; scopes?: string; owner?: string }, out),
      list: () => list(out),
      revoke: ({ args: [id] }) => revoke(id, out),
    },
  });
}

await main(import.meta.url, run);
