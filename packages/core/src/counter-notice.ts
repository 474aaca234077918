/**
 * Counter-notices (DMCA 512(g)(3)): the party whose article a notice took
 * down says the removal was a mistake. Filed like a notice (proof of work,
 * the same limits, a receipt whose link confirms the address), or with an
 * API key. Once confirmed, each notice that hides the article records a
 * `counter_noticed` event, its requester gets a copy with the deadline
 * (COUNTER_NOTICE_BUSINESS_DAYS business days) to report a court action, and
 * operators are told. When the window closes without one, the case is ready
 * for an operator to restore, or (COUNTER_NOTICE_AUTO_RESTORE) the window
 * job restores it. This desk republishes as a publisher, so restoring is an
 * operator's call unless the site chose the statutory model.
 *
 * Its mail waits in its own outbox, as a notice's does, and leaves through
 * the sweep (counter-notice-mail.ts), which finds it in the same due index.
 */
import * as z from "zod/mini";
import * as Abuse from "./abuse";
import * as Article from "./article";
import * as BusinessDays from "./business-days";
import { config } from "./config";
import { DomainError } from "./errors";
import * as Ids from "./ids";
import * as Log from "./logger";
import * as Notice from "./notice";
import * as Outbox from "./outbox";
import * as Paths from "./paths";
import * as Present from "./present";
import * as Store from "./store";
import { change, when } from "./store";
import * as Table from "./table";
import { mapLimit } from "./batch";
import { signs } from "./text";
import * as Token from "./token";
import { dateTime, parse } from "./validation";

/** What the sender swears to and consents to, in the words of 512(g)(3)(C) and (D). */
export const STATEMENTS = {
  mistake:
    "I swear, under penalty of perjury, that I have a good-faith belief that the material was removed or disabled as a result of mistake or misidentification of the material to be removed or disabled.",
  jurisdiction:
    "I consent to the jurisdiction of the Federal District Court for the judicial district in which my address is located or, if my address is outside the United States, for any judicial district in which the service provider may be found.",
  service:
    "I will accept service of process from the person who filed the takedown notice, or an agent of that person.",
} as const;

export const Input = z
  .object({
    /** Where the material was: the article's address here (or its original). */
    article: z
      .string({ error: "Give the address of the article that was removed." })
      .check(
        z.trim(),
        z.minLength(1, "Give the address of the article that was removed."),
        z.maxLength(2048, "This URL is too long."),
      ),
    sender: z.object(
      {
        name: Notice.requiredText("Enter your full name.", 200),
        email: Notice.EmailAddress,
        address: Notice.requiredText("Enter your postal address.", 500),
        phone: Notice.requiredText("Enter your phone number.", 50),
      },
      { error: "Say who is sending the counter-notice." },
    ),
    material: Notice.requiredText("Identify the material that was removed.", 5000),
    evidence: Notice.requiredText(
      "Show your licence or your authorship: what it is, and where it can be checked.",
      10_000,
    ),
    mistake: z.literal(true, { error: "The statement under penalty of perjury is required." }),
    jurisdiction: z.literal(true, { error: "Consent to the court's jurisdiction is required." }),
    service: z.literal(true, { error: "Consent to accept service of process is required." }),
    signature: Notice.requiredText("Type your full name as your signature.", 200),
  })
  .check(
    z.refine((counter) => signs(counter.signature, counter.sender.name), {
      path: ["signature"],
      message: 'Type your full name, as given above, to sign ("/s/ " before it is fine).',
    }),
  );
export type Input = z.input<typeof Input>;

/** How many business days the requester has to report a court action. */
export const windowDays = () => config().counterNotice.businessDays;

export const CourtAction = Notice.requiredText("Say which court, and the case's number or reference.", 5000);

/**
 * awaiting_confirmation → open (the window runs) → court_action (it stops
 * for good), or → ready (closed; an operator decides) or restored (the job
 * restored it).
 */
const Status = z.enum(["awaiting_confirmation", "open", "court_action", "ready", "restored"]);
export type Status = z.output<typeof Status>;

const MailKind = z.enum(["receipt", "confirmed", "copy", "operators", "court_action", "ready", "restored"]);
export type MailKind = z.output<typeof MailKind>;

const Message = z.object({
  kind: MailKind,
  to: z.string(),
  /** A copy names the notice whose requester it goes to. */
  notice: z.optional(z.string()),
  attempts: z.number(),
  queuedAt: z.string(),
  lastError: z.optional(z.string()),
});
export type Message = z.output<typeof Message>;

const Event = z.object({
  type: z.enum(["filed", "confirmed", "court_action", "ready", "restored", "mail_sent", "mail_failed"]),
  at: z.string(),
  by: z.string(),
  /** A mail's kind and recipient, or why it failed. */
  detail: z.optional(z.string()),
});
export type Event = z.output<typeof Event>;

const Stored = z.object({
  id: z.string(),
  createdAt: z.string(),
  articleId: z.string(),
  /** The notices that hid the article when it was filed. */
  notices: z.array(z.string()),
  sender: z.object({ name: z.string(), email: z.string(), address: z.string(), phone: z.string() }),
  material: z.string(),
  evidence: z.string(),
  signature: z.string(),
  status: Status,
  confirmedAt: z.optional(z.string()),
  /** When the requester's window to report a court action closes. */
  closesAt: z.optional(z.string()),
  courtAction: z.optional(z.object({ at: z.string(), text: z.string() })),
  closedAt: z.optional(z.string()),
  outbox: z.record(z.string(), Message),
  events: z.array(Event),
  /** Set while the dispatcher fails on its mail as a whole; `dead` once it parked it (Dispatch). */
  dispatch: z.optional(Outbox.Failures),
  filedWith: z.optional(z.object({ id: z.string(), name: z.string() })),
  version: z.number(),
});
export type CounterNotice = z.output<typeof Stored>;

/** What filing a counter-notice answers through the API. */
export const Filed = z.strictObject({
  id: z.string(),
  status: z
    .enum(["awaiting_confirmation", "open"])
    .check(
      z.describe("`awaiting_confirmation` until its sender confirms their address (without an API key); then `open`."),
    ),
  closesAt: z.optional(
    dateTime.check(
      z.describe("When the notice's requester's window to report a court action closes; present once open."),
    ),
  ),
});
export type Filed = z.output<typeof Filed>;

export function toFiled(counter: CounterNotice): Filed {
  return {
    id: counter.id,
    status: counter.status === "open" ? "open" : "awaiting_confirmation",
    ...(counter.closesAt ? { closesAt: counter.closesAt } : {}),
  };
}

export const entity = Store.entity({
  type: "counter_notice",
  schema: Stored,
  key: Table.key.counterNotice,
  meta: z.object({ lease: z.number(), holder: z.string() }),
});

export const key = (id: string) => entity.key(id);
/** The token's notice field: a counter-notice's links can never open a notice's step, nor the reverse. */
const subject = (id: string) => `counter:${id}`;

export const links = {
  confirm: (counter: Pick<CounterNotice, "id" | "sender">, now: number) =>
    `${config().publicUrl}${Paths.counterNoticeConfirm(counter.id)}?token=${Token.sign({
      notice: subject(counter.id),
      action: "confirm",
      actor: counter.sender.email,
      expires: now + Token.LIFETIME_MS,
    })}`,
  /** Opens with the notice's own status token: whoever follows the notice may report a court action. */
  courtAction: (notice: string) =>
    `${config().publicUrl}${Paths.courtAction(notice)}?token=${Token.sign({ notice, action: "status", actor: "requester" })}`,
};

export async function find(id: string): Promise<CounterNotice | undefined> {
  if (!Ids.plausible(id)) return undefined;
  return entity.get(key(id), { consistent: true });
}

async function get(id: string): Promise<CounterNotice> {
  const counter = await find(id);
  if (!counter) throw new DomainError("not_found", "There is no such counter-notice.");
  return counter;
}

const invalid = (path: string, message: string) =>
  new DomainError("validation_failed", message, { issues: [{ path, message }] });

/** The statuses in which a notice's approval still stands, so that a counter-notice has something to counter. */
const STANDING: readonly string[] = ["approved", "partially_approved"];

/** The article a counter-notice names and the notices that hide it now. */
async function target(articleRef: string): Promise<{ article: Article.Article; notices: Notice.Notice[] }> {
  const ref = articleRef.trim();
  const id = /^[0-9a-f]{20}$/.test(ref) ? ref : Article.idForUrl(ref, config().publicUrl);
  const article = id ? await Article.get(id) : undefined;
  if (!article) throw invalid("article", "We have no article at this address.");
  const notices = (
    await Notice.entity.getMany(
      article.hiddenBy.map((notice) => Notice.entity.key(notice)),
      { consistent: true },
    )
  ).filter((notice) => STANDING.includes(notice.status));
  if (!notices.length) throw invalid("article", "This article is not withheld here: there is nothing to counter.");
  return { article, notices };
}

function queue(kind: MailKind, to: string, now: Date, notice?: string): [string, Message] {
  const id = [kind, to, notice].filter(Boolean).join(":");
  return [id, { kind, to, ...(notice ? { notice } : {}), attempts: 0, queuedAt: now.toISOString() }];
}

const queued = (messages: [string, Message][]) => messages.map(([id, message]) => change.set(["outbox", id], message));
export const event = (type: Event["type"], now: Date, by = "system", detail?: string): Event => ({
  type,
  at: now.toISOString(),
  by,
  ...(detail ? { detail } : {}),
});

/** What confirming opens: the window, its index entry, and the mail to everyone concerned. */
function opening(counter: CounterNotice, notices: Notice.Notice[], now: Date) {
  const { businessDays, holidays } = config().counterNotice;
  const closesAt = BusinessDays.add(now, businessDays, holidays).toISOString();
  return {
    fields: { status: "open" as const, confirmedAt: now.toISOString(), closesAt },
    index: { ...Table.counterNotices.of(Table.counterNotices.open, closesAt, counter.id), ...Table.due.at(now) },
    messages: [
      queue("confirmed", counter.sender.email, now),
      ...notices.flatMap((notice) => Present.mailTo(notice).map((to) => queue("copy", to, now, notice.id))),
      ...config().operatorEmails.map((operator) => queue("operators", operator, now)),
    ],
  };
}

/** What the notices a counter-notice disputes record of it, from its own record: who acted and when. */
function stepsOf(counter: CounterNotice): Notice.CounterStep[] {
  if (!counter.confirmedAt) return [];
  const counterNotice = counter.id;
  return [
    { type: "counter_noticed", at: counter.confirmedAt, by: "system", counterNotice },
    ...(counter.courtAction
      ? [{ type: "court_action_reported" as const, ...counter.courtAction, by: "requester", counterNotice }]
      : []),
    ...(counter.status === "ready" && counter.closedAt
      ? [{ type: "counter_window_closed" as const, at: counter.closedAt, by: "system", counterNotice }]
      : []),
  ];
}

/**
 * Records on each notice the counter-notice disputes what it went through
 * (Notice.recordCounter: each step once, and only on a notice that can take
 * it). Called after each write on the counter-notice, and again by the sweep
 * that mails it (recordSteps), so a run that died between the two writes is
 * completed.
 */
async function recordOnNotices(counter: CounterNotice, now: Date): Promise<void> {
  const steps = stepsOf(counter);
  if (!steps.length) return;
  await Promise.all(counter.notices.map((notice) => Notice.recordCounter(notice, steps, now)));
}

/** The sweep's part: what the counter-notice's notices may have missed, recorded now; never fails the sweep for a refusal. */
export async function recordSteps(counter: CounterNotice, now = new Date()): Promise<void> {
  try {
    await recordOnNotices(counter, now);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    Log.warn("counter_notice.record_refused", { counterNotice: counter.id, code: error.code });
  }
}

function draft(data: z.output<typeof Input>, articleId: string, notices: Notice.Notice[], now: Date): CounterNotice {
  return {
    id: Ids.newId(),
    createdAt: now.toISOString(),
    articleId,
    notices: notices.map((notice) => notice.id),
    sender: data.sender,
    material: data.material,
    evidence: data.evidence,
    signature: data.signature,
    status: "awaiting_confirmation",
    outbox: {},
    events: [],
    version: 1,
  };
}

/**
 * A counter-notice from someone without a key, through the form or the API:
 * once its fields are known good and its article is withheld, it pays the
 * proof of work and the same per-address and per-mailbox limits a notice
 * does, and waits for its sender to confirm their address.
 */
export async function fileAnonymous(
  input: unknown,
  caller: { ip: string; proof: string | undefined },
  now = new Date(),
): Promise<CounterNotice> {
  const data = parse(Input, input);
  const { article, notices } = await target(data.article);
  await Abuse.admitAnonymous({ ...caller, email: data.sender.email, receipt: true }, now);
  const counter = draft(data, article.id, notices, now);
  const [messageId, receipt] = queue("receipt", counter.sender.email, now);
  const stored: CounterNotice = {
    ...counter,
    outbox: { [messageId]: receipt },
    events: [event("filed", now, "sender")],
  };
  await entity.put(key(stored.id), stored, { condition: when.new(), index: Table.due.at(now) });
  return stored;
}

/** A counter-notice filed with an API key: its owner was vetted, so it opens at once. */
export async function fileWithKey(
  input: unknown,
  filedWith: { id: string; name: string },
  now = new Date(),
): Promise<CounterNotice> {
  const data = parse(Input, input);
  const { article, notices } = await target(data.article);
  const counter = draft(data, article.id, notices, now);
  const open = opening(counter, notices, now);
  const stored: CounterNotice = {
    ...counter,
    ...open.fields,
    filedWith,
    outbox: Object.fromEntries(open.messages),
    events: [event("filed", now, `key:${filedWith.id}`), event("confirmed", now, `key:${filedWith.id}`)],
  };
  await entity.put(key(stored.id), stored, { condition: when.new(), index: open.index });
  await recordOnNotices(stored, now);
  return stored;
}

/** What a confirm link opens, before anything is done: reads only (GET and HEAD land here). */
export async function openLink(id: string, token: string, now = new Date()): Promise<CounterNotice> {
  Token.verify(token, { notice: subject(id), action: "confirm" }, now.getTime());
  return get(id);
}

/**
 * The sender proves their address with the receipt's link: the window opens,
 * the notices record it, their requesters and the operators are mailed. One
 * conditional write on the counter-notice; a retry after it landed only
 * completes what is left (recording on the notices is idempotent).
 */
export async function confirm(id: string, token: string, now = new Date()): Promise<CounterNotice> {
  const counter = await openLink(id, token, now);
  const notices = await Notice.entity.getMany(
    counter.notices.map((notice) => Notice.entity.key(notice)),
    { consistent: true },
  );
  if (counter.status === "awaiting_confirmation") {
    // Reversed or withdrawn since it was filed: nothing is left to counter.
    if (!notices.some((notice) => STANDING.includes(notice.status))) {
      throw new DomainError("already_decided", "The article is no longer withheld: there is nothing left to counter.");
    }
    const open = opening(counter, notices, now);
    const updated = await entity.updateAndGet(
      key(id),
      [
        ...change.fields({ ...open.fields, ...open.index }),
        ...queued(open.messages),
        change.append("events", [event("confirmed", now, "sender")]),
        change.add("version", 1),
      ],
      { condition: when.eq("status", "awaiting_confirmation") },
    );
    if (updated) {
      await recordOnNotices(updated, now);
      return updated;
    }
  }
  const current = await get(id);
  if (!current.confirmedAt) throw new DomainError("already_decided", "This counter-notice can no longer be confirmed.");
  await recordOnNotices(current, now);
  return current;
}

/** The counter-notices recorded on a notice, oldest first. */
export async function ofNotice(notice: Notice.Notice): Promise<CounterNotice[]> {
  const ids = notice.events.flatMap((e) => (e.type === "counter_noticed" ? [e.counterNotice] : []));
  const found = await entity.getMany(ids.map(key), { consistent: true });
  return found.sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
}

/**
 * The notice's requester reports a court action, from the link in the copy
 * (or their status page): every open window on the notice stops for good,
 * and the sender and operators are told.
 */
export async function reportCourtAction(
  noticeId: string,
  token: string,
  text: unknown,
  now = new Date(),
): Promise<CounterNotice[]> {
  const notice = await Notice.withStatusToken(noticeId, token);
  const court = parse(z.object({ courtAction: CourtAction }), { courtAction: text }).courtAction;
  const open = (await ofNotice(notice)).filter((counter) => counter.status === "open");
  if (!open.length)
    throw new DomainError("already_decided", "No counter-notice on this notice is waiting for an answer.");
  const stopped = await Promise.all(
    open.map((counter) =>
      entity.updateAndGet(
        key(counter.id),
        [
          change.set("status", "court_action"),
          change.set("courtAction", { at: now.toISOString(), text: court }),
          ...change.remove("gsi1pk", "gsi1sk"),
          ...change.fields(Table.due.at(now)),
          ...queued([
            queue("court_action", counter.sender.email, now),
            ...config().operatorEmails.map((operator) => queue("court_action", operator, now)),
          ]),
          change.append("events", [event("court_action", now, "requester")]),
          change.add("version", 1),
        ],
        { condition: when.eq("status", "open") },
      ),
    ),
  );
  const recorded = stopped.filter((counter): counter is CounterNotice => Boolean(counter));
  if (!recorded.length)
    throw new DomainError("already_decided", "The window to answer this counter-notice has closed.");
  // One after another: whether the case stays contested depends on the reports already recorded.
  for (const counter of recorded) await recordOnNotices(counter, now);
  return recorded;
}

/** The URLs, as the notice filed them, that name the article: what restoring it brings back. */
const filedUrls = (notice: Notice.Notice, articleId: string) =>
  notice.urls.filter((u) => u.articleId === articleId).map((u) => u.url);

/**
 * Closes one window. With COUNTER_NOTICE_AUTO_RESTORE the article comes back:
 * each notice that listed it is restored for the URLs, as filed, that name
 * it. A notice for a whole source or author hides by rule, and restoring it
 * would bring back far more than the counter-notice disputes, so that case,
 * like every case without automatic restoration, waits, ready, for an
 * operator; its notices record the window closed, which marks the case
 * ready in the queue. Both sides are mailed. A run that dies halfway runs
 * again: a notice already restored refuses the second restoration, which is
 * skipped, and the sweep that mails the counter-notice records what its
 * notices missed.
 */
async function close(counter: CounterNotice, now: Date): Promise<void> {
  const { autoRestore, businessDays } = config().counterNotice;
  const notices = await Notice.entity.getMany(
    counter.notices.map((notice) => Notice.entity.key(notice)),
    { consistent: true },
  );
  const reason = `Counter-notice ${counter.id}: no court action was reported within ${businessDays} business days.`;
  const restorable =
    autoRestore && notices.every((notice) => notice.scope === "urls" && filedUrls(notice, counter.articleId).length);
  if (restorable) {
    for (const notice of notices) {
      try {
        await Notice.restore(notice.id, "system", { reason, urls: filedUrls(notice, counter.articleId) }, now);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        Log.warn("counter_notice.restore_refused", { counterNotice: counter.id, notice: notice.id, code: error.code });
      }
    }
  }
  const outcome = restorable ? "restored" : "ready";
  const closed = await entity.updateAndGet(
    key(counter.id),
    [
      change.set("status", outcome),
      change.set("closedAt", now.toISOString()),
      ...(restorable
        ? change.remove("gsi1pk", "gsi1sk")
        : change.fields(Table.counterNotices.of(Table.counterNotices.ready, now.toISOString(), counter.id))),
      ...change.fields(Table.due.at(now)),
      ...queued([
        queue(outcome, counter.sender.email, now),
        ...notices.flatMap((notice) => Present.mailTo(notice).map((to) => queue(outcome, to, now, notice.id))),
      ]),
      change.append("events", [event(outcome, now)]),
      change.add("version", 1),
    ],
    { condition: when.eq("status", "open") },
  );
  if (closed) await recordOnNotices(closed, now);
}

/** Counter-notices in one of the index's lists, up to `until`, in its order. */
async function listed(
  partition: "COUNTER_WINDOWS" | "COUNTER_READY",
  until: Date,
  status: Status,
): Promise<CounterNotice[]> {
  const keys = await Store.keys({
    index: Table.counterNotices.index,
    partition,
    sort: { is: "<", value: `${until.toISOString()}#\uffff` },
  });
  const found = new Map(
    (await entity.getMany(keys, { consistent: true })).map((counter) => [key(counter.id).pk, counter]),
  );
  return keys.flatMap(({ pk }) => {
    const counter = found.get(pk);
    return counter?.status === status ? [counter] : [];
  });
}

/** The window job: closes every window that has run out by `now`. Returns how many it closed. */
export async function dueRun(now = new Date()): Promise<number> {
  const due = await listed(Table.counterNotices.open, now, "open");
  await mapLimit(due, 4, (counter) => close(counter, now));
  return due.length;
}

/** Open windows that close within two business days of `now`: what the digest names. */
export async function closingSoon(now = new Date()): Promise<CounterNotice[]> {
  return listed(Table.counterNotices.open, BusinessDays.add(now, 2, config().counterNotice.holidays), "open");
}

/**
 * Windows that closed and still wait for an operator: the article is still
 * withheld. One whose article came back meanwhile is answered (`answer`),
 * should the dispatcher not have done it, and leaves the list.
 */
export async function ready(now = new Date()): Promise<CounterNotice[]> {
  const closed = await listed(Table.counterNotices.ready, now, "ready");
  const [waiting, shown] = await byArticle(closed);
  await Promise.all(shown.map((counter) => answer(counter, now)));
  return waiting;
}

/** Splits counter-notices into those whose article is still withheld and those whose article is shown again. */
async function byArticle(counters: CounterNotice[]): Promise<[CounterNotice[], CounterNotice[]]> {
  const articles = await Article.getMany(
    counters.map((counter) => counter.articleId),
    { consistent: true },
  );
  return partition(counters, (counter) => {
    const article = articles.get(counter.articleId);
    return Boolean(article && Article.isHidden(article));
  });
}

/**
 * The dispatcher gave a notice's articles back (a restoration, a reversal or
 * a withdrawal, applied by Notice.applyEffects): each counter-notice on it
 * still open or ready whose article is shown again is answered. One whose
 * article another notice still hides waits.
 */
export async function articlesShown(notice: Notice.Notice, now = new Date()): Promise<void> {
  const waiting = (await ofNotice(notice)).filter((counter) => counter.status === "open" || counter.status === "ready");
  if (!waiting.length) return;
  const [, shown] = await byArticle(waiting);
  await Promise.all(shown.map((counter) => answer(counter, now)));
}

/**
 * A counter-notice whose article is shown again is done: restored, out of
 * the window job's lists, its sender told (the `ready` mail promised it),
 * once. The notice's requester is told by the notice's own mail.
 */
async function answer(counter: CounterNotice, now: Date): Promise<void> {
  await entity.update(
    key(counter.id),
    [
      change.set("status", "restored"),
      change.set("closedAt", counter.closedAt ?? now.toISOString()),
      ...change.remove("gsi1pk", "gsi1sk"),
      ...change.fields(Table.due.at(now)),
      ...queued([queue("restored", counter.sender.email, now)]),
      change.append("events", [event("restored", now)]),
      change.add("version", 1),
    ],
    { condition: when.eq("status", counter.status) },
  );
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}
