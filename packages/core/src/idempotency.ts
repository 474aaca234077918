/**
 * Idempotency keys: a caller that retries a request with the same key gets
 * the first response back, and the work is done once.
 *
 * The first request claims the key with a conditional put of an in-progress
 * record, does its work, and stores its response on that record. A request
 * that finds the record waits for the response (polling briefly) and replays
 * it; if the first is still working when the wait is over it answers 409 with
 * Retry-After. The record remembers a hash of the request, so the same key
 * with a different request is refused instead of silently replayed.
 *
 * Records are scoped to a caller and kept 24 hours (`expiresAt`, the table's
 * TTL attribute). Expired records are treated as absent, since TTL deletes
 * them only eventually (and dynalite never does).
 */
import { createHash, randomUUID } from "node:crypto";
import * as z from "zod/mini";
import { DomainError } from "./errors";
import * as Seal from "./seal";
import * as Store from "./store";
import { change, when } from "./store";
import * as Table from "./table";
import { parse } from "./validation";

export const RETENTION_SECONDS = 24 * 60 * 60;
/** How long a claim holds before another request may take it over: a crashed worker's. */
export const LOCK_MS = 60_000;
/** How long a second request waits for the first one's response by default. */
export const WAIT_MS = 3_000;

/** The Idempotency-Key header's value; the OpenAPI document declares the header with it. */
export const Key = z
  .string()
  .check(
    z.minLength(1, "The Idempotency-Key header is empty."),
    z.maxLength(255, "The Idempotency-Key header must be at most 255 characters."),
    z.regex(/^[\x21-\x7e]+$/, "The Idempotency-Key header must be printable ASCII without spaces."),
  );

const StoredResponse = z.object({ status: z.number(), body: z.string(), contentType: z.optional(z.string()) });
export type StoredResponse = z.output<typeof StoredResponse>;

export type Claim =
  | { outcome: "started"; key: Store.Key; owner: string }
  | { outcome: "replay"; response: StoredResponse };

/** A key's record: who holds it (`owner`, one request), what request it is for, and, once done, the sealed response. */
const records = Store.entity({
  type: "idempotency",
  schema: z.object({
    owner: z.string(),
    fingerprint: z.string(),
    createdAt: z.string(),
    expiresAt: z.number(),
    lockedUntil: z.optional(z.number()),
    response: z.optional(StoredResponse),
  }),
  key: Table.key.idempotency,
});

type Started = Extract<Claim, { outcome: "started" }>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function start(claim: Started, fingerprint: string, now: Date): Promise<boolean> {
  const nowMs = now.getTime();
  const record = {
    owner: claim.owner,
    fingerprint,
    createdAt: now.toISOString(),
    lockedUntil: nowMs + LOCK_MS,
    expiresAt: Math.floor(nowMs / 1000) + RETENTION_SECONDS,
  };
  return records.put(claim.key, record, {
    // Free, expired, or held by a worker that stopped before answering the
    // same request: a different request never takes a key over.
    condition: when.or(
      when.new(),
      when.lt("expiresAt", Math.floor(nowMs / 1000)),
      when.and(when.missing("response"), when.lt("lockedUntil", nowMs), when.eq("fingerprint", fingerprint)),
    ),
  });
}

async function read(key: Store.Key, now: Date) {
  const record = await records.get(key, { consistent: true });
  if (!record || record.expiresAt < Math.floor(now.getTime() / 1000)) return undefined;
  return record;
}

function opened(response: StoredResponse, context: string): StoredResponse {
  return { ...response, body: Seal.unseal(response.body, "idempotent responses", context) };
}

export function fingerprint(request: string): string {
  return createHash("sha256").update(request).digest("hex");
}

/**
 * Claims `key` for `caller`, or returns the response stored under it.
 * `request` is what must match for a replay (method, path and body).
 */
export async function claim(
  caller: string,
  key: string,
  request: string,
  options: { waitMs?: number; now?: () => Date } = {},
): Promise<Claim> {
  const idempotencyKey = parse(Key, key);
  const clock = options.now ?? (() => new Date());
  const hash = fingerprint(request);
  const started: Started = {
    outcome: "started",
    key: Table.key.idempotency(caller, idempotencyKey),
    owner: randomUUID(),
  };
  const deadline = clock().getTime() + (options.waitMs ?? WAIT_MS);
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    if (await start(started, hash, clock())) return started;
    const record = await read(started.key, clock());
    if (record && record.fingerprint !== hash) {
      throw new DomainError(
        "idempotency_mismatch",
        "This Idempotency-Key was already used for a different request. Use a new key for a new request.",
      );
    }
    if (record?.response) return { outcome: "replay", response: opened(record.response, started.key.pk) };
    const now = clock().getTime();
    // Gone or expired since the put failed, or left by a stopped worker: claim it again.
    const claimable = !record || (record.lockedUntil ?? 0) < now;
    if (claimable && now < deadline) continue;
    if (now >= deadline) {
      throw new DomainError(
        "idempotency_conflict",
        "A request with this Idempotency-Key is still being processed. Retry it shortly.",
        { retryAfter: 1 },
      );
    }
    await sleep(Math.min(delay, deadline - now));
  }
}

/** Stores the response of a claimed request, for its retries to replay. */
export async function complete(claimed: Started, response: StoredResponse): Promise<void> {
  // Fails only if our lock ran out and another request took the key over: its response stands.
  // An answer can show a secret once (a webhook's); kept sealed, it is not in the table in clear.
  const sealed = { ...response, body: Seal.seal(response.body, "idempotent responses", claimed.key.pk) };
  await records.update(claimed.key, [change.set("response", sealed), ...change.remove("lockedUntil")], {
    condition: when.eq("owner", claimed.owner),
  });
}

/** Gives the key up after a failure on our side, so that a retry does the work. */
export async function release(claimed: Started): Promise<void> {
  await records.delete(claimed.key, { condition: when.eq("owner", claimed.owner) });
}
