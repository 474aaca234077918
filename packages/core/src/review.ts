/**
 * What a key with `notices:review` reads beyond a filer's key: every notice,
 * however it was filed, and each with its audit trail. The acts themselves
 * (decide, reverse, note) are Notice's, with the key as their actor.
 *
 * The list reads the operators' queue index (Table.queue, gsi5, keys only):
 * a page of keys from one queue state's partition, then those notices in one
 * batch read. Every notice waits in exactly one state, so the states in
 * turn list each notice once: open cases first (pending review, contested),
 * then those awaiting their sender's confirmation, then the decided, each
 * oldest first. A notice replaced by a later one from the same mailbox has
 * left the queue, and is not listed: it never moves on.
 */
import * as z from "zod/mini";
import * as ApiKey from "./api-key";
import { DomainError } from "./errors";
import * as Moderation from "./moderation";
import * as Notice from "./notice";
import * as Present from "./present";
import * as Store from "./store";
import * as Table from "./table";

/** The order the states are listed in when no status is asked for. */
const ORDER: Moderation.QueueState[] = ["pending_review", "contested", "awaiting_confirmation", "decided"];

/** Statuses a notice can hold while an appeal or a counter-notice keeps it in the contested queue. */
const CONTESTABLE: readonly Notice.Status[] = [...Moderation.decidable, ...Moderation.standing];

/** The queue states a notice with `status` can wait in. */
function statesFor(status: Notice.Status | undefined): Moderation.QueueState[] {
  if (!status) return ORDER;
  const own = Moderation.queueOf({ status });
  return CONTESTABLE.includes(status) ? [own, "contested"] : [own];
}

/** Where a list stopped: the state it was reading, and the index's key there (absent: from its start). */
const Position = z.strictObject({
  state: Moderation.QueueState,
  key: z.optional(z.strictObject({ pk: z.string(), sk: z.string(), gsi5pk: z.string(), gsi5sk: z.string() })),
});
type Position = z.output<typeof Position>;

const encode = (position: Position) => Buffer.from(JSON.stringify(position)).toString("base64url");

/** The cursor is opaque to callers; one from another list (or another filter) is refused. */
function decode(cursor: string, states: Moderation.QueueState[]): Position {
  const message = "This cursor does not belong to this list; list again without it.";
  try {
    const position = z.parse(Position, JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    const inList =
      states.includes(position.state) &&
      (!position.key || position.key.gsi5pk === Table.queue.partition(position.state));
    if (inList) return position;
  } catch {
    // Refused below, as a cursor that is not this list's.
  }
  throw new DomainError("validation_failed", message, { issues: [{ path: "cursor", message }] });
}

const order = (notice: Pick<Notice.Notice, "createdAt" | "id">) => `${notice.createdAt}#${notice.id}`;

/**
 * One page of every notice, or of those with `status`. One query of the
 * index and one batch read a page: a page holds at most `limit` notices,
 * may hold fewer (a status filter is applied to what the page read, and a
 * page ends where a queue state does), and has a `cursor` until the last.
 */
export async function list({
  status,
  since,
  cursor,
  limit,
}: Notice.ListQuery): Promise<{ notices: Notice.Notice[]; cursor?: string }> {
  const states = statesFor(status);
  const position = cursor ? decode(cursor, states) : { state: states[0]! };
  const page = await Store.page(
    {
      index: Table.queue.index,
      partition: Table.queue.partition(position.state),
      ...(since ? { sort: { is: ">=", value: new Date(since).toISOString() } } : {}),
      fields: ["pk", "sk"],
      limit: limit ?? 25,
    },
    position.key,
  );
  const read = await Notice.entity.getMany(page.items.map(({ pk, sk }) => ({ pk: String(pk), sk: String(sk) })));
  // The index keeps them oldest first; a batch read answers in any order.
  const notices = read
    .filter((notice) => !status || notice.status === status)
    .sort((a, b) => (order(a) < order(b) ? -1 : 1));
  const after = states[states.indexOf(position.state) + 1];
  const next: Position | undefined = page.next
    ? { state: position.state, key: z.parse(Position.shape.key, page.next) }
    : after && { state: after };
  return { notices, ...(next ? { cursor: encode(next) } : {}) };
}

/** The names of the API keys a notice's events name, in one batch read; a deleted key goes unnamed. */
export async function keyNames(notice: Notice.Notice): Promise<Map<string, string>> {
  const ids = [...new Set(notice.events.flatMap((event) => Present.keyOf(event.by) ?? []))];
  if (!ids.length) return new Map();
  const keys = await ApiKey.entity.getMany(ids.map((id) => ApiKey.entity.key(id)));
  return new Map(keys.map((key) => [key.id, key.name]));
}

/** The notice as the review API shows it, with its audit trail. */
export async function toCase(notice: Notice.Notice): Promise<Notice.Case> {
  return Notice.toCase(notice, await keyNames(notice));
}

/** Any notice, by id, with its audit trail. */
export async function read(id: string): Promise<Notice.Case> {
  return toCase(await Notice.get(id));
}
