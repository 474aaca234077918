import * as z from "zod/mini";
import { label } from "./api-key";
import * as Abuse from "./abuse";
import * as Article from "./article";
import * as Bounce from "./bounce";
import { config } from "./config";
import { DomainError } from "./errors";
import * as Ids from "./ids";
import * as Metrics from "./metrics";
import * as Links from "./links";
import * as Moderation from "./moderation";
import * as Outbox from "./outbox";
import * as Search from "./search";
import * as Store from "./store";
import { change, when } from "./store";
import * as Suppression from "./suppression";
import * as Table from "./table";
import { operatorName } from "./present";
import { date } from "./text";
import { mapLimit } from "./batch";
import { signs, slug, thousands } from "./text";
import * as Token from "./token";
import * as Url from "./url";
import { parse } from "./validation";

export * from "./notice-view";

export const MAX_URLS = 50;
export const MAX_EMAIL = 254;
/** Keys are vetted, so systems holding one may file in bulk. */
export const MAX_URLS_WITH_KEY = 1_000;
/**
 * A notice is one item, and DynamoDB's limit is 400 KB: 1,000 URLs of 2,048
 * characters would not fit. A notice stored larger than this is refused, which
 * leaves room for what its log gathers later (mail, decision, hidden ids).
 */
export const MAX_ITEM_BYTES = 300_000;

/**
 * Text as people type it: a lone surrogate half (which no keyboard makes,
 * and which breaks encoding the mail it would appear in) becomes U+FFFD, and
 * control characters other than tab and line breaks are dropped. Invisible
 * and format characters stay, and are revealed where operators read them.
 */
const wellFormed = z.overwrite((value: string) =>
  value
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd")
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ""),
);

export const requiredText = (message: string, max: number) =>
  z
    .string({ error: message })
    .check(
      wellFormed,
      z.trim(),
      z.minLength(1, message),
      z.maxLength(max, `Keep this under ${thousands(max)} characters.`),
    );

const optionalText = (max: number) =>
  z.optional(
    z.pipe(
      z.string().check(wellFormed, z.trim(), z.maxLength(max, `Keep this under ${max} characters.`)),
      z.transform((value) => value || undefined),
    ),
  );

export const Role = z.enum(["author", "publisher", "agent"], {
  error: "Choose whether you are the author, the publisher or an agent.",
});
export const Scope = z.enum(["urls", "author", "source"], {
  error: "Choose what the notice covers.",
});

const urlList = (max: number) =>
  z
    .array(
      z.string({ error: "Each URL must be text." }).check(
        z.trim(),
        z.maxLength(2048, "This URL is too long."),
        z.refine((url) => Url.parse(url) !== undefined, "Enter a full web address (https://…)."),
      ),
      { error: "List the URLs of the articles." },
    )
    .check(
      z.minLength(1, "List at least one URL."),
      z.maxLength(max, `A notice may list at most ${thousands(max)} URLs.`),
    );

export const EmailAddress = z.pipe(
  z.string({ error: "Enter your email address." }).check(
    z.trim(),
    z.toLowerCase(),
    // RFC 5321's limit on a path; longer ones cannot be mailed anyway.
    z.maxLength(MAX_EMAIL, `An email address has at most ${MAX_EMAIL} characters.`),
  ),
  z.email("Enter a valid email address."),
);

/** One schema for the web form and the JSON API. */
export const Input = z
  .object({
    requester: z.object(
      {
        name: requiredText("Enter your full name.", 200),
        email: EmailAddress,
        organization: optionalText(200),
        role: Role,
        address: optionalText(500),
        phone: optionalText(50),
      },
      { error: "Say who is sending the notice." },
    ),
    urls: urlList(MAX_URLS),
    scope: Scope,
    future: z.boolean({ error: "Say whether future articles should be blocked too." }),
    work: requiredText("Describe the work that was republished.", 5000),
    explanation: requiredText("Explain why the republication is not authorised.", 10_000),
    goodFaith: z.literal(true, { error: "The good-faith statement is required." }),
    accurate: z.literal(true, { error: "The accuracy and authority statement is required." }),
    signature: requiredText("Type your full name as your signature.", 200),
  })
  .check(
    z.refine((notice) => signs(notice.signature, notice.requester.name), {
      path: ["signature"],
      message: 'Type your full name, as given above, to sign ("/s/ " before it is fine).',
    }),
  );
export type Input = z.input<typeof Input>;
export const KeyedInput = z.safeExtend(Input, { urls: urlList(MAX_URLS_WITH_KEY) });
type Valid = z.output<typeof Input>;

export const Reason = requiredText("Give a reason for the rejection.", 2000);

export type Requester = Valid["requester"];
export const Status = Moderation.Status;
export type Status = Moderation.Status;
const STATUSES = Status.options;

const Subject = z.object({
  sourceDomain: z.string(),
  sourceName: z.string(),
  authorKey: z.string(),
  author: z.string(),
});
/** A source (and author there) that the notice's matched articles come from. */
export type Subject = z.output<typeof Subject>;

/** `owner`: the address the key was issued to, vetted; the notice's mail goes there (Present.mailTo). */
const FilingKey = z.object({ id: z.string(), name: z.string(), owner: z.optional(z.string()) });
/** The API key a notice was filed with. */
export type FilingKey = z.output<typeof FilingKey>;

/** A notice as it is stored, and as every read returns it. */
const Stored = z.object({
  id: z.string(),
  createdAt: z.string(),
  requester: z.object({
    name: z.string(),
    email: z.string(),
    organization: z.optional(z.string()),
    role: Role,
    address: z.optional(z.string()),
    phone: z.optional(z.string()),
  }),
  /** `duplicateOf`: a notice that had already hidden the article when this one was filed. */
  urls: z.array(z.object({ url: z.string(), articleId: z.optional(z.string()), duplicateOf: z.optional(z.string()) })),
  scope: Scope,
  future: z.boolean(),
  work: z.string(),
  explanation: z.string(),
  signature: z.string(),
  subjects: z.array(Subject),
  status: Status,
  decision: z.optional(Moderation.DecisionRecord),
  events: z.array(Moderation.Event),
  outbox: z.record(z.string(), Outbox.Message),
  /** Set by an approval until its effects are recorded as applied. */
  effectsPending: z.optional(z.boolean()),
  /** Set at filing until the dispatcher has written its search terms (Search). */
  indexPending: z.optional(z.boolean()),
  /** How many new confirmation links its sender asked for (see `resendReceipt`). */
  resends: z.optional(z.number()),
  /** When a later notice from the same mailbox took its place, before it was confirmed. */
  replacedAt: z.optional(z.string()),
  /** When its requester appealed the decision (`appeal`; before appeals, `contest`). */
  contestedAt: z.optional(z.string()),
  /** The requester's appeal: the operator who rejected it should leave the new decision to another. */
  appeal: z.optional(z.object({ at: z.string(), reason: z.string(), rejectedBy: z.string() })),
  /** Set while the dispatcher fails on the notice as a whole; `dead` once it gave up (see Dispatch). */
  dispatch: z.optional(Outbox.Failures),
  /** The API key it was filed with; that key may read it and list it. */
  filedWith: z.optional(FilingKey),
  version: z.number(),
});

export type Notice = z.output<typeof Stored>;

/**
 * Notices in the table. Beside the value, writers keep a write id (see
 * `transition`), the dispatcher its lease (Dispatch), and Bounce the SES
 * messages already recorded.
 */
export const entity = Store.entity({
  type: "notice",
  schema: Stored,
  key: Table.key.notice,
  meta: z.object({
    writeId: z.string(),
    lease: z.number(),
    holder: z.string(),
    previousHolder: z.string(),
    bounces: z.custom<Set<string>>(),
  }),
});

/**
 * Which notices for a source were approved, as the queue's flag reads them:
 * the ids of the first APPROVALS_KEPT, and how many those are. Two ids are
 * enough to tell, for any notice, whether another than itself was approved
 * for the source, so the item never grows past that.
 */
export const sourceApprovals = Store.entity({
  type: "source_approvals",
  schema: z.object({ notices: z.custom<Set<string>>((value) => value instanceof Set), kept: z.number() }),
  key: Table.key.sourceApprovals,
});

const APPROVALS_KEPT = 2;

/**
 * Records the approval on each source the notice's articles come from, once:
 * the conditional `ADD` skips a notice already recorded (the dispatcher may
 * apply an approval's effects twice) and a source that has enough.
 */
async function recordApproval(notice: Pick<Notice, "id" | "subjects">): Promise<void> {
  const domains = [...new Set(notice.subjects.map((s) => s.sourceDomain))];
  await Promise.all(
    domains.map((domain) =>
      sourceApprovals.upsert(
        sourceApprovals.key(domain),
        [change.add("notices", new Set([notice.id])), change.add("kept", 1)],
        {
          condition: when.and(
            when.or(when.missing("kept"), when.lt("kept", APPROVALS_KEPT)),
            when.not(when.contains("notices", notice.id)),
          ),
        },
      ),
    ),
  );
}

/** The sources of `notice` that another approved notice came from, read from their records (`sourceApprovals`). */
export function approvedBefore(
  notice: Pick<Notice, "id" | "subjects">,
  records: Partial<Record<string, { notices: Set<string> }>>,
): string[] {
  const domains = [...new Set(notice.subjects.map((s) => s.sourceDomain))];
  return domains.filter((domain) => [...(records[domain]?.notices ?? [])].some((id) => id !== notice.id));
}

export type UrlOutcome = "matched" | "not_found" | "duplicate" | "hidden" | "kept" | "restored" | "rejected";

export type Outcome = { url: string; outcome: UrlOutcome; articleId?: string; duplicateOf?: string };

/** What an approval decided for one URL (as filed), and whether it was taken back since. */
export function decidedFor(
  notice: Pick<Notice, "decision" | "events" | "status">,
  url: string,
): "hidden" | "kept" | "restored" | undefined {
  const { status, decision } = notice;
  // A whole reversal, or the withdrawal of an approved notice, brings every URL back.
  if (status === "reversed" || (status === "withdrawn" && decision?.action === "approved")) return "restored";
  if (status !== "approved" && status !== "partially_approved") return undefined;
  if (decision?.urls?.find((u) => u.url === url)?.outcome === "kept") return "kept";
  const restored = (notice.events ?? []).some(
    (e) => (e.type === "reversed" || e.type === "restored") && e.urls?.includes(url),
  );
  return restored ? "restored" : "hidden";
}

/** The URLs (as filed) an approval hides now. */
export function hiddenUrls(notice: Notice): string[] {
  return notice.urls.map((u) => u.url).filter((url) => decidedFor(notice, url) === "hidden");
}

/** Lumen's "action taken": whether the notice led to anything being removed. */
export function actionTaken(notice: Notice): "yes" | "no" | "partial" {
  const hidden = hiddenUrls(notice).length;
  if (!hidden) return "no";
  return hidden === notice.urls.length ? "yes" : "partial";
}

export function outcomes(notice: Notice): Outcome[] {
  return notice.urls.map(({ url, articleId, duplicateOf }) => {
    const decided = decidedFor(notice, url);
    const outcome: UrlOutcome = !articleId
      ? "not_found"
      : decided
        ? decided
        : duplicateOf
          ? "duplicate"
          : notice.status === "rejected"
            ? "rejected"
            : "matched";
    return { url, outcome, articleId, ...(duplicateOf ? { duplicateOf } : {}) };
  });
}

export async function find(id: string): Promise<Notice | undefined> {
  if (!Ids.plausible(id)) return undefined;
  return entity.get(entity.key(id), { consistent: true });
}

export async function get(id: string): Promise<Notice> {
  const notice = await find(id);
  if (!notice) throw new DomainError("not_found", "There is no such notice.");
  return notice;
}

const reviewMail = (now: Date) => config().operatorEmails.map((operator) => Outbox.queue("review", now, operator));

/**
 * Stores a valid notice; nothing is written if it is invalid. A person's
 * notice waits for them to confirm their address and queues their receipt.
 * One filed with an API key goes straight to review: the key's owner was
 * vetted when the key was made.
 */
export async function file(input: unknown, now = new Date(), key?: FilingKey, gate?: Gate): Promise<Notice> {
  const data = parse(key ? KeyedInput : Input, input);
  return store(data, await match(data, gate), now, key);
}

/**
 * A read that rides in filing's batch read of the articles, saving it a
 * round trip, and a check of what it found that may refuse the notice
 * before anything is written (web's bad-key check for a keyed call).
 */
export type Gate = {
  keys: Store.Key[];
  entities: Record<string, Store.Reader>;
  check: (found: Record<string, unknown[]>) => void;
};

/**
 * A notice from someone without a key, through the form or the API. It pays
 * the proof of work and the per-address and per-email limits, but only once
 * its fields are known good: nothing is spent on a notice that cannot be filed.
 */
export async function fileAnonymous(
  input: unknown,
  caller: { ip: string; proof: string | undefined },
  now = new Date(),
): Promise<Notice> {
  const data = parse(Input, input);
  // Matched first: one refused for spanning sources has spent no proof of work.
  const matched = await match(data);
  const waiting = await awaitingWithOpenLink(data.requester.email, now);
  await Abuse.admitAnonymous({ ...caller, email: data.requester.email, receipt: !waiting }, now);
  const notice = await store(data, matched, now, undefined, { receipt: !waiting });
  await Promise.all([
    Abuse.setAwaiting(data.requester.email, { notice: notice.id, receiptOf: waiting?.receiptOf ?? notice.id }),
    waiting && replace(waiting.notice, now),
  ]);
  return notice;
}

/**
 * The notice that awaits the same mailbox's confirmation with a receipt whose
 * link still works (queued, or sent within the link's lifetime, and not
 * failed). A new notice from that mailbox takes its place: that receipt's
 * link opens the new one, and no second receipt is sent. So whoever types
 * someone's address causes one receipt, however often, and the address's
 * owner is never refused for what others did.
 */
async function awaitingWithOpenLink(email: string, now: Date): Promise<Abuse.Awaiting | undefined> {
  const awaiting = await Abuse.awaitingFor(email);
  if (!awaiting) return undefined;
  const [current, receipted] = await Promise.all([find(awaiting.notice), find(awaiting.receiptOf)]);
  if (current?.status !== "awaiting_confirmation" || current.replacedAt || !receipted) return undefined;
  return receiptOpen(receipted, now) ? awaiting : undefined;
}

/** Whether the notice's receipt is on its way or arrived, unbounced, and its link works for at least another hour. */
function receiptOpen(notice: Notice, now: Date): boolean {
  if (notice.outbox.receipt) return true;
  const last = notice.events
    .filter((e) => (e.type === "mail_sent" || e.type === "mail_failed") && e.kind === "receipt")
    .at(-1);
  if (last?.type !== "mail_sent") return false;
  const bounced = notice.events.some((e) => e.type === "mail_bounced" && e.at >= last.at);
  return !bounced && Date.parse(last.at) + Token.LIFETIME_MS > now.getTime() + 60 * 60_000;
}

/** How many new confirmation links one notice's status page may ask for. */
export const MAX_RESENDS = 3;

/**
 * Whether the status page offers a new confirmation link: the notice still
 * waits for its sender, its receipt's link expired, bounced or never left,
 * the address can be mailed at all, and the notice has asks left.
 */
export function mayResend(notice: Notice, now = new Date()): boolean {
  return (
    notice.status === "awaiting_confirmation" &&
    !notice.replacedAt &&
    !notice.filedWith &&
    !receiptOpen(notice, now) &&
    (notice.resends ?? 0) < MAX_RESENDS &&
    !Bounce.undelivered(notice).some((failure) => failure.permanent)
  );
}

/**
 * Queues a new receipt, with a new link, on the request of whoever holds the
 * status link. Limited per notice (MAX_RESENDS) and per mailbox (the
 * receipt limit), so it cannot be used to flood an inbox; and the receipt
 * carries nothing its sender typed.
 */
export async function resendReceipt(id: string, token: string, now = new Date()): Promise<Notice> {
  const notice = await withStatusToken(id, token);
  if (notice.status !== "awaiting_confirmation" || notice.replacedAt) throw refusal(notice, "confirmed");
  if (receiptOpen(notice, now)) {
    throw new DomainError(
      "receipt_open",
      "The confirmation link we sent still works: look for it in your inbox (and spam folder).",
    );
  }
  if (
    Bounce.undelivered(notice).some((failure) => failure.permanent) ||
    (await Bounce.suppressed([notice.requester.email])).size
  ) {
    throw new DomainError("undeliverable", "We cannot email this address. File the notice again with another address.");
  }
  const spent = new DomainError(
    "rate_limited",
    `A notice may ask for a new confirmation link ${MAX_RESENDS} times; file it again instead.`,
  );
  if ((notice.resends ?? 0) >= MAX_RESENDS) throw spent;
  await Abuse.limit([[Abuse.LIMITS.receiptsPerEmail, Abuse.mailbox(notice.requester.email)]], now);
  const [messageId, message] = Outbox.queue("receipt", now);
  const updated = await entity.updateAndGet(
    entity.key(id),
    [
      change.set(["outbox", messageId], message),
      ...change.fields(Table.due.at(now)),
      change.add("resends", 1),
      change.add("version", 1),
    ],
    {
      condition: when.and(
        when.eq("status", "awaiting_confirmation"),
        when.missing("replacedAt"),
        when.missing(["outbox", messageId]),
        when.or(when.missing("resends"), when.lt("resends", MAX_RESENDS)),
      ),
    },
  );
  if (!updated) throw spent;
  return updated;
}

/**
 * Marks a notice replaced by a later one from the same mailbox; it never
 * moves on (see `transition`), so it leaves the operators' queue.
 */
async function replace(id: string, now: Date): Promise<void> {
  const plan = [
    change.set("replacedAt", now.toISOString()),
    ...change.remove("gsi5pk", "gsi5sk"),
    change.add("version", 1),
  ];
  await entity.update(entity.key(id), plan, {
    condition: when.and(when.eq("status", "awaiting_confirmation"), when.missing("replacedAt")),
  });
}

type Matched = {
  candidates: { url: string; id: string }[];
  articles: Map<string, Article.Article>;
  subjects: Subject[];
};

/**
 * The articles a notice's URLs name, and their sources and authors. A notice
 * for everything from a source, or by an author, names one source: operators
 * judge the sender against one site, and one approval cannot reach a second
 * site's articles by a URL slipped in beside the first's (docs/workflow.md).
 */
async function match(data: Valid, gate?: Gate): Promise<Matched> {
  const candidates = data.urls.map((url) => ({
    url,
    id: Article.idForUrl(url, config().publicUrl)!,
  }));
  const ids = candidates.map((candidate) => candidate.id);
  const { articles, found } = await Article.getManyAlong(ids, gate ?? { keys: [], entities: {} });
  gate?.check(found);
  const matched = [...new Set(candidates.map((c) => c.id).filter((id) => articles.has(id)))].map(
    (id) => articles.get(id)!,
  );
  const subjects = [
    ...new Map<string, Subject>(
      matched.map(({ sourceDomain, sourceName, author }) => {
        const named = Article.byline(author);
        const self = named.find((name) => name.key === slug(data.requester.name)) ?? named[0]!;
        return [`${sourceDomain}/${self.key}`, { sourceDomain, sourceName, authorKey: self.key, author: self.name }];
      }),
    ).values(),
  ];
  const sources = [...new Set(subjects.map((s) => s.sourceDomain))];
  if (data.scope !== "urls" && sources.length > 1) {
    const message = `A notice for everything ${data.scope === "source" ? "from a source" : "by an author"} covers one source; these URLs are from ${sources.join(" and ")}. File one notice per source.`;
    throw new DomainError("validation_failed", message, { issues: [{ path: "scope", message }] });
  }
  return { candidates, articles, subjects };
}

async function store(
  data: Valid,
  { candidates, articles, subjects }: Matched,
  now: Date,
  key?: FilingKey,
  { receipt = true } = {},
): Promise<Notice> {
  const { goodFaith, accurate, ...rest } = data;
  const filed: Moderation.Event = {
    type: "filed",
    at: now.toISOString(),
    by: key ? label(key) : data.requester.email,
    confirmed: Boolean(key),
  };
  const { status } = Moderation.derive([filed]);
  const notice: Notice = {
    ...rest,
    id: Ids.newId(),
    createdAt: now.toISOString(),
    urls: candidates.map(({ url, id }) => {
      const article = articles.get(id);
      return { url, articleId: article?.id, duplicateOf: article?.hiddenBy[0] };
    }),
    subjects,
    status,
    events: [filed],
    outbox: Object.fromEntries(
      key ? [...reviewMail(now), Outbox.queueWebhook(status, now)] : receipt ? [Outbox.queue("receipt", now)] : [],
    ),
    ...(key ? { filedWith: key } : {}),
    version: 1,
    indexPending: true,
  };
  const index = {
    ...Table.due.at(now),
    ...Table.queue.of(Moderation.queueOf({ status }), notice.createdAt, notice.id),
    ...(key ? Table.byKey.of(key.id, notice.createdAt, notice.id) : {}),
  };
  const size = Store.itemSize(entity.item(entity.key(notice.id), notice, { index }));
  if (size > MAX_ITEM_BYTES) {
    const message = `This notice would take ${Math.ceil(size / 1000)} KB to store; the limit is ${MAX_ITEM_BYTES / 1000} KB. Split its URLs over several notices.`;
    throw new DomainError("validation_failed", message, { issues: [{ path: "urls", message }] });
  }
  // The id is new, so only our own first attempt can hold it: a refused
  // condition means the client retried a put whose answer was lost. The notice
  // is stored once.
  await entity.put(entity.key(notice.id), notice, { index, condition: when.new() });
  Metrics.count("NoticesFiled");
  return notice;
}

/**
 * Appends `event` and stores the status it leads to, with the messages it
 * queues, in one write that only succeeds from the status the transition
 * requires. That condition is what makes links work once and lets exactly
 * one of two racing operators win.
 */
async function transition(
  id: string,
  event: Extract<Moderation.Event, { type: "confirmed" | "decided" }>,
  to: Status,
  changes: { set?: Record<string, unknown>; outbox: [string, Outbox.Message][] },
  now: Date,
  condition?: Store.Condition,
): Promise<Notice> {
  const from = event.type === "decided" ? Moderation.decidable : [Moderation.transitions.confirmed.from];
  const open = when.or(...from.map((status) => when.eq("status", status)));
  return write(
    id,
    event,
    { ...changes, to, queue: Moderation.queueOf({ status: to }) },
    when.and(open, condition),
    now,
  );
}

/**
 * The one write every step on a notice is: its event appended, its status and
 * queue set, its messages queued, under `condition` (and never on a notice
 * replaced by a later one from the same mailbox). A retried write whose first
 * answer was lost finds its own write id and returns the notice.
 */
async function write(
  id: string,
  event: Moderation.Event,
  changes: {
    to?: Status;
    queue?: Moderation.QueueState;
    set?: Record<string, unknown>;
    outbox?: [string, Outbox.Message][];
  },
  condition: Store.Condition,
  now: Date,
): Promise<Notice> {
  const writeId = Ids.newId();
  const outbox = changes.outbox ?? [];
  const updated = await entity.updateAndGet(
    entity.key(id),
    [
      ...(changes.to ? [change.set("status", changes.to)] : []),
      ...(changes.queue ? [change.set("gsi5pk", Table.queue.partition(changes.queue))] : []),
      change.append("events", [event]),
      ...(outbox.length || changes.set?.effectsPending ? change.fields(Table.due.at(now)) : []),
      change.set("writeId", writeId),
      ...Object.entries(changes.set ?? {}).map(([field, value]) => change.set(field, value)),
      ...outbox.map(([messageId, message]) => change.set(["outbox", messageId], message)),
      change.add("version", 1),
    ],
    { condition: when.and(condition, when.missing("replacedAt")) },
  );
  if (updated) return updated;
  const row = await entity.getRow(entity.key(id), { consistent: true });
  if (!row) throw new DomainError("not_found", "There is no such notice.");
  // The client retries a write whose answer was lost; when the first attempt
  // landed, the retry fails its condition, yet the transition is ours.
  if (row.meta.writeId === writeId) return row.value;
  throw refusal(row.value, event.type);
}

/**
 * Why a transition was refused, told from the notice as it now stands. The
 * requester (whose step is `confirmed`) is not told operators' addresses.
 */
function refusal(notice: Notice, event: Moderation.Event["type"]): DomainError {
  const details = { notice };
  if (event === "decided" && notice.appeal && (Moderation.decidable as readonly Status[]).includes(notice.status))
    return ownAppeal(notice);
  if (notice.replacedAt) {
    return new DomainError(
      "replaced",
      "This notice was replaced by a later notice filed with the same address.",
      details,
    );
  }
  if (notice.decision) {
    const { action, by, at } = notice.decision;
    const who = event === "confirmed" ? operatorName(by) : by;
    return new DomainError("already_decided", `This notice was already ${action} by ${who} on ${date(at)}.`, details);
  }
  if (notice.status === "awaiting_confirmation") {
    return new DomainError("not_confirmed", "This notice has not been confirmed by its sender yet.", details);
  }
  return new DomainError(
    event === "confirmed" ? "already_confirmed" : "already_decided",
    "This notice has already moved on.",
    details,
  );
}

export type LinkAction = "confirm" | "approve" | "reject";

const EVENT_OF = { confirm: "confirmed", approve: "decided", reject: "decided" } as const;

/**
 * Checks a link from an email: signed, unexpired, and, for a decision, sent to
 * a current operator, whose address it returns. Links name no one in clear
 * (see Token); a confirm link is the notice's requester's by construction.
 */
function verifyLink(id: string, action: LinkAction, token: string, now: Date): string {
  const claim = Token.verify(token, { notice: id, action }, now.getTime());
  if (action === "confirm") return "requester";
  const operator = config().operatorEmails.find((address) => Token.isFor(claim, address));
  if (!operator) throw new DomainError("invalid_link", "This link was sent to someone who is no longer an operator.");
  return operator;
}

/**
 * What a link from an email opens, before anything is done: the notice, if
 * the link is good and the step it offers is still open. Reads only; GET and
 * HEAD land here. A confirm link whose notice a later one from the same
 * mailbox replaced moves to a link confirming that one instead: the link
 * proves the mailbox, which is what confirming is about.
 */
export async function openLink(
  id: string,
  action: LinkAction,
  token: string,
  now = new Date(),
): Promise<{ notice: Notice } | { moved: string }> {
  const actor = verifyLink(id, action, token, now);
  const notice = await get(id);
  if (action !== "confirm" && notice.appeal?.rejectedBy === actor && notice.status === "pending_review")
    throw ownAppeal(notice);
  if (action === "confirm" && notice.replacedAt) {
    const current = (await Abuse.awaitingFor(notice.requester.email))?.notice;
    if (current && current !== id)
      return { moved: Links.act(current, "confirm", notice.requester.email, now.getTime()) };
  }
  return { notice: opened(notice, action) };
}

/** An appeal is decided by someone other than who rejected the notice (DSA Art. 20). */
function ownAppeal(notice: Notice): DomainError {
  return new DomainError("forbidden", "This appeal is against your own decision: another operator decides it.", {
    notice,
  });
}

function opened(notice: Notice, action: LinkAction): Notice {
  if (notice.replacedAt) throw refusal(notice, EVENT_OF[action]);
  const open = action === "confirm" ? Moderation.transitions.confirmed : Moderation.transitions.approved;
  if (notice.status !== open.from) throw refusal(notice, EVENT_OF[action]);
  return notice;
}

/**
 * The requester of a notice filed without a key proves their address with
 * the link its receipt carried; operators are told only now. The link is
 * verified here, once. Confirming costs no limit: the notice paid its limits
 * and proof of work when it was filed (`fileAnonymous`), and a mailbox has
 * one notice awaiting it at a time, so confirming cannot be used to flood
 * operators. One write, which only a notice still awaiting confirmation and
 * not replaced passes (see `transition`).
 */
export async function confirmAnonymous(id: string, token: string, now = new Date()): Promise<Notice> {
  verifyLink(id, "confirm", token, now);
  const to = Moderation.transitions.confirmed.to;
  // From here on the notice is a case: review keys' endpoints hear of it (Webhook.fanOut).
  return transition(
    id,
    { type: "confirmed", at: now.toISOString(), by: "requester" },
    to,
    { outbox: [...reviewMail(now), Outbox.queueWebhook(to, now)] },
    now,
  );
}

/** A decision from a link in the review mail: the link names the operator; `decideAs` does the rest. */
export async function decide(
  id: string,
  action: Moderation.Decision,
  token: string,
  reason: unknown,
  now = new Date(),
  { unfounded = false }: { unfounded?: boolean } = {},
): Promise<Notice> {
  const operator = verifyLink(id, action === "approved" ? "approve" : "reject", token, now);
  const input = { action: action === "approved" ? "approve" : "reject", reason, unfounded };
  return decideAs(id, operator, input, "email", now);
}

const optionalReason = z.optional(
  z.pipe(
    z
      .string({ error: "The reason must be text." })
      .check(wellFormed, z.trim(), z.maxLength(2000, "Keep this under 2,000 characters.")),
    z.transform((value) => value || undefined),
  ),
);
const GroundId = z.optional(z.string().check(z.trim(), z.regex(/^[a-z0-9_]{1,40}$/, "Choose a ground from the list.")));
const UrlList = z.array(z.string({ error: "Each URL must be text." }).check(z.trim()), {
  error: "List the URLs, as filed.",
});

export const DecisionInput = z.object({
  action: z.enum(["approve", "reject"], { error: "action is approve or reject." }),
  reason: optionalReason,
  ground: GroundId,
  /** The URLs (as filed) to hide; the others are kept. Absent: the whole notice. */
  urls: z.optional(UrlList),
  /** A reason per URL (as filed), for a decision taken URL by URL. */
  reasons: z.optional(z.record(z.string(), z.string().check(wellFormed, z.trim(), z.maxLength(2000)))),
  unfounded: z.optional(z.boolean()),
});
export type DecisionInput = z.input<typeof DecisionInput>;

/**
 * Decides a notice in review (or waiting for an answer): whole, or URL by
 * URL (`urls`: those to hide). Whatever the channel, one conditional write
 * records the decision and queues its mail and webhook event; the dispatcher
 * applies its effects. A whole decision reads nothing first.
 */
export async function decideAs(
  id: string,
  actor: string,
  input: unknown,
  via: Moderation.Via,
  now = new Date(),
): Promise<Notice> {
  const data = parse(DecisionInput, input);
  const approve = data.action === "approve";
  const action: Moderation.Decision = approve ? "approved" : "rejected";
  const reason = approve ? data.reason : parse(z.object({ reason: Reason }), { reason: data.reason ?? "" }).reason;
  const urls = approve && data.urls ? await perUrl(id, data.urls, data.reasons ?? {}) : undefined;
  if (urls && !reason) throw invalid("reason", "Give a reason for keeping some of the URLs.");
  const flagged = !approve && data.unfounded === true;
  const decision: Moderation.DecisionRecord = {
    action,
    by: actor,
    at: now.toISOString(),
    ...(reason ? { reason } : {}),
    ...(flagged ? { unfounded: true } : {}),
    ...(data.ground ? { ground: data.ground } : {}),
    ...(via !== "email" ? { via } : {}),
    ...(urls ? { urls } : {}),
  };
  const to: Status = urls ? "partially_approved" : Moderation.transitions[action].to;
  // The effects are the dispatcher's: it runs as soon as this write lands
  // (the table's stream), applies them under its lease, and records them
  // with the decision mail it sends. The request stays one write at any size.
  const notice = await transition(
    id,
    { type: "decided", ...decision },
    to,
    {
      // A rejection too: one that re-decides an appealed partial approval takes back what it hid.
      set: { decision, effectsPending: true },
      outbox: [
        Outbox.queue("decision", now),
        // Queued for every notice: the write cannot see who filed it, and
        // the dispatcher drops events of notices no key filed, at no cost.
        Outbox.queueWebhook(to, now),
      ],
    },
    now,
    // The review mail's links reached every operator: the one who rejected cannot decide the appeal with them.
    via === "email" ? when.or(when.missing("appeal"), when.ne(["appeal", "rejectedBy"], actor)) : undefined,
  );
  Metrics.count("NoticesDecided");
  return notice;
}

function invalid(path: string, message: string): DomainError {
  return new DomainError("validation_failed", message, { issues: [{ path, message }] });
}

/**
 * A decision URL by URL, checked against the notice as filed: only a notice
 * that hides URL by URL can be split (a source- or author-wide one, or one
 * that blocks future articles, hides by rule and is decided whole). All URLs
 * hidden is a whole approval.
 */
async function perUrl(
  id: string,
  hide: string[],
  reasons: Record<string, string>,
): Promise<Moderation.UrlDecision[] | undefined> {
  const notice = await get(id);
  const filed = [...new Set(notice.urls.map((u) => u.url))];
  const unknown = hide.filter((url) => !filed.includes(url));
  if (unknown.length) throw invalid("urls", `These URLs are not in the notice: ${unknown.join(", ")}.`);
  if (!hide.length) throw invalid("urls", "Choose at least one URL to hide, or reject the notice.");
  if (hide.length === filed.length) return undefined;
  if (notice.scope !== "urls" || notice.future) {
    throw invalid(
      "urls",
      "A notice that hides by rule (a whole source or author, or future articles) is decided whole.",
    );
  }
  return filed.map((url) => ({
    url,
    outcome: hide.includes(url) ? "hidden" : "kept",
    ...(reasons[url] ? { reason: reasons[url] } : {}),
  }));
}

/**
 * The rules an approval leaves, one per source or author it covers. A
 * source- or author-wide notice hides by rule; one that also asks for the
 * future keeps hiding what arrives later, otherwise its rule ends at what we
 * had seen when it was approved. "These URLs, now and in the future" blocks
 * what their authors publish from the approval on. Present names them.
 */
export function rulesOf(notice: Notice, { confirmed = false }: { confirmed?: boolean } = {}): Suppression.Rule[] {
  if (notice.scope === "urls" && !notice.future) return [];
  const at = notice.decision?.at ?? notice.createdAt;
  const held = config().futureRulesNeedSecondApproval && !confirmed;
  const seconded = new Set(notice.events?.flatMap((e) => (e.type === "rule_confirmed" ? [e.rule] : [])) ?? []);
  const rules = notice.subjects.map(({ sourceDomain, authorKey }): Suppression.Rule | undefined => {
    const author = notice.scope === "source" ? undefined : authorKey;
    const id = Suppression.ruleId(sourceDomain, author);
    // Held for a second operator: a rule for the future alone waits; a wide one hides what we have now.
    const waits = held && notice.future && !seconded.has(id);
    if (waits && notice.scope === "urls") return undefined;
    return {
      id,
      kind: author ? "author" : "source",
      sourceDomain,
      ...(author ? { authorKey: author } : {}),
      notice: notice.id,
      ...(notice.future && !waits ? (notice.scope === "urls" ? { from: at } : {}) : { until: at }),
      createdAt: at,
    };
  });
  const present = rules.filter((rule): rule is Suppression.Rule => Boolean(rule));
  return [...new Map(present.map((rule) => [rule.id, rule])).values()];
}

/** The rules that block future articles and wait for a second operator (FUTURE_RULES_NEED_SECOND_APPROVAL). */
export function awaitingConfirmation(notice: Notice): Suppression.Rule[] {
  if (!notice.future || !config().futureRulesNeedSecondApproval) return [];
  if (notice.status !== "approved" && notice.status !== "partially_approved") return [];
  const seconded = new Set(notice.events.flatMap((e) => (e.type === "rule_confirmed" ? [e.rule] : [])));
  return rulesOf(notice, { confirmed: true }).filter((rule) => !seconded.has(rule.id));
}

/**
 * Brings the site in line with the notice, and returns the events that
 * record what changed: while approved, the articles its hidden URLs name are
 * hidden and its rules put; what a reversal, a withdrawal or a rejection on
 * appeal took back is shown again, and when nothing of the approval stands
 * its rules end. A rejection as unfounded counts against the requester.
 * Every step is idempotent, so a worker that dies halfway is repaired by the
 * next one running it again. The dispatcher calls it under its lease and
 * records the events in the write that releases the lease.
 */
export async function applyEffects(notice: Notice, now = new Date()): Promise<Moderation.Event[]> {
  const at = now.toISOString();
  const standing = notice.status === "approved" || notice.status === "partially_approved";
  const everApproved = notice.events.some((e) => e.type === "articles_hidden");
  if (notice.decision?.action === "rejected" && notice.decision.unfounded)
    await Abuse.recordUnfounded(notice.requester.email, notice.id, now);
  const takenBack = notice.urls.filter((u) => decidedFor(notice, u.url) !== "hidden");
  const undo = everApproved
    ? [...new Set(takenBack.flatMap((u) => u.articleId ?? Article.idForUrl(u.url, config().publicUrl) ?? []))]
    : [];
  const created = [...new Set(notice.events.flatMap((e) => (e.type === "rule_created" ? [e.rule] : [])))];
  const ended = new Set(notice.events.flatMap((e) => (e.type === "rule_ended" ? [e.rule] : [])));
  const ending = standing ? [] : created.filter((rule) => !ended.has(rule));
  const restoredLogged = new Set(notice.events.flatMap((e) => (e.type === "articles_restored" ? e.articleIds : [])));
  await Promise.all([Article.unhide(undo, notice.id), Suppression.end(ending, notice.id, now)]);
  const restoring = undo.filter((id) => !restoredLogged.has(id));
  const undone: Moderation.Event[] = [
    ...ending.map((rule): Moderation.Event => ({ type: "rule_ended", at, by: "system", rule })),
    ...(restoring.length || ending.length
      ? [
          {
            type: "articles_restored" as const,
            at,
            by: "system",
            count: restoring.length,
            articleIds: restoring.slice(0, Moderation.LISTED_IDS),
          },
        ]
      : []),
  ];
  if (!standing) return undone;
  const rules = rulesOf(notice);
  const hidden = new Set(hiddenUrls(notice));
  // A source- or author-wide rule covers the articles the notice lists; a URL we do not have yet
  // keeps its own mark, so it is hidden whenever it arrives.
  const listed = [
    ...new Set(
      notice.urls
        .filter((u) => hidden.has(u.url))
        .flatMap((u) =>
          u.articleId
            ? notice.scope === "urls"
              ? [u.articleId]
              : []
            : (Article.idForUrl(u.url, config().publicUrl) ?? []),
        ),
    ),
  ];
  // What people are told was hidden: the listed articles we have, or every
  // article a source- or author-wide rule covers, counted as it takes effect.
  const found = [...new Set(notice.urls.filter((u) => hidden.has(u.url)).flatMap((u) => u.articleId ?? []))];
  const logged = new Set(created);
  const fresh = rules.filter((rule) => !logged.has(rule.id));
  const [, , covered] = await Promise.all([
    Article.hide(listed, notice.id),
    Suppression.put(rules),
    everApproved || notice.scope === "urls"
      ? []
      : Promise.all(rules.map((rule) => Article.countInScope(rule.sourceDomain, rule.authorKey))),
    everApproved || recordApproval(notice),
  ]);
  const count = notice.scope === "urls" ? found.length : covered.reduce((sum, n) => sum + n, 0);
  return [
    ...undone,
    ...fresh.map((rule): Moderation.Event => ({ type: "rule_created", at, by: "system", rule: rule.id })),
    ...(everApproved
      ? []
      : [
          {
            type: "articles_hidden" as const,
            at,
            by: "system",
            count,
            articleIds: found.slice(0, Moderation.LISTED_IDS),
          },
        ]),
  ];
}

/**
 * The pages an approval changes, as paths: the listed articles' pages, or
 * every article page when a rule hides more than it lists; the pages of the
 * sources it touches; and the listings of every source.
 */
export function changedPages(notice: Notice): string[] {
  const listed = [...new Set(notice.urls.flatMap((u) => u.articleId ?? []))].map(Links.pages.article);
  const domains = [...new Set(notice.subjects.map((s) => s.sourceDomain))];
  return [
    ...(rulesOf(notice).length ? [Links.pages.allArticles] : listed),
    ...domains.map(Links.pages.source),
    ...Links.pages.listings,
  ];
}

/** True when the requester writes from the domain of a source they name. */
export function writesFromSource(notice: Notice, sourceDomain: string): boolean {
  const domain = notice.requester.email.split("@")[1] ?? "";
  return domain === sourceDomain || domain.endsWith(`.${sourceDomain}`);
}

/** Checks a status capability and returns the notice it opens. */
export async function withStatusToken(id: string, token: string | undefined): Promise<Notice> {
  if (!Ids.plausible(id)) throw new DomainError("not_found", "There is no such notice.");
  Token.verify(token ?? "", { notice: id, action: "status" });
  return get(id);
}

export const Objection = requiredText("Say why you contest the decision.", 5000);

/** How long a decision may be appealed (DSA Art. 20: at least six months). */
export const CONTEST_WITHIN_MS = Moderation.APPEAL_WITHIN_MS;

const operatorsMail = (kind: Moderation.MailKind, now: Date) =>
  config().operatorEmails.map((operator) => Outbox.queue(kind, now, operator));

/**
 * One step on a notice that reads it first: the reducer says whether the
 * step fits the notice as read and what it leads to; the write holds only if
 * the status is still the one read (and `condition`). A change of status
 * queues its webhook event, and so does a reversal or restoration that
 * leaves the status as it was (partly approved still, with fewer URLs
 * hidden); nothing is told of a notice its sender has not confirmed.
 */
async function act(
  notice: Notice,
  event: Moderation.Event,
  changes: { set?: Record<string, unknown>; outbox?: [string, Outbox.Message][]; condition?: Store.Condition },
  now: Date,
): Promise<Notice> {
  let next: Moderation.State;
  try {
    next = Moderation.apply(Moderation.derive(notice.events), event);
  } catch (error) {
    if (error instanceof Moderation.InvalidTransition) throw refused(notice, event.type);
    throw error;
  }
  const changed = next.status !== notice.status || event.type === "reversed" || event.type === "restored";
  const told = changed && notice.status !== "awaiting_confirmation";
  const outbox = [...(changes.outbox ?? []), ...(told ? [Outbox.queueWebhook(next.status, now)] : [])];
  const condition = when.and(when.eq("status", notice.status), changes.condition);
  return write(
    notice.id,
    event,
    { to: next.status, queue: Moderation.queueOf(next), set: changes.set, outbox },
    condition,
    now,
  );
}

const STEP: Partial<Record<Moderation.Event["type"], string>> = {
  reversed: "reversed",
  restored: "restored",
  withdrawn: "withdrawn",
  appealed: "appealed",
  info_requested: "asked for more information",
  info_given: "answered",
  rule_confirmed: "given a second approval",
  counter_noticed: "disputed",
};

/** Why a step read-then-written does not fit the notice as it stands. */
function refused(notice: Notice, event: Moderation.Event["type"]): DomainError {
  if (notice.replacedAt) return refusal(notice, event);
  if (event === "appealed") {
    const appealed = notice.events.find((e) => e.type === "appealed" || e.type === "contested");
    if (appealed)
      return new DomainError("already_decided", `You already contested this decision on ${date(appealed.at)}.`);
    if (!notice.decision) return new DomainError("not_confirmed", "There is no decision to contest yet.");
    if (notice.status === "rejected" || notice.status === "partially_approved") {
      return new DomainError("expired_link", "The six months to contest this decision have passed.");
    }
  }
  const status = Moderation.Status.options.includes(notice.status) ? notice.status.replace(/_/g, " ") : notice.status;
  return new DomainError(
    "invalid_state",
    `A notice that is ${status} cannot be ${STEP[event] ?? event.replace(/_/g, " ")}.`,
    { notice },
  );
}

const requesterText = (message: string, max = 5000) => z.object({ text: requiredText(message, max) });

/**
 * The requester appeals a rejection (or the part of a partial approval that
 * kept URLs up) from their status page: once, within six months (DSA Art.
 * 20). The notice goes back to review marked as contested, and every
 * operator is told; the one who rejected it should not decide it again.
 */
export async function appeal(
  id: string,
  statusToken: string,
  input: { reason: unknown },
  now = new Date(),
): Promise<Notice> {
  Token.verify(statusToken, { notice: id, action: "status" }, now.getTime());
  const reason = parse(z.object({ reason: Objection }), { reason: input.reason }).reason;
  const notice = await get(id);
  const event: Moderation.Event = { type: "appealed", at: now.toISOString(), by: "requester", reason };
  const appeal = { at: event.at, reason, rejectedBy: notice.decision?.by ?? "" };
  return act(
    notice,
    event,
    {
      outbox: operatorsMail("appeal", now),
      condition: when.missing("contestedAt"),
      set: { contestedAt: event.at, appeal },
    },
    now,
  );
}

/** The status page's form from before appeals, kept working: an objection is an appeal. */
export async function contest(id: string, token: string, objection: unknown, now = new Date()): Promise<Notice> {
  return appeal(id, token, { reason: objection }, now);
}

/** What the log says of the notice: its status, appeal, assignee, paused review time (Moderation.State). */
export function state(notice: Notice): Moderation.State {
  return Moderation.derive(notice.events);
}

/** A counter-notice's step, as the notices it disputes record it (CounterNotice.stepsOf). */
export type CounterStep = Extract<
  Moderation.Event,
  { type: "counter_noticed" | "court_action_reported" | "counter_window_closed" }
>;

/**
 * Records a counter-notice's steps on a notice it disputes, in order and each
 * once: a retry, or the sweep completing a run that died between the
 * counter-notice's write and this one, writes only what is missing. Confirmed
 * (`counter_noticed`), the case goes back to the queue as contested; its
 * window closed (`counter_window_closed`), it is marked ready for an operator
 * to restore. A step the notice cannot take is left out with those after it:
 * it no longer stood when the counter-notice was confirmed, or it was reversed
 * before the window closed (Moderation.apply says which).
 */
export async function recordCounter(id: string, steps: CounterStep[], now = new Date()): Promise<Notice> {
  let notice = await get(id);
  for (const step of steps) {
    if (notice.events.some((e) => e.type === step.type && e.counterNotice === step.counterNotice)) continue;
    try {
      Moderation.apply(Moderation.derive(notice.events), step);
    } catch (error) {
      if (error instanceof Moderation.InvalidTransition) break;
      throw error;
    }
    notice = await act(notice, step, {}, now);
  }
  return notice;
}

/**
 * Puts the notices stored before the operators' queue existed into it
 * (`npm run dispatch -- backfill-queue`, once after deploying the index).
 * Reads the whole table; idempotent; returns how many it queued.
 */
export async function backfillQueue(): Promise<number> {
  const waiting = await Store.scanAll(
    when.and(when.eq("type", "notice"), when.missing("gsi5pk"), when.missing("replacedAt")),
    ["id", "createdAt", "status", "events"],
  );
  const queued = await mapLimit(waiting, 8, async (item) => {
    const { id, createdAt, status, events } = z.parse(
      z.object({ id: z.string(), createdAt: z.string(), status: Status, events: z.array(Moderation.Event) }),
      item,
    );
    const queue = Moderation.queueOf({ ...Moderation.derive(events), status });
    const keys = Table.queue.of(queue, createdAt, id);
    return entity.update(entity.key(id), change.fields(keys), {
      condition: when.and(when.stored(), when.missing("gsi5pk")),
    });
  });
  return queued.filter(Boolean).length;
}

/**
 * Puts the notices stored before the console's search existed into it, and
 * records the approved ones on their sources' records (the queue's "approved
 * before" flag): `npm run dispatch -- backfill-search`, once after deploying.
 * Reads the whole table; idempotent; returns how many notices it indexed and
 * how many approved ones it recorded.
 */
export async function backfillSearch(): Promise<{ indexed: number; approved: number }> {
  const found = await Store.scanAll(when.eq("type", "notice"), [
    "id",
    "createdAt",
    "urls",
    "requester",
    "subjects",
    "events",
  ]);
  const notices = found.map((item) =>
    z.parse(
      z.pick(Stored, { id: true, createdAt: true, urls: true, requester: true, subjects: true, events: true }),
      item,
    ),
  );
  const approved = notices.filter((notice) => notice.events.some((e) => e.type === "articles_hidden"));
  await mapLimit(notices, 8, (notice) => Search.write(Search.terms(notice), notice.id));
  await mapLimit(approved, 8, (notice) => recordApproval(notice));
  return { indexed: notices.length, approved: approved.length };
}

/** The appeal open on a notice, for operators: who rejected it should let another operator decide. */
export function openAppeal(notice: Notice): Moderation.State["appeal"] | undefined {
  const { appeal } = Moderation.derive(notice.events);
  return appeal && !appeal.decided ? appeal : undefined;
}

/**
 * The requester withdraws their notice from the status page, at any time.
 * An approved notice withdrawn gives back what it hid, as a reversal does
 * (the dispatcher's effects); operators are told.
 */
export async function withdraw(
  id: string,
  statusToken: string,
  input: { reason?: unknown } = {},
  now = new Date(),
): Promise<Notice> {
  Token.verify(statusToken, { notice: id, action: "status" }, now.getTime());
  const reason = parse(z.object({ reason: optionalReason }), { reason: input.reason }).reason;
  const notice = await get(id);
  const event: Moderation.Event = {
    type: "withdrawn",
    at: now.toISOString(),
    by: "requester",
    ...(reason ? { reason } : {}),
  };
  const standing = notice.status === "approved" || notice.status === "partially_approved";
  const told = notice.status === "awaiting_confirmation" ? [] : operatorsMail("withdrawal", now);
  return act(notice, event, { outbox: told, ...(standing ? { set: { effectsPending: true } } : {}) }, now);
}

/** The requester answers an operator's question; the notice is back in review and operators are told. */
export async function answer(
  id: string,
  statusToken: string,
  input: { answer: unknown },
  now = new Date(),
): Promise<Notice> {
  Token.verify(statusToken, { notice: id, action: "status" }, now.getTime());
  const text = parse(requesterText("Write your answer."), { text: input.answer }).text;
  const notice = await get(id);
  return act(
    notice,
    { type: "info_given", at: now.toISOString(), by: "requester", answer: text },
    { outbox: operatorsMail("info_answer", now) },
    now,
  );
}

/** An operator asks the requester a question; the review clock stops until they answer (Moderation.State.pausedMs). */
export async function requestInfo(
  id: string,
  actor: string,
  input: { question: unknown },
  now = new Date(),
): Promise<Notice> {
  const question = parse(requesterText("Write the question.", 2000), { text: input.question }).text;
  const notice = await get(id);
  return act(
    notice,
    { type: "info_requested", at: now.toISOString(), by: actor, question },
    { outbox: [Outbox.queue("info_request", now)] },
    now,
  );
}

export const NoteInput = requesterText("Write the note.");

/** An internal note: in the audit trail, never shown or mailed to the requester. */
export async function note(id: string, actor: string, input: { text: unknown }, now = new Date()): Promise<Notice> {
  const text = parse(NoteInput, { text: input.text }).text;
  const event: Moderation.Event = { type: "noted", at: now.toISOString(), by: actor, text };
  return write(id, event, {}, when.stored(), now);
}

/** Assigns the notice to an operator, or (`to: ""`) to nobody. */
export async function assign(id: string, actor: string, input: { to: unknown }, now = new Date()): Promise<Notice> {
  const to = parse(z.object({ to: z.string({ error: "Name an operator." }).check(z.trim(), z.toLowerCase()) }), {
    to: input.to,
  }).to;
  if (to && !config().operatorEmails.includes(to))
    throw invalid("to", "Assign the notice to an operator, or to nobody.");
  const event: Moderation.Event = { type: "assigned", at: now.toISOString(), by: actor, to };
  return write(id, event, {}, when.stored(), now);
}

export const ReversalInput = z.object({ reason: Reason, ground: GroundId, urls: z.optional(UrlList) });

/**
 * An operator takes an approval back, whole or for some URLs (as filed),
 * with a reason the requester is mailed. What it hid comes back unless
 * another approved notice still covers it; the rules it left end when the
 * whole approval is reversed. Nothing is deleted: the reversal is an event.
 */
export async function reverse(id: string, actor: string, input: unknown, now = new Date()): Promise<Notice> {
  const { reason, ground, urls } = parse(ReversalInput, input);
  const notice = await get(id);
  const some = partOf(notice, urls);
  const event: Moderation.Event = {
    type: "reversed",
    at: now.toISOString(),
    by: actor,
    reason,
    ...(ground ? { ground } : {}),
    ...(some ? { urls: some } : {}),
  };
  return act(notice, event, { set: { effectsPending: true }, outbox: [Outbox.queue("reversal", now)] }, now);
}

/** As `reverse`, after a counter-notice: recorded as `restored`, and mailed as a restoration. */
export async function restore(id: string, actor: string, input: unknown, now = new Date()): Promise<Notice> {
  const { reason, urls } = parse(z.object({ reason: Reason, urls: z.optional(UrlList) }), input);
  const notice = await get(id);
  const some = partOf(notice, urls);
  const event: Moderation.Event = {
    type: "restored",
    at: now.toISOString(),
    by: actor,
    urls: some ?? hiddenUrls(notice),
    reason,
    ...(some ? {} : { whole: true }),
  };
  return act(notice, event, { set: { effectsPending: true }, outbox: [Outbox.queue("restoration", now)] }, now);
}

/**
 * The URLs a partial reversal names, checked against what the approval
 * still hides; undefined for the whole approval (no URLs, or all of them).
 * One that hides by rule is reversed whole: its rule covers every URL.
 */
function partOf(notice: Notice, urls: string[] | undefined): string[] | undefined {
  if (!urls) return undefined;
  const hidden = hiddenUrls(notice);
  const unknown = urls.filter((url) => !hidden.includes(url));
  if (unknown.length) throw invalid("urls", `These URLs are not hidden by this notice: ${unknown.join(", ")}.`);
  if (!urls.length) throw invalid("urls", "Choose at least one URL, or reverse the whole approval.");
  const all = hidden.every((url) => urls.includes(url));
  if (all) return undefined;
  if (notice.scope !== "urls")
    throw invalid("urls", "A notice for a whole source or author hides by rule, and is reversed whole.");
  return [...new Set(urls)];
}

/**
 * A second operator confirms a rule that blocks future articles, when
 * FUTURE_RULES_NEED_SECOND_APPROVAL holds it back: the rule starts now (the
 * dispatcher puts it). The operator who approved cannot confirm.
 */
export async function confirmRule(
  id: string,
  actor: string,
  input: { rule: unknown },
  now = new Date(),
): Promise<Notice> {
  const rule = parse(z.object({ rule: z.string({ error: "Name the rule." }) }), { rule: input.rule }).rule;
  const notice = await get(id);
  if (!awaitingConfirmation(notice).some((r) => r.id === rule)) {
    throw new DomainError("invalid_state", "This notice has no rule waiting for a second approval by that name.");
  }
  if (notice.decision?.by === actor)
    throw new DomainError("forbidden", "A second operator, not the one who approved, confirms the rule.");
  const event: Moderation.Event = { type: "rule_confirmed", at: now.toISOString(), by: actor, rule };
  return act(
    notice,
    event,
    { set: { effectsPending: true }, condition: when.eq(["decision", "by"], notice.decision!.by) },
    now,
  );
}

/** What approving the notice would do now: how many articles it hides, and the rules it leaves. */
export async function preview(notice: Notice): Promise<{ hides: number; rules: Suppression.Rule[] }> {
  const approved: Notice = {
    ...notice,
    status: "approved",
    decision: { action: "approved", by: "", at: new Date().toISOString() },
  };
  if (notice.scope === "urls") {
    const ids = [...new Set(notice.urls.flatMap((u) => u.articleId ?? []))];
    const articles = await Article.getMany(ids);
    return {
      hides: [...articles.values()].filter((a) => !Article.isHidden(a)).length,
      rules: rulesOf(approved, { confirmed: true }),
    };
  }
  const counts = await Promise.all(
    rulesOf(approved).map((rule) => Article.countInScope(rule.sourceDomain, rule.authorKey)),
  );
  return { hides: counts.reduce((sum, n) => sum + n, 0), rules: rulesOf(approved, { confirmed: true }) };
}

export { DEFAULTS as Grounds, list as grounds, save as saveGrounds, type Ground } from "./grounds";

/** A notice as the API key that filed it reads it; to any other key it does not exist. */
export async function getForKey(id: string, keyId: string): Promise<Notice> {
  const notice = await find(id);
  if (!notice || notice.filedWith?.id !== keyId) throw new DomainError("not_found", "There is no such notice.");
  return notice;
}

const LIMIT = "limit is a whole number from 1 to 100.";

export const ListQuery = z.object({
  status: z.optional(z.enum(STATUSES, { error: `status is one of ${STATUSES.join(", ")}.` })),
  since: z.optional(z.iso.datetime({ offset: true, error: "since must be an ISO 8601 date-time." })),
  cursor: z.optional(z.string()),
  limit: z.optional(z.coerce.number({ error: LIMIT }).check(z.int(LIMIT), z.gte(1, LIMIT), z.lte(100, LIMIT))),
});

export type ListQuery = z.output<typeof ListQuery>;

export function listQuery(query: unknown): ListQuery {
  return parse(ListQuery, query);
}

type Listed = Pick<Notice, "id" | "status" | "createdAt" | "decision">;

/** The cursor is LastEvaluatedKey, opaque to callers; one from another list is refused. */
function startKey(cursor: string, partition: string): Record<string, string> {
  const message = "This cursor does not belong to this list; list again without it.";
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    const shape = z.strictObject({ pk: z.string(), sk: z.string(), gsi1pk: z.literal(partition), gsi1sk: z.string() });
    return z.parse(shape, key);
  } catch {
    throw new DomainError("validation_failed", message, { issues: [{ path: "cursor", message }] });
  }
}

/**
 * One page of the notices filed with an API key, newest first. A status
 * filter is applied after the page is read, so a page may hold fewer than
 * `limit` notices and still have a next cursor.
 */
export async function listForKey(
  keyId: string,
  { status, since, cursor, limit }: ListQuery,
): Promise<{ notices: Listed[]; cursor?: string }> {
  const partition = Table.byKey.partition(keyId);
  const page = await entity.pageFields(
    {
      index: Table.byKey.index,
      partition,
      ...(since ? { sort: { is: ">=", value: new Date(since).toISOString() } } : {}),
      ...(status ? { filter: when.eq("status", status) } : {}),
      limit: limit ?? 25,
      newestFirst: true,
    },
    ["id", "status", "createdAt", "decision"],
    cursor ? startKey(cursor, partition) : undefined,
  );
  const next = page.next;
  return {
    notices: page.items,
    ...(next ? { cursor: Buffer.from(JSON.stringify(next)).toString("base64url") } : {}),
  };
}
