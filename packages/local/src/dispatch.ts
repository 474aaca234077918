/**
 * `npm run dispatch -- <command>`: operators see the notices and
 * counter-notices the dispatcher gave up on and put them back once the cause
 * is dealt with.
 *
 *   npm run dispatch -- list
 *   npm run dispatch -- retry <id>
 *   npm run dispatch -- backfill-queue
 *   npm run dispatch -- backfill-search
 *   npm run dispatch -- backfill-webhooks
 *
 * `backfill-queue`, once after deploying the operators' queue index, puts the
 * notices stored before it into the queue; `backfill-search`, once after
 * deploying the console's search, writes the search terms of the notices
 * stored before it and records their approvals on their sources (the
 * queue's "approved before" flag). Both read the whole table and may run again.
 * `backfill-webhooks` subscribes the endpoints that keys with `notices:review`
 * registered before such keys heard of every notice (no scan).
 * Like `npm run keys`, it uses the local stack's table unless given --aws (or
 * run inside `sst shell`). A retried notice or counter-notice is due at once: the sweep (or, on
 * AWS, the table's stream) takes it from there.
 */
import { Dispatch, DomainError, Notice, Webhook } from "@takedown/core";
import { command, main, type Output } from "./cli";

const USAGE = `Usage:
  npm run dispatch -- list
  npm run dispatch -- retry <id>
  npm run dispatch -- backfill-queue
  npm run dispatch -- backfill-search
  npm run dispatch -- backfill-webhooks
Add --aws to use DynamoDB on AWS instead of the local stack.`;

async function list(out: Output) {
  const dead = await Dispatch.dead();
  if (!dead.length) return out.log("Nothing is parked: the dispatcher is keeping up with every notice.");
  for (const { id, what, dispatch } of dead) {
    out.log(
      `${id}  ${what === "notice" ? "" : `${what}, `}dead since ${dispatch.dead}  after ${dispatch.failures} failed runs  last error: ${dispatch.lastError}`,
    );
  }
}

async function retry(id: string | undefined, out: Output) {
  if (!id) {
    throw new DomainError(
      "validation_failed",
      "Name the notice or counter-notice (as `list` shows it): npm run dispatch -- retry <id>",
    );
  }
  const what = await Dispatch.retry(id);
  out.log(
    `${what === "notice" ? "Notice" : "Counter-notice"} ${id} is due again; the dispatcher will take it up within a minute.`,
  );
}

/** Runs one command; returns the exit code (0 done, 1 refused or failed, 2 usage). */
export function run(argv: string[], out: Output = console): Promise<number> {
  return command(argv, out, {
    usage: USAGE,
    commands: {
      list: () => list(out),
      retry: ({ args: [id] }) => retry(id, out),
      "backfill-queue": async () => out.log(`${await Notice.backfillQueue()} notices put in the operators' queue.`),
      "backfill-search": async () => {
        const { indexed, approved } = await Notice.backfillSearch();
        out.log(`${indexed} notices made searchable; ${approved} approved ones recorded on their sources.`);
      },
      "backfill-webhooks": async () =>
        out.log(`${await Webhook.backfillReviewers()} endpoints of review keys now hear of every notice.`),
    },
  });
}

await main(import.meta.url, run);
