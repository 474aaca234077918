/**
 * Delivers what notices have queued: their mail, their webhook events (fanned
 * out into deliveries, which the sweep also retries; see Webhook), and the
 * effects of decisions, which the deciding request only records. On AWS the
 * table's stream calls `deliver` for each changed notice and a schedule calls
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
import * as Cdn from "./cdn";
import { config } from "./config";
import * as CounterNotice from "./counter-notice";
import * as CounterNoticeMail from "./counter-notice-mail";
import { DomainError } from "./errors";
import * as Log from "./logger";
import * as Mail from "./mail";
import type { Event } from "./moderation";
import * as Notice from "./notice";
import * as Outbox from "./outbox";
import * as Present from "./present";
import * as Search from "./search";
import { signInMail } from "./render/sign-in";
import * as Session from "./session";
import * as Store from "./store";
import { change, when, type Condition, type Plan } from "./store";
import * as Table from "./table";
import { mapLimit } from "./batch";
import * as Webhook from "./webhook";

const DELIVERY = Table.key.delivery("").pk;
const NOTICE = Table.key.notice("").pk;
const COUNTER_NOTICE = Table.key.counterNotice("").pk;
const LEASE_MS = 60_000;
/** After this many failed runs in a row, a notice is parked as dead and operators are told. */
export const MAX_FAILURES = 5;
/** Where dead notices wait in the sparse index, apart from the due ones. */
const DEAD = "DEAD";

type Claim = { notice: Notice.Notice; holder: string };

/** The claim failed because another worker holds the notice's lease, not because nothing is due. */
class LeaseHeld extends Error {
  override name = "LeaseHeld";
}

/**
 * Takes the notice for `LEASE_MS`. The holder id lets a retried claim whose
 * first answer was lost succeed, and shows a worker that it is taking over
 * from one that died (`previousHolder` is only left behind by a crash).
 */
async function claim(id: string, now: Date, holder: string): Promise<Claim | undefined> {
  const claimed = await Notice.entity.updateRow(
    Notice.entity.key(id),
    [
      change.setFrom("previousHolder", "holder", holder),
      change.set("holder", holder),
      change.set("lease", now.getTime() + LEASE_MS),
      change.add("version", 1),
    ],
    {
      // Only while due: a retried stream record must not run a notice its failure backed off.
      condition: when.and(
        when.eq("gsi2pk", Table.due.partition),
        when.le("gsi2sk", Table.due.at(now).gsi2sk),
        when.or(when.missing("lease"), when.lt("lease", now.getTime()), when.eq("holder", holder)),
      ),
    },
  );
  if (!claimed) {
    if (await leasedElsewhere(id, now)) throw new LeaseHeld(id);
    return undefined;
  }
  const notice = claimed.value;
  if (claimed.meta.previousHolder !== holder) {
    Log.warn("dispatch.takeover", { notice: id, pending: Object.keys(notice.outbox ?? {}).length });
  }
  return { notice, holder };
}

/** True when the notice is due but another worker's lease is still running. */
async function leasedElsewhere(id: string, now: Date): Promise<boolean> {
  const item = await Notice.entity.getFields(Notice.entity.key(id), ["gsi2pk", "gsi2sk", "lease"], {
    consistent: true,
  });
  return (
    item?.gsi2pk === Table.due.partition &&
    (item.gsi2sk ?? "") <= Table.due.at(now).gsi2sk &&
    (item.lease ?? 0) >= now.getTime()
  );
}

/** `gaveUp`: the message will never be sent; it leaves the outbox as a `mail_failed` event. */
export type Outcome = {
  id: string;
  message: Outbox.Message;
  ref?: string;
  error?: string;
  gaveUp?: { permanent: boolean };
};

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
      await Webhook.fanOut(notice, message, now, context.reviewing);
      return { id, message };
    }
    await Mail.paced();
    const email = { ...Mail.compose(message.kind, notice, message.to, context, now.getTime()), to };
    const ref = await Mail.send(email, { notice: notice.id, kind: message.kind });
    return { id, message, ref };
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    const failed = message.kind === "webhook" ? "webhook.fan_out_failed" : "mail.failed";
    // A webhook event is never given up here: its fan-out only writes deliveries, which retry on their own.
    const gaveUp = message.kind === "webhook" ? undefined : Outbox.givenUp(error, message, now);
    Log.warn(failed, {
      notice: notice.id,
      kind: message.kind,
      error: name,
      attempts: message.attempts + 1,
      gaveUp: Boolean(gaveUp),
    });
    return { id, message, error: name, gaveUp };
  }
}

/** What the notice's log keeps of a message that left the outbox: mail sent or given up; a webhook event's deliveries are items of their own. */
function sentEvents(notice: Notice.Notice, { message, ref, error, gaveUp }: Outcome, at: string): Event[] {
  if (message.kind === "webhook") return [];
  const to = message.to ?? Present.mailTo(notice).join(", ");
  if (gaveUp)
    return [
      {
        type: "mail_failed",
        at,
        by: "system",
        kind: message.kind,
        to,
        error: error ?? "Error",
        permanent: gaveUp.permanent,
      },
    ];
  return [{ type: "mail_sent", at, by: "system", kind: message.kind, to, ref }];
}

/**
 * Moves one sent message from the outbox to the log. Conditional on it still
 * being queued, so the log never shows a message twice; a failed condition
 * means a worker that took over sent it as well.
 */
async function recordSent(notice: Notice.Notice, outcome: Outcome, now: Date): Promise<void> {
  const recorded = await Notice.entity.update(
    Notice.entity.key(notice.id),
    [...change.remove(["outbox", outcome.id]), change.append("events", sentEvents(notice, outcome, now.toISOString()))],
    { condition: when.exists(["outbox", outcome.id]) },
  );
  if (!recorded) Log.warn("mail.duplicate", { notice: notice.id, kind: outcome.message.kind });
}

/** What one run under a lease did: the effects it applied, the messages it sent, failed on or dropped. */
export type Run = {
  /** Present when the run applied the decision's effects: the events that record them. */
  effects?: Event[];
  /** The last message that left the outbox (sent or given up), recorded with the release. */
  last?: Outcome;
  /** Messages that failed and will be tried again. */
  failed: Outcome[];
  /** Webhook events nobody can hear (no key filed the notice), dropped unsent. */
  dropped: string[];
};

/** A conditional update, as data. */
export type Write = { plan: Plan; condition: Condition };

/**
 * The write that records a run and lets its lease go, in its two forms.
 * `settled` also takes the notice out of the due index (or to when a failed
 * message is retried) and clears `effectsPending`, and holds only if nothing
 * changed since the claim (`version`); when a transition has queued more work
 * meanwhile, `busy` records the same and leaves the index and the flag as
 * that transition set them (a reversal during an approval's run asks for
 * effects again), so the next sweep finds the work. Both hold only under our lease. Pure: the
 * notice as claimed and what the run did are all it reads.
 */
export function release(notice: Notice.Notice, holder: string, run: Run, now: Date): { settled: Write; busy: Write } {
  const logged = [...(run.effects ?? []), ...(run.last ? sentEvents(notice, run.last, now.toISOString()) : [])];
  const record: Plan = [
    ...(logged.length ? [change.append("events", logged)] : []),
    ...run.failed.map(({ id, message, error }) =>
      change.set(["outbox", id], { ...message, attempts: message.attempts + 1, lastError: error }),
    ),
    ...change.remove(
      "lease",
      "holder",
      "previousHolder",
      ...(notice.dispatch ? ["dispatch"] : []),
      // The run wrote the search terms filing left (Search): they are in place whatever else changed.
      ...(notice.indexPending ? ["indexPending"] : []),
      ...(run.last ? [["outbox", run.last.id]] : []),
      ...run.dropped.map((id) => ["outbox", id]),
    ),
    change.add("version", 1),
  ];
  const wake = run.failed.length
    ? Outbox.retryAt(Math.min(...run.failed.map((f) => f.message.attempts + 1)), now)
    : undefined;
  const ours = when.eq("holder", holder);
  return {
    settled: {
      plan: [
        ...record,
        ...(run.effects ? change.remove("effectsPending") : []),
        ...(wake ? [change.set("gsi2sk", Table.due.at(wake).gsi2sk)] : change.remove("gsi2pk", "gsi2sk")),
      ],
      condition: when.and(ours, when.eq("version", notice.version)),
    },
    busy: { plan: record, condition: ours },
  };
}

/**
 * Records the run and lets the lease go (see `release`). When neither write
 * holds, the lease is no longer ours: our write landed and its answer was
 * lost, or we were too slow and a worker took over. Either way the sent
 * message is recorded if it still waits, so the other worker does not send it
 * again. Effects are not recorded here: the worker that took over applies
 * them again (they are idempotent) and records them once.
 */
async function complete(notice: Notice.Notice, holder: string, run: Run, now: Date): Promise<void> {
  const key = Notice.entity.key(notice.id);
  const { settled, busy } = release(notice, holder, run, now);
  for (const write of [settled, busy]) {
    if (await Notice.entity.update(key, write.plan, { condition: write.condition })) return;
  }
  if (run.last) await recordSent(notice, run.last, now);
}

/**
 * A decision's effects, the CDN told to forget the pages an approval
 * changed, and the counter-notices answered whose articles came back; when
 * any of it fails, the run fails and is retried (see `run`).
 */
async function applyEffects(notice: Notice.Notice, now: Date): Promise<Event[]> {
  try {
    const events = await Notice.applyEffects(notice, now);
    // Hidden or shown again: either way the cached pages are stale.
    if (events.some((e) => e.type !== "mail_sent")) await Cdn.invalidate(Notice.changedPages(notice));
    // Shown again: a counter-notice that disputed the removal is answered.
    if (events.some((e) => e.type === "articles_restored")) await CounterNotice.articlesShown(notice, now);
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
export async function deliver(id: string, now = new Date(), holder: string = randomUUID()): Promise<void> {
  const claimed = await claim(id, now, holder);
  if (!claimed) return;
  if (claimed.notice.indexPending) {
    await Search.write(Search.terms(claimed.notice), id);
  }
  const effects = claimed.notice.effectsPending ? await applyEffects(claimed.notice, now) : undefined;
  const { effectsPending, ...rest } = claimed.notice;
  const notice: Notice.Notice = effects ? { ...rest, events: [...rest.events, ...effects] } : claimed.notice;
  const queued = Object.entries(notice.outbox ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  const context = await Mail.contextFor(
    notice,
    queued.map(([, message]) => message.kind),
    [...new Set(queued.flatMap(([, message]) => recipients(notice, message)))],
  );
  // A status change of a notice no key filed, while no review key subscribed, has nobody to tell:
  // it leaves the outbox with the release, unsent, instead of costing a write of its own.
  const unheard = (message: Outbox.Message) =>
    message.kind === "webhook" && !notice.filedWith && !context.reviewing?.size;
  const dropped = queued.filter(([, message]) => unheard(message)).map(([id]) => id);
  const pending = queued.filter(([, message]) => !unheard(message));
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
 * What the dispatcher runs and parks when it keeps failing: a notice's work,
 * or a counter-notice's mail. Both keep their failures in `dispatch` and
 * their lease in `holder`/`lease`, and both wait in the due index.
 */
type Work = {
  what: "notice" | "counter-notice";
  /** The field logs name the item by. */
  logAs: "notice" | "counterNotice";
  /** Does the work under a lease taken for `holder`. */
  deliver: (id: string, now: Date, holder: string) => Promise<void>;
  failures: (id: string) => Promise<Outbox.Failures | undefined>;
  update: (id: string, plan: Plan, condition: Condition) => Promise<boolean>;
  /** What parking also records on the item, beside `dispatch`. */
  parked?: (failures: number, error: string, now: Date) => Plan;
};

const notices: Work = {
  what: "notice",
  logAs: "notice",
  deliver,
  failures: async (id) =>
    (await Notice.entity.getFields(Notice.entity.key(id), ["dispatch"], { consistent: true }))?.dispatch,
  update: (id, plan, condition) => Notice.entity.update(Notice.entity.key(id), plan, { condition }),
};

const counterNotices: Work = {
  what: "counter-notice",
  logAs: "counterNotice",
  deliver: CounterNoticeMail.deliver,
  failures: async (id) =>
    (await CounterNotice.entity.getFields(CounterNotice.key(id), ["dispatch"], { consistent: true }))?.dispatch,
  update: (id, plan, condition) => CounterNotice.entity.update(CounterNotice.key(id), plan, { condition }),
  parked: CounterNoticeMail.parked,
};

/**
 * Runs one notice's work with its failures kept to itself: a run that throws
 * is recorded on the notice, which is backed off and, after MAX_FAILURES runs
 * in a row, parked as dead (out of the due index) with operators told, so it
 * can never hold up anyone else's mail. `busy`: another worker holds it.
 */
export async function run(id: string, now = new Date()): Promise<"done" | "busy" | "failed"> {
  return isolated(notices, id, now);
}

/** As `run`, for any work the dispatcher does (a counter-notice's mail goes the same way). */
async function isolated(work: Work, id: string, now: Date): Promise<"done" | "busy" | "failed"> {
  const holder = randomUUID();
  try {
    await work.deliver(id, now, holder);
    return "done";
  } catch (error) {
    if (error instanceof LeaseHeld) return "busy";
    const name = error instanceof Error ? error.name : "Error";
    Log.error("dispatch.failed", { [work.logAs]: id, error: name });
    try {
      await recordFailure(work, id, holder, name, now);
    } catch (again) {
      // The lease runs out on its own; the next run after it counts this one.
      Log.error("dispatch.failure_not_recorded", { [work.logAs]: id, error: (again as Error).name });
    }
    return "failed";
  }
}

/** Counts a failed run, releases the lease and backs the item off; parks it once the count is reached. */
async function recordFailure(work: Work, id: string, holder: string, error: string, now: Date): Promise<void> {
  const failures = ((await work.failures(id))?.failures ?? 0) + 1;
  let dead = failures >= MAX_FAILURES;
  if (dead) {
    // Told before it is parked: if the alert cannot go out, the item stays due and the next run tries again.
    try {
      await Promise.all(
        config().operatorEmails.map((operator) =>
          Mail.send(Mail.deadNotice(id, operator, error, failures, work.what), {
            // A bounce of the alert must not be recorded on a notice it is not about.
            notice: work.what === "notice" ? id : "",
          }),
        ),
      );
    } catch (alert) {
      Log.error("dispatch.dead_alert_failed", { [work.logAs]: id, error: (alert as Error).name });
      dead = false;
    }
  }
  const at = dead ? { gsi2pk: DEAD, gsi2sk: now.toISOString() } : Table.due.at(Outbox.retryAt(failures, now));
  const dispatch: Outbox.Failures = { failures, lastError: error, ...(dead ? { dead: now.toISOString() } : {}) };
  await work.update(
    id,
    [
      change.set("dispatch", dispatch),
      ...change.fields(at),
      ...change.remove("lease", "holder", "previousHolder"),
      ...(dead && work.parked ? work.parked(failures, error, now) : []),
      change.add("version", 1),
    ],
    // Our own lease, or (the claim itself failed) nobody else's.
    when.or(
      when.eq("holder", holder),
      when.and(when.eq("gsi2pk", Table.due.partition), when.or(when.missing("lease"), when.lt("lease", now.getTime()))),
    ),
  );
  if (dead) Log.error("dispatch.dead", { [work.logAs]: id, failures });
}

export type Parked = { id: string; what: Work["what"]; dispatch: Outbox.Failures };

/** What is parked as dead, notices and counter-notices, oldest first: what operators are asked to look at. */
export async function dead(): Promise<Parked[]> {
  // The index holds keys only; the few parked items are then read whole, each by its own entity.
  const keys = await Store.keys({ index: Table.due.index, partition: DEAD });
  const found = await Store.getManyEach(keys, { notices: Notice.entity, counters: CounterNotice.entity });
  const parked = new Map<string, Parked>([
    ...found.notices.map((n): [string, Parked] => [
      Notice.entity.key(n.id).pk,
      { id: n.id, what: "notice", dispatch: n.dispatch! },
    ]),
    ...found.counters.map((c): [string, Parked] => [
      CounterNotice.key(c.id).pk,
      { id: c.id, what: "counter-notice", dispatch: c.dispatch! },
    ]),
  ]);
  return keys.flatMap(({ pk }) => {
    const item = parked.get(pk);
    return item?.dispatch ? [item] : [];
  });
}

/**
 * Puts a dead notice or counter-notice back in the due index with a clean
 * count, once an operator has dealt with the cause; answers which it was.
 */
export async function retry(id: string, now = new Date()): Promise<Work["what"]> {
  const plan = [...change.fields(Table.due.at(now)), ...change.remove("dispatch"), change.add("version", 1)];
  for (const work of [notices, counterNotices]) {
    if (await work.update(id, plan, when.eq("gsi2pk", DEAD))) return work.what;
  }
  throw new DomainError("not_found", `Nothing parked as dead has the id ${id}.`);
}

/**
 * Mails a console sign-in link (Session), from the sweep or the table's
 * stream; one that fails stays due and the sweep tries it again.
 */
export async function sendSignIn(id: string, now = new Date()): Promise<void> {
  const request = await Session.claimLink(id, now);
  if (!request) return;
  await Mail.send(signInMail(request), { notice: "", kind: "signin" });
  await Session.linkSent(id, now);
}

/**
 * Processes every notice and webhook delivery whose work is due, page by
 * page, a few at a time, until none is left or its time budget
 * (SWEEP_BUDGET_SECONDS) is spent; what is left waits for the next sweep.
 * Returns how many it looked at.
 */
export async function sweep(now = new Date(), limit = 100): Promise<number> {
  const started = Date.now();
  let start: Store.Cursor | undefined;
  let seen = 0;
  do {
    const page = await Store.page(
      {
        index: Table.due.index,
        partition: Table.due.partition,
        sort: { is: "<=", value: now.toISOString() },
        fields: ["pk"],
        limit,
      },
      start,
    );
    // The index holds keys only: the key says what each item is.
    const due = page.items.map(({ pk }) => String(pk));
    seen += due.length;
    await mapLimit(due, 8, async (pk) => {
      if (pk.startsWith(COUNTER_NOTICE))
        return void (await isolated(counterNotices, pk.slice(COUNTER_NOTICE.length), now));
      if (pk.startsWith(Session.PREFIX)) {
        return void (await sendSignIn(pk.slice(Session.PREFIX.length), now).catch((error: unknown) => {
          Log.error("signin.mail_failed", { error: (error as Error).name });
        }));
      }
      if (!pk.startsWith(DELIVERY)) return void (await run(pk.slice(NOTICE.length), now));
      const id = pk.slice(DELIVERY.length);
      await Webhook.attempt(id, now).catch((error: unknown) => {
        Log.error("webhook.attempt_failed", { delivery: id, error: (error as Error).name });
      });
    });
    start = page.next;
  } while (start && Date.now() - started < config().sweepBudgetMs);
  return seen;
}
