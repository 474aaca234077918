/**
 * A notice as the API answers, its typed client reads and its webhooks carry
 * it: one zod schema per view, from which the OpenAPI document is generated,
 * and one function per view building it from the stored notice, so no route
 * assembles a notice's JSON by hand. Part of Notice (notice.ts re-exports it).
 *
 * The schemas are strict: a field a view function adds without declaring it
 * here fails the suite's check of every API response against the document.
 */
import * as z from "zod/mini";
import * as Links from "./links";
import * as Moderation from "./moderation";
import { outcomes, type Notice, type UrlOutcome } from "./notice";
import { actorName, operatorName, publicDecision } from "./present";
import { dateTime } from "./validation";

const NoticeStatus = Moderation.Status;

const OUTCOMES = [
  "matched",
  "not_found",
  "duplicate",
  "hidden",
  "kept",
  "restored",
  "rejected",
] as const satisfies readonly UrlOutcome[];

/** A decision as requesters, API keys and webhooks may read it (Present.publicDecision). */
const Decision = z.strictObject({
  action: Moderation.DecisionRecord.shape.action,
  by: z
    .string()
    .check(
      z.describe(
        'Who decided, as the requester may read it: "an operator", or the name that operator chose to be shown. Never an address.',
      ),
    ),
  at: dateTime,
  reason: Moderation.DecisionRecord.shape.reason,
  unfounded: z.optional(z.boolean().check(z.describe("Rejected as manifestly unfounded."))),
});

const UrlOutcomeView = z.strictObject({
  url: z.string(),
  outcome: z
    .enum(OUTCOMES)
    .check(
      z.describe(
        "matched: an article here; not_found: none; duplicate: another notice had already hidden it; " +
          "hidden: hidden by this notice's approval; kept: a partial approval left it up; " +
          "restored: hidden, then brought back by a reversal or withdrawal; rejected: the notice was rejected.",
      ),
    ),
  articleId: z.optional(z.string()),
  duplicateOf: z.optional(z.string().check(z.describe("The notice that had already hidden the article."))),
});

/** What filing answers. */
export const Filed = z.strictObject({
  id: z.string(),
  status: NoticeStatus,
  statusUrl: z
    .url()
    .check(
      z.describe(
        "Where the notice's progress can be read, by people and by GET /takedowns/{id}; its token is the capability.",
      ),
    ),
});
export type Filed = z.output<typeof Filed>;

/** A notice in a list. */
export const Summary = z.strictObject({
  id: z.string(),
  status: NoticeStatus,
  createdAt: dateTime,
  decision: z.optional(Decision),
});
export type Summary = z.output<typeof Summary>;

/** A notice and what became of each URL it listed. */
export const View = z.strictObject({
  ...Summary.shape,
  urls: z.array(UrlOutcomeView).check(z.describe("Each URL the notice listed, in order, with what became of it.")),
});
export type View = z.output<typeof View>;

export const List = z.strictObject({
  notices: z.array(Summary).check(z.describe("Newest first.")),
  cursor: z.optional(z.string().check(z.describe("Pass it as `cursor` for the next page; absent on the last."))),
});
export type List = z.output<typeof List>;

export function toFiled(notice: Notice): Filed {
  return { id: notice.id, status: notice.status, statusUrl: Links.status(notice.id) };
}

export function toSummary({
  id,
  status,
  createdAt,
  decision,
}: Pick<Notice, "id" | "status" | "createdAt" | "decision">): Summary {
  return { id, status, createdAt, ...(decision ? { decision: publicDecision(decision) } : {}) };
}

/**
 * The notice as it stood at `status`: a webhook event reports a status the
 * notice may since have left. Statuses only move forward, so a decision the
 * notice holds now belongs to no earlier status.
 */
export function toView(notice: Notice, status = notice.status): View {
  const decision = status === notice.status ? notice.decision : undefined;
  return {
    ...toSummary({ id: notice.id, status, createdAt: notice.createdAt, decision }),
    urls: outcomes({ ...notice, status }),
  };
}

export function toList(notices: Pick<Notice, "id" | "status" | "createdAt" | "decision">[], cursor?: string): List {
  return { notices: notices.map(toSummary), ...(cursor ? { cursor } : {}) };
}

const Actor = z
  .string()
  .check(
    z.describe(
      'Who did it, by name: an operator as they chose to be shown (or "an operator"), an API key as `API key "<name>" (<id>)`, ' +
        '"the sender" (the requester) or "the desk". Never an address.',
    ),
  );

const MAILS = new Set(["mail_sent", "mail_failed", "mail_bounced"]);

/**
 * The fields of a stored event the audit trail leaves out: `by`, which it
 * names as `actor`, and a mail's recipient and SES reference, which are addresses.
 */
const leftOut = (type: string, field: string) =>
  field === "by" || (MAILS.has(type) && (field === "to" || field === "ref"));

/**
 * One entry of the audit trail as the review API shows it: the stored event
 * with its actor named, and no address (an assignment names its operator).
 */
const AuditEvent = z.discriminatedUnion(
  "type",
  Moderation.Event.def.options.map((option) => {
    const type = eventType(option);
    const details = Object.entries(option.shape as Record<string, z.core.$ZodType>).filter(
      ([field]) => !leftOut(type, field),
    );
    return z.strictObject({ ...Object.fromEntries(details), actor: Actor, at: dateTime });
  }) as unknown as [z.ZodMiniObject, ...z.ZodMiniObject[]],
);
type AuditEvent = { type: Moderation.Event["type"]; actor: string; at: string; [detail: string]: unknown };

function eventType(option: { shape: { type: unknown } }): string {
  return (option.shape.type as z.ZodMiniLiteral<string>).def.values[0]!;
}

const Note = z.strictObject({ text: z.string(), actor: Actor, at: dateTime });

/** A notice as a key with `notices:review` reads it: the view, with its audit trail and the operators' notes. */
export const Case = z.strictObject({
  ...View.shape,
  events: z.array(AuditEvent).check(z.describe("Every event of the notice, oldest first, with its actor and time.")),
  notes: z.array(Note).check(z.describe("The operators' internal notes, oldest first. The requester never sees them.")),
});
export type Case = Omit<z.output<typeof Case>, "events"> & { events: AuditEvent[] };

/**
 * The notice with its audit trail. `keyNames` names the API keys its events
 * name (`key:<id>`); the requester is "the sender" whichever way they filed.
 */
export function toCase(notice: Notice, keyNames: ReadonlyMap<string, string>): Case {
  const actor = (by: string) => (by === notice.requester.email ? "the sender" : actorName(by, keyNames));
  const events = notice.events.map((event): AuditEvent => {
    const details = Object.entries(event).filter(([field]) => !leftOut(event.type, field));
    const named = event.type === "assigned" ? { to: event.to && operatorName(event.to) } : {};
    return { ...Object.fromEntries(details), ...named, type: event.type, actor: actor(event.by), at: event.at };
  });
  const notes = notice.events.flatMap((event) =>
    event.type === "noted" ? [{ text: event.text, actor: actor(event.by), at: event.at }] : [],
  );
  return { ...toView(notice), events, notes };
}
