import { Idempotency } from "@takedown/core";
import { createMiddleware } from "hono/factory";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { caller, type ApiEnv } from "./auth";

/**
 * `Idempotency-Key` on a POST: the first response (status and body) is kept
 * and replayed to retries with the same key and request; see core's
 * Idempotency. Failures on our side (5xx) are not kept, so a retry does the
 * work. It runs after authentication, rate limiting and the body limit:
 * their refusals come before any work and are not replayed.
 */
export const idempotency = createMiddleware<ApiEnv>(async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (c.req.method !== "POST" || key === undefined) return next();
  const request = `${c.req.method} ${c.req.path}\n${await c.req.text()}`;
  const claim = await Idempotency.claim(caller(c), key, request);
  if (claim.outcome === "replay") {
    const { status, body, contentType } = claim.response;
    c.header("Idempotent-Replayed", "true");
    if (contentType) c.header("Content-Type", contentType);
    return c.body(body, status as ContentfulStatusCode);
  }
  await next();
  if (c.res.status >= 500) return Idempotency.release(claim);
  await Idempotency.complete(claim, {
    status: c.res.status,
    body: await c.res.clone().text(),
    contentType: c.res.headers.get("content-type") ?? undefined,
  });
});
