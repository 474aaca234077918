import { config } from "@takedown/core";
import { timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { HttpError } from "./errors";

export const MAX_BODY_BYTES = 64 * 1024;

export const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new HttpError(413, "payload_too_large", `The body must be at most ${MAX_BODY_BYTES / 1024} KB.`);
  },
});

/** The parsed JSON body, or the 415/400 an integrator can act on. */
export async function jsonBody(c: Context): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/([\w.-]+\+)?json\s*(;|$)/i.test(type)) {
    throw new HttpError(415, "unsupported_media_type", "Send the body as JSON, with Content-Type: application/json.");
  }
  try {
    return await c.req.json();
  } catch {
    throw new HttpError(400, "malformed_json", "The body is not valid JSON.");
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The syndication pipeline's bearer token. */
export const ingestAuth = createMiddleware(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const token = header.match(/^Bearer\s+(.+)$/i)?.[1] ?? "";
  if (!sameSecret(token, config().ingestToken)) {
    throw new HttpError(401, "unauthorized", "A valid ingest token is required (Authorization: Bearer …).");
  }
  await next();
});

/**
 * Form posts must come from our own pages. Mail scanners and other sites
 * can make a browser send a POST, but not with our Origin. Under our
 * `Referrer-Policy: no-referrer` browsers send `Origin: null` even from our
 * own pages; then the browser's own `Sec-Fetch-Site`, which no page can
 * forge, says whether the post came from our site.
 */
export const sameOrigin = createMiddleware(async (c, next) => {
  if (c.req.method === "POST") {
    const origin = c.req.header("origin");
    const ours = [new URL(config().publicUrl).origin, new URL(c.req.url).origin];
    const fromUs =
      (origin !== undefined && ours.includes(origin)) ||
      (origin === "null" && c.req.header("sec-fetch-site") === "same-origin");
    if (!fromUs) {
      throw new HttpError(403, "cross_origin", "This form must be sent from our own site.");
    }
  }
  await next();
});
