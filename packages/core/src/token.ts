/**
 * Signed capability links. A token names the notice, the action and who may
 * take it, and when it stops working; the HMAC makes it unforgeable. "Works
 * once" is enforced by the notice's state machine, not by the token: once a
 * notice has moved on, the transition the token asks for is no longer open.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { config } from "./config";
import { DomainError } from "./errors";

export type Action = "confirm" | "approve" | "reject" | "status";

export type Claim = {
  notice: string;
  action: Action;
  /** The email address of the person the link was sent to. */
  actor: string;
  /** Expiry in epoch milliseconds; only status links may have none. */
  expires?: number;
};

export const LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

function mac(payload: string): Buffer {
  return createHmac("sha256", config().linkSecret).update(payload).digest();
}

export function sign(claim: Claim): string {
  const payload = Buffer.from(
    JSON.stringify([claim.notice, claim.action, claim.actor, claim.expires ?? 0]),
  ).toString("base64url");
  return `${payload}.${mac(payload).toString("base64url")}`;
}

/** Checks the signature and that the token is for this notice and action. */
export function verify(
  token: string,
  expected: { notice: string; action: Action },
  now = Date.now(),
): Claim {
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
