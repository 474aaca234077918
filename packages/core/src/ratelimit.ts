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

/** Counts one request by `subject` (a key id, an IP address…) against `policy`. */
export async function consume(subject: string, policy: Policy, now = new Date()): Promise<Result> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const windowStart = nowSeconds - (nowSeconds % policy.windowSeconds);
  const windowEnd = windowStart + policy.windowSeconds;
  const reset = Math.max(1, windowEnd - nowSeconds);
  const counted = await windows.upsertAndGet(
    windows.key(policy.name, subject, windowStart),
    [change.add("hits", 1), change.setFrom("expiresAt", "expiresAt", windowEnd)],
    { condition: when.or(when.missing("hits"), when.lt("hits", policy.limit)) },
  );
  if (!counted) return { policy, allowed: false, remaining: 0, reset };
  return { policy, allowed: true, remaining: Math.max(0, policy.limit - counted.hits), reset };
}

/**
 * Whether `subject`'s window is already full, without counting anything: for
 * limits that count only failures, checked before the attempt is made.
 */
export async function exhausted(subject: string, policy: Policy, now = new Date()): Promise<Result | undefined> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const windowStart = nowSeconds - (nowSeconds % policy.windowSeconds);
  const counter = await windows.get(windows.key(policy.name, subject, windowStart), { consistent: true });
  if ((counter?.hits ?? 0) < policy.limit) return undefined;
  return { policy, allowed: false, remaining: 0, reset: Math.max(1, windowStart + policy.windowSeconds - nowSeconds) };
}

/** The error a refused request answers with; `retryAfter` is when the window resets. */
export function exceeded(result: Result): DomainError {
  return new DomainError(
    "rate_limited",
    `Too many requests: the limit is ${result.policy.limit} per ${result.policy.windowSeconds} seconds. Try again in ${result.reset} seconds.`,
    { retryAfter: result.reset },
  );
}
