/**
 * Delivers what notices have queued: their mail, their webhook events (fanned
 * out into deliveries, which the sweep also retries; see Webhook), and
 * approvals' effects left unfinished by a crashed request. On AWS the
 * table's stream calls `process` for each changed notice and a schedule calls
 * `sweep`; locally a timer calls `sweep`. Both may run at once: a lease on the
 * notice lets one worker at a time send its mail.
 *
 * Mail is sent one message at a time, and each is recorded as sent before the
 * next leaves, so a worker that dies mid-batch leaves at most one message whose
 * fate is unknown: SES accepted it, the record did not land. The next worker
 * sends that one again (at least once beats a lost receipt); SES offers no
 * idempotency key that could close this window. docs/reliability.md.
 */
import { randomUUID } from "node:crypto";
import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "./aws/dynamo";
import * as Db from "./db";
import * as Log from "./logger";
import * as Mail from "./mail";
import type { Event } from "./moderation";
import * as Notice from "./notice";
import * as Outbox from "./outbox";
import * as Present from "./present";
import * as Table from "./table";
import * as Webhook from "./webhook";

const DELIVERY = Table.key.delivery("").pk;
const NOTICE = Table.key.notice("").pk;
const LEASE_MS = 60_000;

type Claim = { notice: Notice.Notice; holder: string };

/**
 * Takes the notice for `LEASE_MS`. The holder id lets a retried claim whose
 * first answer was lost succeed, and shows a worker that it is taking over
 * from one that died (`previousHolder` is only left behind by a crash).
 */
async function claim(id: string, now: Date): Promise<Claim | undefined> {
  const holder = randomUUID();
  try {
    const result = await dynamo().send(
      new UpdateCommand({
        TableName: Table.name(),
        Key: Table.key.notice(id),
        UpdateExpression:
          "SET previousHolder = if_not_exists(holder, :holder), holder = :holder, lease = :until ADD version :one",
        ConditionExpression:
          "attribute_exists(gsi2pk) AND (attribute_not_exists(lease) OR lease < :now OR holder = :holder)",
        ExpressionAttributeValues: {
          ":until": now.getTime() + LEASE_MS,
          ":now": now.getTime(),
          ":holder": holder,
          ":one": 1,
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    const item = result.Attributes!;
    const notice = Notice.fromItem(item);
    if (item.previousHolder !== holder) {
      Log.warn("dispatch.takeover", { notice: id, pending: Object.keys(notice.outbox ?? {}).length });
    }
    return { notice, holder };
  } catch (error) {
    if (Db.isConditionFailure(error)) return undefined;
    throw error;
  }
}

type Outcome = { id: string; message: Outbox.Message; ref?: string; error?: string };

async function sendOne(
  notice: Notice.Notice,
  [id, message]: [string, Outbox.Message],
  context: Mail.Context,
  now: Date,
): Promise<Outcome> {
  try {
    if (message.kind === "webhook") {
      await Webhook.fanOut(notice, message, now);
      return { id, message };
    }
    const ref = await Mail.send(Mail.compose(message.kind, notice, message.to, context, now.getTime()));
    return { id, message, ref };
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    const failed = message.kind === "webhook" ? "webhook.fan_out_failed" : "mail.failed";
    Log.warn(failed, { notice: notice.id, kind: message.kind, error: name, attempts: message.attempts + 1 });
    return { id, message, error: name };
  }
}

/** What the notice's log keeps of a sent message: mail, yes; a webhook event's deliveries are items of their own. */
function sentEvents(notice: Notice.Notice, { message, ref }: Outcome, at: string): Event[] {
  if (message.kind === "webhook") return [];
  return [{ type: "mail_sent", at, by: "system", kind: message.kind, to: message.to ?? Present.mailTo(notice).join(", "), ref }];
}

/**
 * Moves one sent message from the outbox to the log. Conditional on it still
 * being queued, so the log never shows a message twice; a failed condition
 * means a worker that took over sent it as well.
 */
async function recordSent(notice: Notice.Notice, outcome: Outcome, now: Date): Promise<void> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: Table.name(),
        Key: Table.key.notice(notice.id),
        UpdateExpression: "REMOVE outbox.#id SET events = list_append(events, :sent)",
        ConditionExpression: "attribute_exists(outbox.#id)",
        ExpressionAttributeNames: { "#id": outcome.id },
        ExpressionAttributeValues: { ":sent": sentEvents(notice, outcome, now.toISOString()) },
      }),
    );
  } catch (error) {
    if (!Db.isConditionFailure(error)) throw error;
    Log.warn("mail.duplicate", { notice: notice.id, kind: outcome.message.kind });
  }
}

/**
 * Records the effects applied under this lease, the last sent message and
 * what failed, and lets the lease go. The notice leaves the due index only if
 * nothing changed since the claim; otherwise a transition queued more work
 * and the next sweep will find it.
 */
async function complete(
  notice: Notice.Notice,
  holder: string,
  effects: Event[] | undefined,
  last: Outcome | undefined,
  failed: Outcome[],
  now: Date,
): Promise<void> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ":one": 1, ":holder": holder };
  const removes = ["lease", "holder", "previousHolder"];
  const sets: string[] = [];
  const logged = [...(effects ?? []), ...(last ? sentEvents(notice, last, now.toISOString()) : [])];
  if (effects) removes.push("effectsPending");
  if (last) {
    names["#sent"] = last.id;
    removes.push("outbox.#sent");
  }
  if (logged.length) {
    values[":logged"] = logged;
    sets.push("events = list_append(events, :logged)");
  }
  failed.forEach(({ id, message, error }, i) => {
    names[`#f${i}`] = id;
    values[`:f${i}`] = { ...message, attempts: message.attempts + 1, lastError: error };
    sets.push(`outbox.#f${i} = :f${i}`);
  });
  const wake = failed.length ? Outbox.retryAt(Math.min(...failed.map((f) => f.message.attempts + 1)), now) : undefined;
  const write = (leaveIndex: boolean) => {
    const update = [...sets];
    const remove = [...removes];
    const extra: Record<string, unknown> = {};
    if (!leaveIndex && !wake) remove.push("gsi2pk", "gsi2sk");
    if (!leaveIndex && wake) {
      update.push("gsi2sk = :wake");
      extra[":wake"] = Table.due.at(wake).gsi2sk;
    }
    const conditions = ["holder = :holder", ...(leaveIndex ? [] : ["version = :claimed"])];
    return dynamo().send(
      new UpdateCommand({
        TableName: Table.name(),
        Key: Table.key.notice(notice.id),
        UpdateExpression:
          (update.length ? `SET ${update.join(", ")} ` : "") + `REMOVE ${remove.join(", ")} ADD version :one`,
        ConditionExpression: conditions.join(" AND "),
        ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
        ExpressionAttributeValues: { ...values, ...extra, ...(leaveIndex ? {} : { ":claimed": notice.version }) },
      }),
    );
  };
  try {
    await write(false);
  } catch (error) {
    if (!Db.isConditionFailure(error)) throw error;
    try {
      await write(true);
    } catch (again) {
      if (!Db.isConditionFailure(again)) throw again;
      // The lease is no longer ours: our write landed and its answer was lost,
      // or we were too slow and a worker took over. Either way, record the sent
      // message if it still waits, so the other worker does not send it again.
      // Effects are not recorded here: the worker that took over applies them
      // again (they are idempotent) and records them once.
      if (last) await recordSent(notice, last, now);
    }
  }
}

/** A decision's effects; when they fail, the lease runs out and the next worker tries again. */
async function applyEffects(notice: Notice.Notice, now: Date): Promise<Event[]> {
  try {
    return await Notice.applyEffects(notice, now);
  } catch (error) {
    Log.warn("effects.failed", { notice: notice.id, error: error instanceof Error ? error.name : "Error" });
    throw error;
  }
}

/**
 * Finishes one notice's queued work, if no other worker holds it: first the
 * effects of its decision, then its messages, which can then tell what the
 * effects were.
 */
export async function process(id: string, now = new Date()): Promise<void> {
  const claimed = await claim(id, now);
  if (!claimed) return;
  const effects = claimed.notice.effectsPending ? await applyEffects(claimed.notice, now) : undefined;
  const { effectsPending, ...rest } = claimed.notice;
  const notice: Notice.Notice = effects ? { ...rest, events: [...rest.events, ...effects] } : claimed.notice;
  const pending = Object.entries(notice.outbox ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  const context = await Mail.contextFor(notice, pending.map(([, message]) => message.kind));
  const failed: Outcome[] = [];
  let last: Outcome | undefined;
  for (const [index, entry] of pending.entries()) {
    const outcome = await sendOne(notice, entry, context, now);
    if (outcome.error) failed.push(outcome);
    // The last one is recorded with the lease's release: one write fewer.
    else if (index < pending.length - 1) await recordSent(notice, outcome, now);
    else last = outcome;
  }
  await complete(notice, claimed.holder, effects, last, failed, now);
}

/** Processes every notice and webhook delivery whose work is due; returns how many it looked at. */
export async function sweep(now = new Date(), limit = 100): Promise<number> {
  const result = await dynamo().send(
    new QueryCommand({
      TableName: Table.name(),
      IndexName: Table.due.index,
      KeyConditionExpression: "gsi2pk = :due AND gsi2sk <= :now",
      ExpressionAttributeValues: { ":due": Table.due.partition, ":now": now.toISOString() },
      ProjectionExpression: "pk",
      Limit: limit,
    }),
  );
  const due = (result.Items ?? []).map(({ pk }) => String(pk));
  // One item that fails is logged and tried again later; it does not stop the rest.
  await Promise.all(
    due.map((pk) =>
      (pk.startsWith(DELIVERY) ? Webhook.attempt(pk.slice(DELIVERY.length), now) : process(pk.slice(NOTICE.length), now)).catch(
        (error: unknown) => Log.warn("dispatch.failed", { item: pk, error: error instanceof Error ? error.name : "Error" }),
      ),
    ),
  );
  return due.length;
}
