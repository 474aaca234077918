/**
 * Mail waiting to leave, kept inside the notice item it is about. The write
 * that moves a notice on also queues its mail, in one conditional write, so
 * no state change can happen without its messages or the reverse. Messages
 * are keyed by what they are and to whom, so queueing one twice is a no-op.
 */
import type { MailKind } from "./moderation";

export type Message = {
  kind: MailKind;
  /** Operators are named; the requester's address is read from the notice. */
  to?: string;
  attempts: number;
  lastError?: string;
  queuedAt: string;
};

export type Outbox = Record<string, Message>;

export function messageId(kind: MailKind, to?: string): string {
  return to ? `${kind}:${to}` : kind;
}

export function queue(kind: MailKind, queuedAt: Date, to?: string): [string, Message] {
  return [messageId(kind, to), { kind, to, attempts: 0, queuedAt: queuedAt.toISOString() }];
}

/** Exponential backoff: 5 s, 10 s, 20 s … capped at 15 minutes. */
export function retryAt(attempts: number, now: Date): Date {
  const delay = Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 15 * 60_000);
  return new Date(now.getTime() + delay);
}
