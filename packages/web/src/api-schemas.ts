/**
 * What /api/v1 answers, as zod/mini schemas. The routes type the JSON they
 * build against these, and the OpenAPI document (openapi.ts) is generated
 * from them and from core's request schemas, so the code and the document
 * describe one shape. Objects are strict: a field the routes add without
 * declaring it here fails the suite's check of every response.
 */
import { Notice } from "@takedown/core";
import * as z from "zod/mini";

const dateTime = z.iso.datetime({ offset: true });

// Core's list filter names every status a notice can have.
const NoticeStatus = Notice.ListQuery.shape.status.def.innerType;

export const ArticleSummary = z.strictObject({
  id: z.string().check(z.regex(/^[0-9a-f]{20}$/), z.describe("Derived from the article's original URL.")),
  url: z.url().check(z.describe("The article on this site.")),
  hidden: z.boolean().check(z.describe("True once an approved notice covers it; the page then answers 451.")),
  suppressedBy: z.optional(
    z.string().check(z.describe("The suppression rule that hid it at ingest (`source:…` or `author:…`).")),
  ),
  hiddenBy: z.optional(z.array(z.string()).check(z.describe("The approved notices that hide it; present when hidden."))),
});

export const ArticleView = z.strictObject({
  ...ArticleSummary.shape,
  title: z.string(),
  author: z.string(),
  sourceName: z.string(),
  sourceDomain: z.string(),
  originalUrl: z.string(),
  publishedAt: dateTime,
});

export const NoticeFiled = z.strictObject({
  id: z.string(),
  status: NoticeStatus,
  statusUrl: z.url().check(
    z.describe("Where the notice's progress can be read, by people and by GET /takedowns/{id}; its token is the capability."),
  ),
});

const Decision = z.strictObject({
  action: z.enum(["approved", "rejected"]),
  by: z.string().check(
    z.describe("Who decided, as the requester may read it: \"an operator\", or the name that operator chose to be shown. Never an address."),
  ),
  at: dateTime,
  reason: z.optional(z.string()),
  unfounded: z.optional(z.boolean().check(z.describe("Rejected as manifestly unfounded."))),
});

const UrlOutcome = z.strictObject({
  url: z.string(),
  outcome: z.enum(["matched", "not_found", "duplicate", "hidden", "kept", "restored", "rejected"]).check(
    z.describe(
      "matched: an article here; not_found: none; duplicate: another notice had already hidden it; " +
        "hidden: hidden by this notice's approval; kept: a partial approval left it up; " +
        "restored: hidden, then brought back by a reversal or withdrawal; rejected: the notice was rejected.",
    ),
  ),
  articleId: z.optional(z.string()),
  duplicateOf: z.optional(z.string().check(z.describe("The notice that had already hidden the article."))),
});

export const NoticeSummary = z.strictObject({
  id: z.string(),
  status: NoticeStatus,
  createdAt: dateTime,
  decision: z.optional(Decision),
});

export const NoticeView = z.strictObject({
  ...NoticeSummary.shape,
  urls: z.array(UrlOutcome).check(z.describe("Each URL the notice listed, in order, with what became of it.")),
});

export const NoticeList = z.strictObject({
  notices: z.array(NoticeSummary).check(z.describe("Newest first.")),
  cursor: z.optional(z.string().check(z.describe("Pass it as `cursor` for the next page; absent on the last."))),
});

export const WebhookEndpoint = z.strictObject({
  id: z.string(),
  url: z.url().check(z.describe("Where each event is POSTed.")),
  description: z.optional(z.string()),
  createdAt: dateTime,
});

export const WebhookCreated = z.strictObject({
  ...WebhookEndpoint.shape,
  secret: z.string().check(
    z.regex(/^whsec_[A-Za-z0-9+/]{43}=$/),
    z.describe("The signing secret: `whsec_` and 32 random bytes in base64. This answer is the only place it is shown."),
  ),
});

export const WebhookList = z.strictObject({ webhooks: z.array(WebhookEndpoint) });

export const WebhookDelivery = z.strictObject({
  id: z.string().check(z.describe("Also the event's `webhook-id`: the same on every retry and replay.")),
  noticeId: z.string(),
  noticeStatus: NoticeStatus,
  status: z.enum(["pending", "delivered", "failed"]).check(
    z.describe(
      "pending: being tried, or to be tried again at `nextAttemptAt`; delivered: the endpoint answered 2xx; " +
        "failed: no 2xx within 24 hours of the first attempt, or the endpoint or key is gone.",
    ),
  ),
  attempts: z.int(),
  createdAt: dateTime,
  lastAttemptAt: z.optional(dateTime),
  lastStatus: z.optional(z.int().check(z.describe("The HTTP status of the last answer."))),
  lastError: z.optional(
    z.string().check(
      z.describe(
        "Why the last attempt got no answer: `timeout`, a connection error (`ECONNREFUSED`…), `private_address`, " +
          "`dns_failed`, `endpoint_deleted`, `key_revoked` or `secret_unreadable`.",
      ),
    ),
  ),
  nextAttemptAt: z.optional(dateTime),
  deliveredAt: z.optional(dateTime),
  failedAt: z.optional(dateTime),
});

export const WebhookDeliveryList = z.strictObject({
  deliveries: z.array(WebhookDelivery).check(z.describe("The latest 50, newest first.")),
});

export const Challenge = z.strictObject({
  challenge: z.string(),
  bits: z.int().check(z.describe("How many leading zero bits the proof's SHA-256 needs.")),
  expires: z.int().check(z.describe("When the challenge stops being accepted, in milliseconds since the epoch.")),
  algorithm: z.literal("SHA-256"),
});

const FieldIssue = z.strictObject({
  path: z.string().check(z.describe("The field, dotted (`requester.email`, `urls.3`).")),
  message: z.string(),
});

export const ErrorBody = z.strictObject({
  error: z.strictObject({
    code: z.string().check(z.describe("Stable and machine-readable; the responses say which codes each status carries.")),
    message: z.string().check(z.describe("For people; may change.")),
    issues: z.optional(z.array(FieldIssue).check(z.describe("One per field that needs attention (422)."))),
  }),
});

/** What the API gateway in front answers when it throttles a route (429); not ours, so not strict. */
export const Throttled = z.looseObject({ message: z.string().check(z.describe("`Too Many Requests`.")) });

export type ArticleSummary = z.output<typeof ArticleSummary>;
export type ArticleView = z.output<typeof ArticleView>;
export type NoticeFiled = z.output<typeof NoticeFiled>;
export type NoticeView = z.output<typeof NoticeView>;
export type NoticeList = z.output<typeof NoticeList>;
export type Challenge = z.output<typeof Challenge>;
export type WebhookEndpoint = z.output<typeof WebhookEndpoint>;
export type WebhookCreated = z.output<typeof WebhookCreated>;
export type WebhookList = z.output<typeof WebhookList>;
export type WebhookDelivery = z.output<typeof WebhookDelivery>;
export type WebhookDeliveryList = z.output<typeof WebhookDeliveryList>;
