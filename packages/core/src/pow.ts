/**
 * Proof of work for anonymous notices: filing costs the sender's machine a
 * few seconds of hashing, which a person filling in a form never notices and
 * a flood of fake notices pays for per notice. No third party and no CDN: the
 * challenge is signed here, the browser solves it with a small script served
 * from our origin, and the server checks it.
 *
 * A challenge is `<id>.<bits>.<expires>.<mac>`. A proof is `<challenge>:<nonce>`
 * whose SHA-256 starts with `bits` zero bits. Each challenge is redeemed once:
 * its id is stored with `expiresAt` for DynamoDB's TTL; a challenge past its
 * expiry is refused before that item would be read, so expired items are
 * never consulted.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import * as z from "zod/mini";
import { config } from "./config";
import { DomainError } from "./errors";
import * as Store from "./store";
import { when } from "./store";
import * as Table from "./table";

/** A redeemed challenge: only that it is there counts, until its expiry. */
const spent = Store.entity({ type: "pow", schema: z.object({}), key: Table.key.powChallenge });

/** Long enough to fill in the form at leisure; the page gets a new one when it is sent back. */
export const LIFETIME_MS = 2 * 60 * 60 * 1000;

function mac(payload: string): string {
  return createHmac("sha256", config().linkSecret).update(`pow:${payload}`).digest("base64url");
}

export type Challenge = { challenge: string; bits: number; expires: number; algorithm: "SHA-256" };

export function issue(now = Date.now()): Challenge {
  const bits = config().powBits;
  const expires = now + LIFETIME_MS;
  const payload = `${randomBytes(12).toString("base64url")}.${bits}.${expires}`;
  return { challenge: `${payload}.${mac(payload)}`, bits, expires, algorithm: "SHA-256" };
}

function leadingZeroBits(digest: Buffer): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/** Finds a proof for `challenge`; what the page's script does, for tests and API clients in Node. */
export function solve(challenge: string, bits: number): string {
  for (let nonce = 0; ; nonce++) {
    const proof = `${challenge}:${nonce}`;
    if (leadingZeroBits(createHash("sha256").update(proof).digest()) >= bits) return proof;
  }
}

function refused(message: string): DomainError {
  return new DomainError("validation_failed", message, { issues: [{ path: "proof", message }] });
}

/** Checks a proof and spends its challenge; a second use, a forgery or too little work is refused. */
export async function redeem(proof: string | undefined, now = new Date()): Promise<void> {
  const missing =
    "The anti-abuse check is missing or did not pass. Send again: the form runs it for you (it needs JavaScript); API clients send a solved challenge in the Proof-Of-Work header.";
  const match = /^([\w-]{16})\.(\d{1,2})\.(\d{13})\.([\w-]{43}):\d{1,12}$/.exec(proof ?? "");
  if (!match) throw refused(missing);
  const [, id, bits, expires, signature] = match as unknown as [string, string, string, string, string];
  const expected = Buffer.from(mac(`${id}.${bits}.${expires}`));
  if (expected.length !== signature.length || !timingSafeEqual(expected, Buffer.from(signature)))
    throw refused(missing);
  if (Number(expires) < now.getTime())
    throw refused("The anti-abuse check expired. Send the form again; the page has a new one.");
  if (Number(bits) < config().powBits || leadingZeroBits(createHash("sha256").update(proof!).digest()) < Number(bits)) {
    throw refused(missing);
  }
  const first = await spent.put(
    spent.key(id),
    {},
    { condition: when.new(), index: { expiresAt: Math.ceil(Number(expires) / 1000) } },
  );
  if (!first) throw refused("This anti-abuse check was already used. Send the form again; the page has a new one.");
}
