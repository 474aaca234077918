/**
 * Mail and webhook events waiting to leave, kept inside the notice item they
 * are about. The write that moves a notice on also queues its messages, in
 * one conditional write, so no state change can happen without its messages
 * or the reverse. Messages are keyed by what they are and to whom, so
 * queueing one twice is a no-op.
 */
import * as z from "zod/mini";
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

/** Exponential backoff: 5 s, 10 s, 20 s … capped at 15 minutes, or at `capMs`. */
export function retryAt(attempts: number, now: Date, capMs = 15 * 60_000): Date {
  const delay = Math.min(5_000 * 2 ** Math.max(0, attempts - 1), capMs);
  return new Date(now.getTime() + delay);
}
