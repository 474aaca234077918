/**
 * Operators' sign-in to the console and their sessions.
 *
 * Sign-in is by a one-time link mailed to an operator's address. Asking for
 * one answers the same whatever the address: whoever types an address learns
 * nothing about who the operators are. Every request, an operator's or not,
 * costs the same limits and the same one write; only an operator's is marked
 * due, so only it is mailed (by the dispatcher: the site carries no SES
 * client). The link is the request's id and a MAC of it under LINK_SECRET, so
 * a reader of the table alone cannot sign in; it works once, for 15 minutes.
 *
 * A session is a random value in a cookie; the table keeps only its hash,
 * with its operator and its end. Expired sessions are ignored on read (TTL
 * deletes them late, dynalite never), and signing out deletes the item, so a
 * copied cookie stops working at once. An address removed from
 * OPERATOR_EMAILS loses its sessions at its next request.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import * as z from "zod/mini";
import * as Abuse from "./abuse";
import { config } from "./config";
import { DomainError } from "./errors";
import * as Outbox from "./outbox";
import * as Store from "./store";
import { change, when } from "./store";
import * as Table from "./table";
import { parse } from "./validation";

export const LINK_LIFETIME_MS = 15 * 60_000;
export const SESSION_LIFETIME_MS = 12 * 60 * 60_000;
const HOUR = 3600;

export const LIMITS = {
  /** Per client network: asking for links is free, so it is what an attacker would flood. */
  linksPerIp: { name: "signin-ip", limit: 10, windowSeconds: HOUR },
  /** Per address, operator or not, so that the limit itself tells nothing. */
  linksPerEmail: { name: "signin-email", limit: 5, windowSeconds: HOUR },
} as const;

/**
 * A sign-in request. `email` is kept only for an operator's (whom it is
 * mailed to); another address's request keeps nothing of it.
 */
const SignIn = z.object({
  id: z.string(),
  createdAt: z.string(),
  email: z.optional(z.string()),
  /** Epoch seconds, as TTL reads it. */
  expiresAt: z.number(),
  usedAt: z.optional(z.string()),
  sentAt: z.optional(z.string()),
});
export type SignIn = z.output<typeof SignIn>;

const signIns = Store.entity({ type: "signin", schema: SignIn, key: Table.key.signIn });

const Stored = z.object({
  operator: z.string(),
  createdAt: z.string(),
  /** Epoch seconds, as TTL reads it. */
  expiresAt: z.number(),
});
export type Session = z.output<typeof Stored> & { id: string };

const sessions = Store.entity({ type: "session", schema: Stored, key: Table.key.session });

const EmailInput = z.object({
  email: z.pipe(
    z
      .string({ error: "Enter your email address." })
      .check(z.trim(), z.toLowerCase(), z.maxLength(254, "An email address has at most 254 characters.")),
    z.email("Enter a valid email address."),
  ),
});

const seconds = (ms: number) => Math.floor(ms / 1000);
const hash = (value: string) => createHash("sha256").update(value).digest("base64url");
const mac = (id: string) => createHmac("sha256", config().linkSecret).update(`signin:${id}`).digest("base64url");

function isOperator(email: string): boolean {
  return config().operatorEmails.includes(email.toLowerCase());
}

/**
 * Asks for a sign-in link. Whatever the address, the same limits are
 * counted, one item is written and nothing is returned; only an operator's
 * request is queued for the dispatcher to mail.
 */
export async function requestLink(input: unknown, ip: string, now = new Date()): Promise<void> {
  const { email } = parse(EmailInput, input);
  await Abuse.limit(
    [
      [LIMITS.linksPerIp, Abuse.network(ip)],
      [LIMITS.linksPerEmail, Abuse.mailbox(email)],
    ],
    now,
  );
  const id = randomBytes(16).toString("base64url");
  const operator = isOperator(email);
  await signIns.put(
    signIns.key(id),
    {
      id,
      createdAt: now.toISOString(),
      ...(operator ? { email } : {}),
      expiresAt: seconds(now.getTime() + LINK_LIFETIME_MS),
    },
    { condition: when.new(), ...(operator ? { index: Table.due.at(now) } : {}) },
  );
}

/** The link a request's mail carries. */
export function tokenOf(id: string): string {
  return `${id}.${mac(id)}`;
}

/** The request a token names, if its MAC is ours; nothing is read for a forged one. */
function idOf(token: string): string {
  const [id, given, extra] = token.split(".");
  const invalid = new DomainError("invalid_link", "This sign-in link is not valid. Ask for a new one.");
  if (!id || !given || extra !== undefined || !/^[\w-]{1,64}$/.test(id)) throw invalid;
  const wanted = Buffer.from(mac(id));
  if (Buffer.byteLength(given) !== wanted.length || !timingSafeEqual(Buffer.from(given), wanted)) throw invalid;
  return id;
}

const used = () =>
  new DomainError("expired_link", "This sign-in link was already used or has expired. Ask for a new one.");

/** Checks a link before its page shows the button: reads only (GET, HEAD and mail scanners land here). */
export async function openLink(token: string, now = new Date()): Promise<void> {
  const request = await signIns.get(signIns.key(idOf(token)), { consistent: true });
  if (!request?.email || request.usedAt || request.expiresAt <= seconds(now.getTime())) throw used();
}

/**
 * Spends a link (one conditional write: unused, unexpired) and opens a
 * session for its operator. Returns the cookie's value.
 */
export async function signIn(token: string, now = new Date()): Promise<{ cookie: string; session: Session }> {
  const id = idOf(token);
  const spent = await signIns.updateAndGet(signIns.key(id), [change.set("usedAt", now.toISOString())], {
    condition: when.and(when.exists("email"), when.missing("usedAt"), when.unexpired(now)),
  });
  if (!spent?.email || !isOperator(spent.email)) throw used();
  const cookie = randomBytes(32).toString("base64url");
  const session = {
    operator: spent.email,
    createdAt: now.toISOString(),
    expiresAt: seconds(now.getTime() + SESSION_LIFETIME_MS),
  };
  await sessions.put(sessions.key(hash(cookie)), session, { condition: when.new() });
  return { cookie, session: { ...session, id: hash(cookie) } };
}

/** The session a cookie opens: unexpired, not signed out, and still an operator's. */
export async function current(cookie: string | undefined, now = new Date()): Promise<Session | undefined> {
  if (!cookie || !/^[\w-]{43}$/.test(cookie)) return undefined;
  const id = hash(cookie);
  const session = await sessions.get(sessions.key(id), { consistent: true });
  if (!session || session.expiresAt <= seconds(now.getTime()) || !isOperator(session.operator)) return undefined;
  return { ...session, id };
}

/** Ends a session on the server: the cookie opens nothing any more, wherever it was copied. */
export async function signOut(session: Pick<Session, "id">): Promise<void> {
  await Store.remove(sessions.key(session.id));
}

/**
 * Takes a due request for one send (its place in the due index moves a
 * minute on, so a worker that dies leaves it to be retried) and returns what
 * to mail; `undefined` when it is not due or already sent.
 */
export async function claimLink(
  id: string,
  now = new Date(),
): Promise<Required<Pick<SignIn, "id" | "email">> | undefined> {
  const claimed = await signIns.updateAndGet(
    signIns.key(id),
    [change.set("gsi2sk", Table.due.at(Outbox.retryAt(6, now)).gsi2sk)],
    {
      condition: when.and(
        when.eq("gsi2pk", Table.due.partition),
        when.le("gsi2sk", Table.due.at(now).gsi2sk),
        when.missing("sentAt"),
      ),
    },
  );
  if (!claimed?.email) return undefined;
  // A link that can no longer be used is not worth mailing.
  if (claimed.usedAt || claimed.expiresAt <= seconds(now.getTime())) {
    await linkSent(id, now);
    return undefined;
  }
  return { id, email: claimed.email };
}

/** Records the mail as sent and takes the request out of the due index. */
export async function linkSent(id: string, now = new Date()): Promise<void> {
  await signIns.update(signIns.key(id), [
    change.set("sentAt", now.toISOString()),
    ...change.remove("gsi2pk", "gsi2sk"),
  ]);
}

/** The prefix of a sign-in request's key, for the sweep to tell one from a notice. */
export const PREFIX = Table.key.signIn("").pk;
