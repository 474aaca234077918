/**
 * Mail that cannot be delivered. SES says so in two ways: at once, by refusing
 * a send (an unverified address in the sandbox, a rejected message), or later,
 * by a bounce or complaint event it publishes through SNS. Either way the desk
 * stops trying: a refused send is given up and recorded on its notice (see
 * Dispatch), and an address that bounced for good or complained is kept here,
 * so no later notice mails it either.
 */
import * as z from "zod/mini";
import * as Log from "./logger";
import type { Event, MailKind } from "./moderation";
import type { Notice } from "./notice";
import * as Store from "./store";
import { change, when } from "./store";
import * as Table from "./table";

const PERMANENT_NAMES = new Set([
  "MessageRejected",
  "InvalidParameterValue",
  "MailFromDomainNotVerifiedException",
  "AccountSendingPausedException",
]);

/**
 * True when sending the same message again cannot succeed: SES refused it
 * (the sandbox's "Email address is not verified", a rejected message, an
 * address it will not send to). Throttling, timeouts and outages pass.
 */
export function isPermanent(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (PERMANENT_NAMES.has(error.name)) return true;
  return /not verified|suppression list/i.test(error.message);
}

/** An address the desk no longer mails, and why (`permanent`, `complaint`). */
export const suppressedAddresses = Store.entity({
  type: "nomail",
  schema: z.object({ email: z.string(), reason: z.string(), at: z.string() }),
  key: (email: string) => Table.key.suppressedAddress(email.toLowerCase()),
});

/** Where to look for `emails` in the list of addresses the desk no longer mails. */
export const suppressedKeys = (emails: string[]) => emails.map(suppressedAddresses.key);

/** The suppressed addresses among what a batch read of `suppressedAddresses` found. */
export function suppressedIn(found: { email: string }[]): Set<string> {
  return new Set(found.map((entry) => entry.email));
}

/** The suppressed ones among `emails` (one batched read). */
export async function suppressed(emails: string[]): Promise<Set<string>> {
  if (!emails.length) return new Set();
  return suppressedIn(await suppressedAddresses.getMany(suppressedKeys(emails)));
}

export async function suppress(email: string, reason: string, now = new Date()): Promise<void> {
  const address = email.toLowerCase();
  await suppressedAddresses.put(suppressedAddresses.key(address), { email: address, reason, at: now.toISOString() });
}

/** What SES publishes for a configuration set's bounce and complaint events (and identity notifications). */
const Notification = z.object({
  eventType: z.optional(z.string()),
  notificationType: z.optional(z.string()),
  mail: z.object({
    messageId: z.string(),
    tags: z.optional(z.record(z.string(), z.array(z.string()))),
  }),
  bounce: z.optional(
    z.object({ bounceType: z.string(), bouncedRecipients: z.array(z.object({ emailAddress: z.string() })) }),
  ),
  complaint: z.optional(z.object({ complainedRecipients: z.array(z.object({ emailAddress: z.string() })) })),
});

type Recorded = { address: string; bounce: "permanent" | "transient" | "complaint" };

/**
 * One SES event notification: suppresses the addresses that bounced for good
 * or complained, and records the bounce on the notice the mail was about (its
 * `notice` tag, set when it was sent). Delivery and other events are ignored.
 * SNS may deliver a notification twice; each bounce is recorded once.
 */
export async function recordSes(message: unknown, now = new Date()): Promise<Recorded[]> {
  const parsed = z.safeParse(Notification, message);
  if (!parsed.success) {
    Log.warn("ses_event.unreadable", {});
    return [];
  }
  const { mail, bounce, complaint } = parsed.data;
  const type = parsed.data.eventType ?? parsed.data.notificationType;
  const recorded: Recorded[] =
    type === "Bounce" && bounce
      ? bounce.bouncedRecipients.map(({ emailAddress }) => ({
          address: emailAddress.toLowerCase(),
          bounce: bounce.bounceType === "Permanent" ? "permanent" : "transient",
        }))
      : type === "Complaint" && complaint
        ? complaint.complainedRecipients.map(({ emailAddress }) => ({
            address: emailAddress.toLowerCase(),
            bounce: "complaint",
          }))
        : [];
  await Promise.all(recorded.filter((r) => r.bounce !== "transient").map((r) => suppress(r.address, r.bounce, now)));
  const notice = mail.tags?.notice?.[0];
  if (notice) await Promise.all(recorded.map((r) => onNotice(notice, mail.messageId, r, now)));
  Log.info("ses_event.recorded", { type, notice, count: recorded.length });
  return recorded;
}

async function onNotice(id: string, ref: string, { address, bounce }: Recorded, now: Date): Promise<void> {
  const event: Event = { type: "mail_bounced", at: now.toISOString(), by: "ses", to: address, bounce, ref };
  const seen = `${ref}#${address}`;
  // The notice's `bounces` (its entity's bookkeeping) says which were recorded: SNS may deliver one twice.
  await Store.update(Table.key.notice(id), [change.append("events", [event]), change.add("bounces", new Set([seen]))], {
    condition: when.and(when.stored(), when.not(when.contains("bounces", seen))),
  });
}

/** The shape SNS hands a Lambda function; each record's Message is SES's JSON. */
export type SnsEvent = { Records: { Sns: { Message: string } }[] };

export async function recordSns(event: SnsEvent, now = new Date()): Promise<void> {
  for (const record of event.Records) {
    let message: unknown;
    try {
      message = JSON.parse(record.Sns.Message);
    } catch {
      Log.warn("ses_event.unreadable", {});
      continue;
    }
    await recordSes(message, now);
  }
}

export type Undelivered = { at: string; kind?: MailKind; reason: string; permanent: boolean };

const BOUNCE_REASON = {
  permanent: "it bounced: the address does not accept mail",
  transient: "it bounced for now (a full mailbox, for example)",
  complaint: "it was reported as unwanted",
} as const;

/** Mail to the notice's requester that did not arrive, oldest first: what the status page and operators are told. */
export function undelivered(notice: Notice): Undelivered[] {
  const requester = notice.requester.email.toLowerCase();
  return notice.events.flatMap((event): Undelivered[] => {
    if (event.type === "mail_failed" && event.to.toLowerCase() === requester) {
      const reason =
        event.error === "AddressSuppressed"
          ? "earlier mail to this address bounced or was reported as unwanted"
          : event.permanent
            ? "the mail service refused to send it"
            : "sending kept failing and we stopped trying";
      return [{ at: event.at, kind: event.kind, reason, permanent: event.permanent }];
    }
    if (event.type === "mail_bounced" && event.to === requester) {
      return [{ at: event.at, reason: BOUNCE_REASON[event.bounce], permanent: event.bounce !== "transient" }];
    }
    return [];
  });
}
