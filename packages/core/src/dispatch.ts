/**
 * Delivers what notices have queued: their mail, their webhook events (fanned
 * out into deliveries, which the sweep also retries; see Webhook), and the
 * effects of decisions, which the deciding request only records. On AWS the
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
import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "./aws/dynamo";
import * as Bounce from "./bounce";
import * as Cdn from "./cdn";
import { config } from "./config";
import * as Db from "./db";
import { DomainError } from "./errors";
import * as Log from "./logger";
import * as Mail from "./mail";
import type { Event } from "./moderation";
import * as Notice from "./notice";
import * as Outbox from "./outbox";
import * as Present from "./present";
import * as Table from "./table";
import { mapLimit } from "./batch";
import * as Webhook from "./webhook";

const DELIVERY = Table.key.delivery("").pk;
const NOTICE = Table.key.notice("").pk;
const LEASE_MS = 60_000;
/** After this many failed runs in a row, a notice is parked as dead and operators are told. */
export const MAX_FAILURES = 5;
/** Where dead notices wait in the sparse index, apart from the due ones. */
const DEAD = "DEAD";

type Claim = { notice: Notice.Notice; holder: string };

/**
 * The leases this worker holds, by notice, so that a run that fails releases
 * its own lease (and never one another worker took over).
 */
const held = new Map<string, string>();

/** The claim failed because another worker holds the notice's lease, not because nothing is due. */
class LeaseHeld extends Error {
  override name = "LeaseHeld";
}

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
        // Only while due: a retried stream record must not run a notice its failure backed off.
        ConditionExpression:
          "gsi2pk = :due AND gsi2sk <= :dueBy AND (attribute_not_exists(lease) OR lease < :now OR holder = :holder)",
        ExpressionAttributeValues: {
          ":due": Table.due.partition,
          ":dueBy": Table.due.at(now).gsi2sk,
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
    held.set(id, holder);
    return { notice, holder };
  } catch (error) {
    if (!Db.isConditionFailure(error)) throw error;
    if (await leasedElsewhere(id, now)) throw new LeaseHeld(id);
    return undefined;
  }
}

/** True when the notice is due but another worker's lease is still running. */
async function leasedElsewhere(id: string, now: Date): Promise<boolean> {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: Table.name(),
      Key: Table.key.notice(id),
      ProjectionExpression: "gsi2pk, gsi2sk, lease",
      ConsistentRead: true,
    }),
  );
  return (
    Item?.gsi2pk === Table.due.partition &&
    String(Item.gsi2sk) <= Table.due.at(now).gsi2sk &&
    Number(Item.lease ?? 0) >= now.getTime()
  );
}

/** `gaveUp`: the message will never be sent; it leaves the outbox as a `mail_failed` event. */
type Outcome = { id: string; message: Outbox.Message; ref?: string; error?: string; gaveUp?: { permanent: boolean } };


/**
 * Spaces sends out to the account's SES rate (SES_MAX_SEND_RATE), across all
 * the notices this worker processes at once. Each caller takes the next free
 * slot and waits for it.
 */
let nextSlot = 0;
async function paced(): Promise<void> {
  const now = Date.now();
  const slot = Math.max(now, nextSlot);
  nextSlot = slot + 1000 / config().sesMaxSendRate;
  if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
}

/** Who a message goes to: the operator it names, or whoever the notice's mail is for (Present.mailTo). */
const recipients = (notice: Notice.Notice, message: Outbox.Message): string[] =>
  message.kind === "webhook" ? [] : message.to ? [message.to] : Present.mailTo(notice);

async function sendOne(
  notice: Notice.Notice,
  [id, message]: [string, Outbox.Message],
  context: Mail.Context,
  now: Date,
): Promise<Outcome> {
  const to = recipients(notice, message).filter((address) => !context.suppressed.has(address.toLowerCase()));
  if (message.kind !== "webhook" && !to.length) {
    Log.warn("mail.suppressed", { notice: notice.id, kind: message.kind });
    return { id, message, error: "AddressSuppressed", gaveUp: { permanent: true } };
  }
  try {
    if (message.kind === "webhook") {
      await Webhook.fanOut(notice, message, now);
      return { id, message };
    }
    await paced();
    const email = { ...Mail.compose(message.kind, notice, message.to, context, now.getTime()), to };
    const ref = await Mail.send(email, { notice: notice.id, kind: message.kind });
    return { id, message, ref };
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    const failed = message.kind === "webhook" ? "webhook.fan_out_failed" : "mail.failed";
    const permanent = message.kind !== "webhook" && Bounce.isPermanent(error);
    const expired = now.getTime() - Date.parse(message.queuedAt) >= config().mailGiveUpMs;
    const gaveUp = message.kind !== "webhook" && (permanent || expired) ? { permanent } : undefined;
    Log.warn(failed, { notice: notice.id, kind: message.kind, error: name, attempts: message.attempts + 1, gaveUp: Boolean(gaveUp) });
    return { id, message, error: name, gaveUp };
  }
}

/** What the notice's log keeps of a message that left the outbox: mail sent or given up; a webhook event's deliveries are items of their own. */
function sentEvents(notice: Notice.Notice, { message, ref, error, gaveUp }: Outcome, at: string): Event[] {
  if (message.kind === "webhook") return [];
  const to = message.to ?? Present.mailTo(notice).join(", ");
  if (gaveUp) return [{ type: "mail_failed", at, by: "system", kind: message.kind, to, error: error ?? "Error", permanent: gaveUp.permanent }];
  return [{ type: "mail_sent", at, by: "system", kind: message.kind, to, ref }];
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
  { effects, last, failed, dropped }: { effects?: Event[]; last?: Outcome; failed: Outcome[]; dropped: string[] },
  now: Date,
): Promise<void> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ":one": 1, ":holder": holder };
  const removes = ["lease", "holder", "previousHolder", ...(notice.dispatch ? ["dispatch"] : [])];
  const sets: string[] = [];
  const logged = [...(effects ?? []), ...(last ? sentEvents(notice, last, now.toISOString()) : [])];
  if (effects) removes.push("effectsPending");
  if (last) {
    names["#sent"] = last.id;
    removes.push("outbox.#sent");
  }
  dropped.forEach((id, i) => {
    names[`#d${i}`] = id;
    removes.push(`outbox.#d${i}`);
  });
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

/**
 * A decision's effects, and the CDN told to forget the pages an approval
 * changed; when any of it fails, the run fails and is retried (see `run`).
 */
async function applyEffects(notice: Notice.Notice, now: Date): Promise<Event[]> {
  try {
    const events = await Notice.applyEffects(notice, now);
    if (notice.decision?.action === "approved") await Cdn.invalidate(Notice.changedPages(notice));
    return events;
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
  const queued = Object.entries(notice.outbox ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  // A status change of a notice no key filed has nobody to tell: it leaves the outbox with the
  // release, unsent, instead of costing a write of its own.
  const unheard = (message: Outbox.Message) => message.kind === "webhook" && !notice.filedWith;
  const dropped = queued.filter(([, message]) => unheard(message)).map(([id]) => id);
  const pending = queued.filter(([, message]) => !unheard(message));
  const context = await Mail.contextFor(
    notice,
    pending.map(([, message]) => message.kind),
    [...new Set(pending.flatMap(([, message]) => recipients(notice, message)))],
  );
  const failed: Outcome[] = [];
  let last: Outcome | undefined;
  for (const [index, entry] of pending.entries()) {
    const outcome = await sendOne(notice, entry, context, now);
    if (outcome.error && !outcome.gaveUp) failed.push(outcome);
    // The last one is recorded with the lease's release: one write fewer.
    else if (index < pending.length - 1) await recordSent(notice, outcome, now);
    else last = outcome;
  }
  await complete(notice, claimed.holder, { effects, last, failed, dropped }, now);
}

/**
 * Runs one notice's work with its failures kept to itself: a run that throws
 * is recorded on the notice, which is backed off and, after MAX_FAILURES runs
 * in a row, parked as dead (out of the due index) with operators told, so it
 * can never hold up anyone else's mail. `busy`: another worker holds it.
 */
export async function run(id: string, now = new Date()): Promise<"done" | "busy" | "failed"> {
  try {
    await process(id, now);
    return "done";
  } catch (error) {
    if (error instanceof LeaseHeld) return "busy";
    const name = error instanceof Error ? error.name : "Error";
    Log.error("dispatch.failed", { notice: id, error: name });
    const holder = held.get(id);
    try {
      await recordFailure(id, holder, name, now);
    } catch (again) {
      // The lease runs out on its own; the next run after it counts this one.
      Log.error("dispatch.failure_not_recorded", { notice: id, error: (again as Error).name });
    }
    return "failed";
  } finally {
    held.delete(id);
  }
}

/** Counts a failed run, releases the lease and backs the notice off; parks it once the count is reached. */
async function recordFailure(id: string, holder: string | undefined, error: string, now: Date): Promise<void> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: Table.name(), Key: Table.key.notice(id), ProjectionExpression: "dispatch", ConsistentRead: true }),
  );
  const failures = ((Item?.dispatch as Notice.Notice["dispatch"])?.failures ?? 0) + 1;
  let dead = failures >= MAX_FAILURES;
  if (dead) {
    // Told before it is parked: if the alert cannot go out, the notice stays due and the next run tries again.
    try {
      await Promise.all(config().operatorEmails.map((operator) => Mail.send(Mail.deadNotice(id, operator, error, failures), { notice: id })));
    } catch (alert) {
      Log.error("dispatch.dead_alert_failed", { notice: id, error: (alert as Error).name });
      dead = false;
    }
  }
  const at = dead ? { gsi2pk: DEAD, gsi2sk: now.toISOString() } : Table.due.at(Outbox.retryAt(failures, now));
  const dispatch = { failures, lastError: error, ...(dead ? { dead: now.toISOString() } : {}) };
  await Db.conditional(
    dynamo().send(
      new UpdateCommand({
        TableName: Table.name(),
        Key: Table.key.notice(id),
        UpdateExpression: "SET dispatch = :dispatch, gsi2pk = :pk, gsi2sk = :sk REMOVE lease, holder, previousHolder ADD version :one",
        // Our own lease, or (the claim itself failed) nobody else's.
        ConditionExpression: holder
          ? "holder = :holder"
          : "gsi2pk = :due AND (attribute_not_exists(lease) OR lease < :now)",
        ExpressionAttributeValues: {
          ":dispatch": dispatch,
          ":pk": at.gsi2pk,
          ":sk": at.gsi2sk,
          ":one": 1,
          ...(holder ? { ":holder": holder } : { ":due": Table.due.partition, ":now": now.getTime() }),
        },
      }),
    ),
  );
  if (dead) Log.error("dispatch.dead", { notice: id, failures });
}

/** The notices parked as dead, oldest first: what operators are asked to look at. */
export async function dead(): Promise<{ id: string; dispatch: NonNullable<Notice.Notice["dispatch"]> }[]> {
  // The index holds keys only; the few parked notices are then read whole.
  const keys = await Db.queryAll({
    IndexName: Table.due.index,
    KeyConditionExpression: "gsi2pk = :dead",
    ExpressionAttributeValues: { ":dead": DEAD },
  });
  const items = new Map((await Db.getMany(keys.map(({ pk, sk }) => ({ pk: String(pk), sk: String(sk) })))).map((item) => [item.pk, item]));
  return keys.flatMap(({ pk }) => {
    const item = items.get(pk);
    return item ? [{ id: String(item.id), dispatch: item.dispatch as NonNullable<Notice.Notice["dispatch"]> }] : [];
  });
}

/** Puts a dead notice back in the due index with a clean count, once an operator has dealt with the cause. */
export async function retry(id: string, now = new Date()): Promise<void> {
  const done = await Db.conditional(
    dynamo().send(
      new UpdateCommand({
        TableName: Table.name(),
        Key: Table.key.notice(id),
        UpdateExpression: "SET gsi2pk = :due, gsi2sk = :at REMOVE dispatch ADD version :one",
        ConditionExpression: "gsi2pk = :dead",
        ExpressionAttributeValues: { ":due": Table.due.partition, ":at": Table.due.at(now).gsi2sk, ":dead": DEAD, ":one": 1 },
      }),
    ),
  );
  if (!done) throw new DomainError("not_found", `Notice ${id} is not parked as dead.`);
}

/**
 * Processes every notice and webhook delivery whose work is due, page by
 * page, a few at a time, until none is left or its time budget
 * (SWEEP_BUDGET_SECONDS) is spent; what is left waits for the next sweep.
 * Returns how many it looked at.
 */
export async function sweep(now = new Date(), limit = 100): Promise<number> {
  const started = Date.now();
  let start: Record<string, unknown> | undefined;
  let seen = 0;
  do {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: Table.name(),
        IndexName: Table.due.index,
        KeyConditionExpression: "gsi2pk = :due AND gsi2sk <= :now",
        ExpressionAttributeValues: { ":due": Table.due.partition, ":now": now.toISOString() },
        ProjectionExpression: "pk",
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );
    // The index holds keys only: the key says what each item is.
    const due = (page.Items ?? []).map(({ pk }) => String(pk));
    seen += due.length;
    await mapLimit(due, 8, async (pk) => {
      if (!pk.startsWith(DELIVERY)) return void (await run(pk.slice(NOTICE.length), now));
      const id = pk.slice(DELIVERY.length);
      await Webhook.attempt(id, now).catch((error: unknown) => {
        Log.error("webhook.attempt_failed", { delivery: id, error: (error as Error).name });
      });
    });
    start = page.LastEvaluatedKey;
  } while (start && Date.now() - started < config().sweepBudgetMs);
  return seen;
}
