/**
 * Mail and webhook events waiting to leave, kept inside the notice item they
 * are about. The write that moves a notice on also queues its messages, in
 * one conditional write, so no state change can happen without its messages
 * or the reverse. Messages are keyed by what they are and to whom, so
 * queueing one twice is a no-op.
 */
import * as z from "zod/mini";
import { isPermanent } from "./bounce";
import { config } from "./config";
import { MailKind, type Status } from "./moderation";

const common = { attempts: z.number(), lastError: z.optional(z.string()), queuedAt: z.string() };

const Mail = z.object({
  ...common,
  kind: MailKind,
  /** Operators are named; the requester's address is read from the notice. */
  to: z.optional(z.string()),
});
export type Mail = z.output<typeof Mail>;

/** A status change, for the endpoints of the API key that filed the notice. */
const WebhookEvent = z.object({
  ...common,
  kind: z.literal("webhook"),
  status: z.custom<Status>((v) => typeof v === "string"),
});
export type WebhookEvent = z.output<typeof WebhookEvent>;

/** A message waiting to leave, as stored in its notice and read back. */
export const Message = z.union([Mail, WebhookEvent]);
export type Message = z.output<typeof Message>;

export type Outbox = Record<string, Message>;

export function messageId(kind: MailKind, to?: string): string {
  return to ? `${kind}:${to}` : kind;
}

export function queue(kind: MailKind, queuedAt: Date, to?: string): [string, Message] {
  return [messageId(kind, to), { kind, to, attempts: 0, queuedAt: queuedAt.toISOString() }];
}

export function queueWebhook(status: Status, queuedAt: Date): [string, Message] {
  return [`webhook:${status}`, { kind: "webhook", status, attempts: 0, queuedAt: queuedAt.toISOString() }];
}

/**
 * Whether a message that failed to leave is given up: at once when SES
 * refused it for good, and after MAIL_GIVE_UP_HOURS from when it was queued
 * when it keeps failing for passing reasons. Undefined: try it again
 * (`retryAt`). Notices' mail and counter-notices' mail both end this way.
 */
export function givenUp(error: unknown, message: { queuedAt: string }, now: Date): { permanent: boolean } | undefined {
  const permanent = isPermanent(error);
  const expired = now.getTime() - Date.parse(message.queuedAt) >= config().mailGiveUpMs;
  return permanent || expired ? { permanent } : undefined;
}

/**
 * What the dispatcher keeps on an item (a notice, a counter-notice) while
 * whole runs on it fail: how many in a row, the last error, and since when
 * it is parked as dead once it gave up (Dispatch.run).
 */
export const Failures = z.object({ failures: z.number(), lastError: z.string(), dead: z.optional(z.string()) });
export type Failures = z.output<typeof Failures>;

/** Exponential backoff: 5 s, 10 s, 20 s … capped at 15 minutes, or at `capMs`. */
export function retryAt(attempts: number, now: Date, capMs = 15 * 60_000): Date {
  const delay = Math.min(5_000 * 2 ** Math.max(0, attempts - 1), capMs);
  return new Date(now.getTime() + delay);
}
