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
import { publicDecision } from "./present";
import { dateTime } from "./validation";

// TODO(h13-core): Moderation.Status, a zod enum, replaces this list.
const NoticeStatus = z.enum(["awaiting_confirmation", "pending_review", "approved", "rejected"]);

const OUTCOMES = ["matched", "not_found", "duplicate", "hidden", "rejected"] as const satisfies readonly UrlOutcome[];

/** A decision as requesters, API keys and webhooks may read it (Present.publicDecision). */
const Decision = z.strictObject({
  action: Moderation.DecisionRecord.shape.action,
  by: z.string().check(
    z.describe("Who decided, as the requester may read it: \"an operator\", or the name that operator chose to be shown. Never an address."),
  ),
  at: dateTime,
  reason: Moderation.DecisionRecord.shape.reason,
  unfounded: z.optional(z.boolean().check(z.describe("Rejected as manifestly unfounded."))),
});

const UrlOutcomeView = z.strictObject({
  url: z.string(),
  outcome: z.enum(OUTCOMES).check(
    z.describe(
      "matched: an article here; not_found: none; duplicate: another notice had already hidden it; " +
        "hidden: hidden by this notice's approval; rejected: the notice was rejected.",
    ),
  ),
  articleId: z.optional(z.string()),
  duplicateOf: z.optional(z.string().check(z.describe("The notice that had already hidden the article."))),
});

/** What filing answers. */
export const Filed = z.strictObject({
  id: z.string(),
  status: NoticeStatus,
  statusUrl: z.url().check(
    z.describe("Where the notice's progress can be read, by people and by GET /takedowns/{id}; its token is the capability."),
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

export function toSummary({ id, status, createdAt, decision }: Pick<Notice, "id" | "status" | "createdAt" | "decision">): Summary {
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
