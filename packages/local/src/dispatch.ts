/**
 * `npm run dispatch -- <command>`: operators see the notices the dispatcher
 * gave up on and put them back once the cause is dealt with.
 *
 *   npm run dispatch -- list
 *   npm run dispatch -- retry <noticeId>
 *
 * Like `npm run keys`, it uses the local stack's table unless given --aws (or
 * run inside `sst shell`). A retried notice is due at once: the sweep (or, on
 * AWS, the table's stream) takes it from there.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { Dispatch, DomainError } from "@takedown/core";
import { explain, target } from "./keys";

type Output = { log: (line: string) => void; error: (line: string) => void };

const USAGE = `Usage:
  npm run dispatch -- list
  npm run dispatch -- retry <noticeId>
Add --aws to use DynamoDB on AWS instead of the local stack.`;

async function list(out: Output) {
  const dead = await Dispatch.dead();
  if (!dead.length) return out.log("No notice is parked: the dispatcher is keeping up with all of them.");
  for (const { id, dispatch } of dead) {
    out.log(`${id}  dead since ${dispatch.dead}  after ${dispatch.failures} failed runs  last error: ${dispatch.lastError}`);
  }
}

async function retry(id: string | undefined, out: Output) {
  if (!id) throw new DomainError("validation_failed", "Name the notice: npm run dispatch -- retry <noticeId>");
  await Dispatch.retry(id);
  out.log(`Notice ${id} is due again; the dispatcher will take it up within a minute.`);
}

/** Runs one command; returns the exit code (0 done, 1 refused or failed, 2 usage). */
export async function run(argv: string[], out: Output = console): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { aws: { type: "boolean" } } });
  } catch (error) {
    out.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [command, id] = parsed.positionals;
  if (command !== "list" && command !== "retry") {
    out.error(USAGE);
    return 2;
  }
  const where = target(parsed.values.aws);
  try {
    await (command === "list" ? list(out) : retry(id, out));
    return 0;
  } catch (error) {
    out.error(explain(error, where));
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  process.exitCode = await run(process.argv.slice(2));
}
