import { config } from "@takedown/core/config";
import type { Context, Env } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type * as z from "zod/mini";
import { documented } from "./described";
import { HttpError } from "./errors";

export const MAX_BODY_BYTES = 64 * 1024;

/** For answers that carry a link token: no browser or proxy may keep them. */
export const noStore = createMiddleware(async (c, next) => {
  await next();
  c.header("Cache-Control", "no-store");
});

export const limitBodyTo = (bytes: number) => {
  const tooLarge = () => {
    throw new HttpError(413, "payload_too_large", `The body must be at most ${bytes / 1024} KB.`);
  };
  const counted = bodyLimit({ maxSize: bytes, onError: tooLarge });
  return createMiddleware(async (c, next) => {
    // A declared length is judged as declared, as bodyLimit would (the HTTP
    // server reads no more than it), but without opening the body first:
    // under @hono/node-server that builds a stream the JSON reader must then
    // go through, where it could read the socket directly.
    const declared = c.req.header("content-length");
    if (declared === undefined || c.req.header("transfer-encoding") !== undefined) return counted(c, next);
    if (c.req.method !== "GET" && c.req.method !== "HEAD" && Number(declared) > bytes) tooLarge();
    await next();
  });
};

export const limitBody = limitBodyTo(MAX_BODY_BYTES);

/** The parsed JSON body, or the 415/400 an integrator can act on. */
async function jsonBody(c: Context): Promise<unknown> {
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

/**
 * jsonBody as a route's middleware, declaring the body's schema to the
 * OpenAPI document and its type to `hc` clients. The domain validates what
 * arrives, with this schema or a stricter one.
 */
export const jsonInput = <S extends z.core.$ZodType>(schema: S) =>
  documented(
    createMiddleware<Env, string, { in: { json: z.input<S> }; out: { json: unknown } }>(async (c, next) => {
      c.req.addValidatedData("json", (await jsonBody(c)) as object);
      await next();
    }),
    {
      body: schema,
      refusals: [
        { status: 415, code: "unsupported_media_type", when: "the body is not sent as `application/json`" },
        { status: 400, code: "malformed_json", when: "the body is not valid JSON" },
        { status: 422, code: "validation_failed", when: "fields need attention; `issues` names each" },
      ],
    },
  );

/**
 * Form posts must come from our own pages. Mail scanners and other sites
 * can make a browser send a POST, but not with our Origin, which is
 * PUBLIC_URL's: the request's own URL is built from a Host header the
 * sender chooses, so it proves nothing. Under our
 * `Referrer-Policy: no-referrer` browsers send `Origin: null` even from our
 * own pages; then the browser's own `Sec-Fetch-Site`, which no page can
 * forge, says whether the post came from our site.
 */
export const sameOrigin = createMiddleware(async (c, next) => {
  if (c.req.method === "POST") {
    const origin = c.req.header("origin");
    const fromUs =
      (origin !== undefined && origin === new URL(config().publicUrl).origin) ||
      (origin === "null" && c.req.header("sec-fetch-site") === "same-origin");
    if (!fromUs) {
      throw new HttpError(403, "cross_origin", "This form must be sent from our own site.");
    }
  }
  await next();
});
