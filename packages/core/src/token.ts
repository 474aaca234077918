/**
 * Signed capability links. A token names the notice, the action and who may
 * take it, and when it stops working; the HMAC makes it unforgeable. "Works
 * once" is enforced by the notice's state machine, not by the token: once a
 * notice has moved on, the transition the token asks for is no longer open.
 *
 * The payload is readable base64, and links end up in logs, proxies and
 * forwarded mail, so it carries no personal data: the person is named by a
 * keyed hash of their address, which only the desk can compare.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { config } from "./config";
import { DomainError } from "./errors";

export type Action = "confirm" | "approve" | "reject" | "status";

export type Claim = {
  notice: string;
  action: Action;
  /** Who the link was sent to: their address when signing, its pseudonym once verified (see `isFor`). */
  actor: string;
  /** Expiry in epoch milliseconds; only status links may have none. */
  expires?: number;
};

export const LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

function mac(payload: string): Buffer {
  return createHmac("sha256", config().linkSecret).update(payload).digest();
}

/** A keyed hash of an address: stable, so the link can be matched to a person, and unreadable without the secret. */
export function pseudonym(actor: string): string {
  // Stryker disable next-line MethodExpression: any one case and any length of the digest name a person just as well
  return createHmac("sha256", config().linkSecret)
    .update(`actor:${actor.toLowerCase()}`)
    .digest("base64url")
    .slice(0, 22);
}

/** Whether a verified claim was made for this person. */
export function isFor(claim: Claim, actor: string): boolean {
  return claim.actor === pseudonym(actor);
}

export function sign(claim: Claim): string {
  const payload = Buffer.from(
    JSON.stringify([claim.notice, claim.action, pseudonym(claim.actor), claim.expires ?? 0]),
  ).toString("base64url");
  return `${payload}.${mac(payload).toString("base64url")}`;
}

/** Checks the signature and that the token is for this notice and action. */
export function verify(token: string, expected: { notice: string; action: Action }, now = Date.now()): Claim {
  const [payload, signature, extra] = token.split(".");
  const invalid = new DomainError("invalid_link", "This link is not valid.");
  if (!payload || !signature || extra !== undefined) throw invalid;
  // Compared as text: decoding would skip stray characters and the unused
  // bits of the last one, so altered tokens would pass a byte comparison.
  const given = Buffer.from(signature);
  const wanted = Buffer.from(mac(payload).toString("base64url"));
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw invalid;
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    throw invalid;
  }
  if (!Array.isArray(fields) || fields.length !== 4) throw invalid;
  const [notice, action, actor, expires] = fields;
  if (notice !== expected.notice || action !== expected.action || typeof actor !== "string") {
    throw invalid;
  }
  // Only a status link is open-ended; a token that acts must run out.
  if (typeof expires !== "number" || (expires === 0 && action !== "status")) throw invalid;
  if (expires !== 0 && expires < now) {
    throw new DomainError("expired_link", "This link has expired.");
  }
  return { notice, action, actor, expires: expires || undefined };
}
