/**
 * Fixed-window rate limits kept in the table, so that every Lambda instance
 * counts against the same numbers. A check is one conditional UpdateItem: it
 * adds one to the window's counter only while the counter is under the
 * limit, and says how many are left. A refused request is not counted, so a
 * caller hammering a closed window does not push its reset further away.
 *
 * Counter items carry `expiresAt` for DynamoDB's TTL; the window start is
 * part of their key, so an old counter is never read again even where TTL
 * does not run (dynalite).
 */
import * as z from "zod/mini";
import { DomainError } from "./errors";
import * as Store from "./store";
import { change, when } from "./store";
import * as Table from "./table";

/** One counter per policy, subject and window; `expiresAt` is the window's end. */
const windows = Store.entity({
  type: "rate-window",
  schema: z.object({ hits: z.number(), expiresAt: z.number() }),
  key: Table.key.rateWindow,
});

export type Policy = {
  /** Short and stable: it names the counters and the RateLimit-Policy item. */
  name: string;
  limit: number;
  windowSeconds: number;
};

export type Result = {
  policy: Policy;
  allowed: boolean;
  remaining: number;
  /** Seconds until the window resets (at least 1). */
  reset: number;
};

/** The fixed window `now` falls in: when it started, and seconds until it resets (at least 1). */
function windowOf(policy: Policy, now: Date): { start: number; reset: number } {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const start = nowSeconds - (nowSeconds % policy.windowSeconds);
  return { start, reset: Math.max(1, start + policy.windowSeconds - nowSeconds) };
}

/** Counts one request by `subject` (a key id, an IP address…) against `policy`. */
export async function consume(subject: string, policy: Policy, now = new Date()): Promise<Result> {
  const { start, reset } = windowOf(policy, now);
  const counted = await windows.upsertAndGet(
    windows.key(policy.name, subject, start),
    [change.add("hits", 1), change.setFrom("expiresAt", "expiresAt", start + policy.windowSeconds)],
    { condition: when.or(when.missing("hits"), when.lt("hits", policy.limit)) },
  );
  if (!counted) return { policy, allowed: false, remaining: 0, reset };
  return { policy, allowed: true, remaining: Math.max(0, policy.limit - counted.hits), reset };
}

function full(counter: { hits: number } | undefined, policy: Policy, reset: number): Result | undefined {
  if ((counter?.hits ?? 0) < policy.limit) return undefined;
  return { policy, allowed: false, remaining: 0, reset };
}

/**
 * Whether `subject`'s window is already full, without counting anything: for
 * limits that count only failures, checked before the attempt is made.
 */
export async function exhausted(subject: string, policy: Policy, now = new Date()): Promise<Result | undefined> {
  const { start, reset } = windowOf(policy, now);
  return full(await windows.get(windows.key(policy.name, subject, start), { consistent: true }), policy, reset);
}

/**
 * `exhausted`, read in a batch read made anyway: the key and reader to add
 * to it (as `Article.getManyAlong` takes them), and the verdict on what it
 * found. The batch need not be consistent: a check made before the attempt
 * lets through every call of a burst sent before the first failure is
 * counted, so a count a moment stale lets through nothing a burst does not.
 */
export function exhaustedAlong(subject: string, policy: Policy, now = new Date()) {
  const { start, reset } = windowOf(policy, now);
  return {
    keys: [windows.key(policy.name, subject, start)],
    entities: { rateWindows: windows },
    verdict: (found: Record<string, unknown[]>) =>
      full(found.rateWindows?.[0] as { hits: number } | undefined, policy, reset),
  };
}

/**
 * Counting on an item the subject has anyway (an API key's own), in a write
 * that item gets for another reason, so that counting costs no call of its
 * own. The window's count is an attribute named for the window. Each write
 * also makes the next window's count (0) and removes the previous one's, so
 * an item in steady use carries two and finds its window's count made:
 * `madeUnderLimit` then holds it under the limit with one comparison, which
 * dynalite (the local engine) parses many times faster than
 * `attribute_not_exists(…) OR …`. The count is missing only when the subject
 * sat idle for a whole window, or never counted: `underLimit` allows that
 * too. Counts older than the previous window (after a longer idle spell) are
 * never read again: `stale` names them, for a later write to remove.
 */
export function countOn(policy: Policy, now = new Date()) {
  const { start, reset } = windowOf(policy, now);
  const prefix = `rate#${policy.name}#`;
  const current = `${prefix}${start}`;
  const next = `${prefix}${start + policy.windowSeconds}`;
  const hits = (item: Store.Item) => Number(item[current] ?? 0);
  return {
    plan: [change.add(current, 1), change.add(next, 0), ...change.remove(`${prefix}${start - policy.windowSeconds}`)],
    /** Counted only while under the limit: a refused request does not push its reset further away. */
    madeUnderLimit: when.lt(current, policy.limit),
    underLimit: when.or(when.missing(current), when.lt(current, policy.limit)),
    /** Where the subject stands after the counting write, from the item it left. */
    counted: (item: Store.Item): Result => ({
      policy,
      allowed: true,
      remaining: Math.max(0, policy.limit - hits(item)),
      reset,
    }),
    refused: { policy, allowed: false, remaining: 0, reset } satisfies Result,
    /** Whether the window is full on the item as read. */
    full: (item: Store.Item) => hits(item) >= policy.limit,
    stale: (item: Store.Item) =>
      Object.keys(item).filter((name) => name.startsWith(prefix) && name !== current && name !== next),
  };
}

/** The error a refused request answers with; `retryAfter` is when the window resets. */
export function exceeded(result: Result): DomainError {
  return new DomainError(
    "rate_limited",
    `Too many requests: the limit is ${result.policy.limit} per ${result.policy.windowSeconds} seconds. Try again in ${result.reset} seconds.`,
    { retryAfter: result.reset },
  );
}
