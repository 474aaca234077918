import { createHash } from "node:crypto";
import * as Idempotency from "@takedown/core/idempotency";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { caller, type ApiEnv } from "./auth";
import { documented } from "./described";

/**
 * Whose keys these are. A key holder's are its own; anonymous callers share
 * an address (an office, a carrier's NAT), so theirs are scoped to the proof
 * of work as well: a retry resends the same request, proof included, while
 * another sender behind the same address cannot have solved the same
 * challenge, and never reads the first one's answer.
 */
function scope(c: Context<ApiEnv>): string {
  if (c.get("principal")) return caller(c);
  const proof = c.req.header("proof-of-work") ?? "";
  return `${caller(c)}#${createHash("sha256").update(proof).digest("base64url").slice(0, 22)}`;
}

/**
 * `Idempotency-Key` on a POST: a completed (2xx) response, status and body,
 * is kept and replayed to retries with the same key and request; see core's
 * Idempotency. As Stripe does, nothing else is kept: a refusal (422, 429…)
 * or a failure on our side (5xx) gives the key up, so the corrected or later
 * retry does the work. It runs after authentication, rate limiting and the
 * body limit: their refusals come before any work and are not replayed.
 */
export const idempotency = createMiddleware<ApiEnv>(async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (c.req.method !== "POST" || key === undefined) return next();
  const request = `${c.req.method} ${c.req.path}\n${await c.req.text()}`;
  const claim = await Idempotency.claim(scope(c), key, request);
  if (claim.outcome === "replay") {
    const { status, body, contentType } = claim.response;
    c.header("Idempotent-Replayed", "true");
    if (contentType) c.header("Content-Type", contentType);
    return c.body(body, status as ContentfulStatusCode);
  }
  await next();
  if (c.res.status < 200 || c.res.status >= 300) return Idempotency.release(claim);
  await Idempotency.complete(claim, {
    status: c.res.status,
    body: await c.res.clone().text(),
    contentType: c.res.headers.get("content-type") ?? undefined,
  });
});

// Only 2xx answers are kept, so only they can be replayed.
documented(idempotency, ({ method }) =>
  method !== "POST"
    ? {}
    : {
        parameters: ["IdempotencyKey"],
        successHeaders: ["Idempotent-Replayed"],
        refusals: [
          { status: 422, code: "validation_failed", when: "the Idempotency-Key header is not a usable key" },
          { status: 422, code: "idempotency_mismatch", when: "this Idempotency-Key was used for a different request" },
          {
            status: 409,
            code: "idempotency_conflict",
            when: "a request with this Idempotency-Key is still being processed",
            headers: ["Retry-After"],
          },
        ],
      },
);
