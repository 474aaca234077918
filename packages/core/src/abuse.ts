/**
 * Keeping the desk from being used against others. Anonymous filing and
 * confirming are rate-limited per address and per requester email, and an
 * anonymous notice costs a proof of work. The per-email limit on filing is
 * also the limit on receipts, the mails that ask to confirm: the form cannot
 * be used to flood someone's inbox.
 *
 * DSA Art. 23: operators may reject a notice as manifestly unfounded, and a
 * requester who does that often is flagged on every later notice they file,
 * so the operator deciding it knows. One item per requester email holds the
 * ids of their notices rejected as unfounded: adding an id to a set is
 * idempotent, so the dispatcher may record a rejection more than once.
 */
import * as z from "zod/mini";
import * as Pow from "./pow";
import * as RateLimit from "./ratelimit";
import * as Store from "./store";
import { change } from "./store";
import * as Table from "./table";

const HOUR = 3600;

/** Providers that deliver `j.a.n.e@` to `jane@`. */
const DOTLESS = new Set(["gmail.com", "googlemail.com"]);

/**
 * The mailbox an address reaches, as limits count it: case folded, the
 * `+tag` dropped, and the dots gmail ignores taken out (googlemail.com is
 * gmail.com), so `Jane.Doe+1@GoogleMail.com` is `janedoe@gmail.com`.
 */
export function mailbox(email: string): string {
  const at = email.lastIndexOf("@");
  const domain = email.slice(at + 1).toLowerCase();
  const local = email.slice(0, at).toLowerCase().replace(/\+.*$/, "");
  if (!DOTLESS.has(domain)) return `${local}@${domain}`;
  return `${local.replace(/\./g, "")}@gmail.com`;
}

/**
 * The network a client address stands for, as limits count it: an IPv4
 * address itself (also when mapped into IPv6), and for IPv6 its /64, which
 * one subscriber usually holds whole.
 */
export function network(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(":")) return ip;
  const [head = "", tail = ""] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

export const LIMITS = {
  filingsPerIp: { name: "filing-ip", limit: 20, windowSeconds: HOUR },
  receiptsPerEmail: { name: "receipt-email", limit: 3, windowSeconds: HOUR },
  /** API keys that failed their check, per address: guessing keys is slow, and a blocked address is told nothing more. */
  badKeysPerIp: { name: "badkey-ip", limit: 10, windowSeconds: HOUR },
} satisfies Record<string, RateLimit.Policy>;

/** Counts one request against each limit in turn; the first that is full refuses it (429). */
export async function limit(checks: [RateLimit.Policy, string][], now = new Date()): Promise<void> {
  for (const [policy, subject] of checks) {
    const result = await RateLimit.consume(subject, policy, now);
    if (!result.allowed) throw RateLimit.exceeded(result);
  }
}

/**
 * Lets an anonymous, already validated notice in. The address's limit and
 * the proof of work are checked together (a proof that is not valid is
 * refused before it costs a write); the email's limit only after the work
 * is proven, so nobody can use up someone else's quota for free.
 */
export async function admitAnonymous(
  { ip, email, proof, receipt }: { ip: string; email: string; proof: string | undefined; receipt: boolean },
  now = new Date(),
): Promise<void> {
  await Promise.all([limit([[LIMITS.filingsPerIp, network(ip)]], now), Pow.redeem(proof, now)]);
  // A notice that takes the place of one awaiting the same mailbox sends no receipt, so costs none.
  if (receipt) await limit([[LIMITS.receiptsPerEmail, mailbox(email)]], now);
}

/**
 * The notice last filed for an address's mailbox without a key, which may
 * still await its confirmation, and the notice whose receipt went to that
 * mailbox (itself, or one it replaced: that receipt's link opens it).
 */
const Awaiting = z.object({ notice: z.string(), receiptOf: z.string() });
export type Awaiting = z.output<typeof Awaiting>;

/** One per mailbox: a new notice puts its own in place of the last. */
const awaiting = Store.entity({
  type: "awaiting",
  schema: Awaiting,
  key: (address: string) => Table.key.awaitingConfirmation(mailbox(address)),
});

export async function awaitingFor(address: string): Promise<Awaiting | undefined> {
  return awaiting.get(awaiting.key(address), { consistent: true });
}

export async function setAwaiting(address: string, value: Awaiting): Promise<void> {
  await awaiting.put(awaiting.key(address), value);
}

/** From this many notices rejected as unfounded, a requester's notices carry a warning. */
export const FLAG_AFTER = 2;

export type Standing = { unfounded: number; flagged: boolean };

/** A sender's record: the ids of their notices rejected as manifestly unfounded. */
export const records = Store.entity({
  type: "requester",
  schema: z.object({
    unfounded: z.optional(z.custom<Set<string>>((value) => value instanceof Set)),
    updatedAt: z.string(),
  }),
  key: Table.key.requester,
});

export async function recordUnfounded(email: string, notice: string, now = new Date()): Promise<void> {
  await records.upsert(records.key(email), [
    change.add("unfounded", new Set([notice])),
    change.set("updatedAt", now.toISOString()),
  ]);
}

export async function standing(email: string): Promise<Standing> {
  return standingOf(await records.getFields(records.key(email), ["unfounded"]));
}

/** A sender's standing from their record, read here or in someone's batch. */
export function standingOf(record: { unfounded?: Set<string> } | undefined): Standing {
  const unfounded = record?.unfounded?.size ?? 0;
  return { unfounded, flagged: unfounded >= FLAG_AFTER };
}
