/**
 * The operators' queue: notices by queue state (Table.queue, gsi5), oldest
 * first, with what an operator triages by: age on the review clock, scope,
 * counts, sources, assignee and flags. Reads a page of keys from the index,
 * then the notices, their requesters' records and the rule set in one batch.
 *
 * The flags, as the console shows them:
 * - `domainMismatch`: the requester's email domain is not (a subdomain of)
 *   a source the notice targets (Notice.writesFromSource).
 * - `unfounded`: operators rejected notices from this address as manifestly
 *   unfounded before (Abuse.standing; how many).
 * - `sourceApprovedBefore`: another notice for a source it targets was
 *   approved (whole or in part, by rule or URL by URL; a later reversal
 *   does not take that back). Each approval is recorded on its sources'
 *   records (Notice.sourceApprovals) when its effects are applied, and the
 *   page reads those records in the batch that reads the requesters'.
 * - `unconfirmedKey`: filed with an API key, for a requester address that is
 *   not the key's owner. The owner's address was vetted when the key was
 *   made; any other address was typed by the key holder and never proved by
 *   a confirmation mail (Present.keyLine), so its domain proves nothing.
 */
import * as z from "zod/mini";
import * as Abuse from "./abuse";
import { config } from "./config";
import { DomainError } from "./errors";
import * as Moderation from "./moderation";
import * as Notice from "./notice";
import * as Store from "./store";
import * as Table from "./table";
import * as Search from "./search";
import * as Url from "./url";
import { parse } from "./validation";

export const States = Moderation.QueueState.options;
export type State = Moderation.QueueState;

export const PAGE = 25;

const LIMIT = "limit is a whole number from 1 to 100.";
const STATE = `state is one of ${States.join(", ")}.`;
const text = (max: number) =>
  z.optional(
    z.pipe(
      z.string().check(z.trim(), z.maxLength(max, `Keep this under ${max} characters.`)),
      z.transform((value) => value || undefined),
    ),
  );

export const Filter = z.object({
  state: z._default(z.enum(States, { error: STATE }), "pending_review"),
  source: z.optional(
    z.pipe(
      text(253),
      z.transform((value) => (value ? (Url.domain(value) ?? value.toLowerCase()) : undefined)),
    ),
  ),
  requester: z.optional(
    z.pipe(
      text(254),
      z.transform((value) => value?.toLowerCase()),
    ),
  ),
  cursor: text(2048),
  limit: z._default(z.coerce.number({ error: LIMIT }).check(z.int(LIMIT), z.gte(1, LIMIT), z.lte(100, LIMIT)), PAGE),
});
export type Filter = z.output<typeof Filter>;

export function filter(query: unknown): Filter {
  return parse(Filter, query);
}

export type Flags = {
  domainMismatch: string[];
  unfounded: number;
  sourceApprovedBefore: string[];
  unconfirmedKey: boolean;
};

export type Row = {
  notice: Notice.Notice;
  state: Moderation.State;
  /** On the review clock: from confirmation, without the time spent waiting for answers. */
  waitingMs: number;
  overdue: boolean;
  /** A counter-notice's window closed without a court action: restoring the article is the operator's decision. */
  ready: boolean;
  sources: string[];
  articles: number;
  flags: Flags;
};

/** The review clock: from confirmation (filing, until then) to now or the decision, less the pauses for answers. */
function waitingMs(state: Moderation.State, now: Date): number {
  const from = Date.parse(state.confirmedAt ?? state.filedAt ?? now.toISOString());
  const open = state.askedAt ? now.getTime() - Date.parse(state.askedAt) : 0;
  return Math.max(0, now.getTime() - from - (state.pausedMs ?? 0) - open);
}

const waitsOnOperators = (status: Notice.Status, state: Moderation.State) =>
  status === "pending_review" || Boolean(state.contested);

/** Rows for notices read whole, with their requesters' and their sources' records (a batch read each, at once). */
async function rows(notices: Notice.Notice[], now: Date): Promise<Row[]> {
  if (!notices.length) return [];
  const emails = [...new Set(notices.map((n) => n.requester.email))];
  const domains = [...new Set(notices.flatMap((n) => n.subjects.map((s) => s.sourceDomain)))];
  const [records, approvals] = await Promise.all([
    Store.getEach(Object.fromEntries(emails.map((email) => [email, [Abuse.records, Abuse.records.key(email)]]))),
    Store.getEach(
      Object.fromEntries(
        domains.map((domain) => [domain, [Notice.sourceApprovals, Notice.sourceApprovals.key(domain)]]),
      ),
    ),
  ]);
  const slaMs = config().reviewSlaMs;
  return notices.map((notice) => {
    const state = Moderation.derive(notice.events);
    const waited = waitingMs(state, now);
    const sources = [...new Set(notice.subjects.map((s) => s.sourceDomain))];
    return {
      notice,
      state,
      waitingMs: waited,
      overdue: waitsOnOperators(notice.status, state) && waited > slaMs,
      ready: Moderation.readyToRestore(state).length > 0,
      sources,
      articles: notice.urls.filter((u) => u.articleId).length,
      flags: {
        domainMismatch: sources.filter((domain) => !Notice.writesFromSource(notice, domain)),
        unfounded: Abuse.standingOf(records[notice.requester.email]).unfounded,
        sourceApprovedBefore: Notice.approvedBefore(notice, approvals),
        unconfirmedKey: Boolean(notice.filedWith) && notice.requester.email !== notice.filedWith?.owner?.toLowerCase(),
      },
    };
  });
}

const keysOf = (items: Store.Item[]) => items.map(({ pk, sk }) => ({ pk: String(pk), sk: String(sk) }));

const encode = (key: Store.Cursor) => Buffer.from(JSON.stringify(key)).toString("base64url");

/** The cursor is where the index page stopped; one from another state's list is refused. */
function decode(cursor: string, state: State): Store.Cursor {
  const message = "This cursor does not belong to this list; list again without it.";
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    const shape = z.strictObject({
      pk: z.string(),
      sk: z.string(),
      gsi5pk: z.literal(Table.queue.partition(state)),
      gsi5sk: z.string(),
    });
    return z.parse(shape, key);
  } catch {
    throw new DomainError("validation_failed", message, { issues: [{ path: "cursor", message }] });
  }
}

const matches = (filter: Filter) => (row: Row) =>
  (!filter.source || row.sources.some((domain) => domain === filter.source || domain.endsWith(`.${filter.source}`))) &&
  (!filter.requester || row.notice.requester.email === filter.requester);

/**
 * One page of a state's queue, oldest first. With a source or requester
 * filter, pages of the index are read until a page's worth matches or the
 * index ends: a page may hold fewer and still have a next cursor.
 */
export async function list(filter: Filter, now = new Date()): Promise<{ rows: Row[]; cursor?: string }> {
  const filtered = Boolean(filter.source || filter.requester);
  let start = filter.cursor ? decode(filter.cursor, filter.state) : undefined;
  const found: Row[] = [];
  for (let round = 0; round < (filtered ? 8 : 1); round++) {
    const page = await Store.page(
      {
        index: Table.queue.index,
        partition: Table.queue.partition(filter.state),
        fields: ["pk", "sk"],
        limit: filter.limit,
      },
      start,
    );
    found.push(...(await rows(await Notice.entity.getMany(keysOf(page.items)), now)).filter(matches(filter)));
    start = page.next;
    if (!start || found.length >= filter.limit) break;
  }
  // Oldest first, as the index keeps them (a batch read answers in any order).
  found.sort((a, b) =>
    a.notice.createdAt === b.notice.createdAt
      ? a.notice.id < b.notice.id
        ? -1
        : 1
      : a.notice.createdAt < b.notice.createdAt
        ? -1
        : 1,
  );
  return { rows: found, ...(start ? { cursor: encode(start) } : {}) };
}

/** The states whose notices still wait for someone; decided ones only ever grow, so they are not counted. */
const WAITING = States.filter((state) => state !== "decided");

/** How many notices wait in each open state (a counting query each: keys are counted, no item is read). */
export async function counts(): Promise<Partial<Record<State, number>>> {
  const all = await Promise.all(
    WAITING.map((state) => Store.count({ index: Table.queue.index, partition: Table.queue.partition(state) })),
  );
  return Object.fromEntries(WAITING.map((state, i) => [state, all[i]!]));
}

const SearchInput = z.object({
  q: z
    .string({ error: "Type what to search for." })
    .check(
      z.trim(),
      z.minLength(1, "Type what to search for."),
      z.maxLength(2048, "Keep this under 2,048 characters."),
    ),
});

/**
 * Notices in every state whose URLs, requester, organisation or key match
 * `q`, newest first: looked up by their search terms (Search.find), then
 * read in one batch. `complete` is false when a term named more notices than
 * a search shows.
 */
export async function search(input: unknown, now = new Date()): Promise<{ rows: Row[]; complete: boolean }> {
  const { q } = parse(SearchInput, input);
  const { ids, complete } = await Search.find(q);
  // A notice replaced by a later one from the same mailbox never moves on: it left the queue, and is not found.
  const notices = (await Notice.entity.getMany(ids.map((id) => Notice.entity.key(id)))).filter((n) => !n.replacedAt);
  const found = await rows(notices, now);
  found.sort((a, b) => (a.notice.createdAt < b.notice.createdAt ? 1 : -1));
  return { rows: found, complete };
}
