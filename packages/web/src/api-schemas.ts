/**
 * What /api/v1 answers that is the API's own rather than an entity's: a
 * proof-of-work challenge, errors, and the gateway's throttling. Entities'
 * views are core's (`Notice.View`, `Article.Summary`, `Webhook.Endpoint`…);
 * the OpenAPI document (openapi.ts) is generated from both. Objects are
 * strict: a field the routes add without declaring it fails the suite's
 * check of every response.
 */
import * as z from "zod/mini";

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
    code: z
      .string()
      .check(z.describe("Stable and machine-readable; the responses say which codes each status carries.")),
    message: z.string().check(z.describe("For people; may change.")),
    issues: z.optional(z.array(FieldIssue).check(z.describe("One per field that needs attention (422)."))),
  }),
});

/** What the API gateway in front answers when it throttles a route (429); not ours, so not strict. */
export const Throttled = z.looseObject({ message: z.string().check(z.describe("`Too Many Requests`.")) });

export type Challenge = z.output<typeof Challenge>;
