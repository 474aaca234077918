import * as Log from "@takedown/core/logger";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { RequestIdVariables } from "hono/request-id";
import { matchedRoutes } from "hono/route";

/** Enough of a path to tell requests apart; the route names what it is. */
const PATH_CHARS = 120;

export function boundedPath(c: Context): string {
  return c.req.path.length > PATH_CHARS ? `${c.req.path.slice(0, PATH_CHARS)}…` : c.req.path;
}

/** The pattern of the route that answered (`/notices/:id`), or "(none)" when none did. */
function routeOf(c: Context): string {
  return (
    answeredBy.get(c.req.raw) ??
    matchedRoutes(c)
      .filter((route) => route.method !== "ALL")
      .at(-1)?.path ??
    "(none)"
  );
}

/** Routes that answered inside a lazily loaded group (lazy.ts), whose context the app's log line cannot see. */
const answeredBy = new WeakMap<Request, string>();

/** In a lazily loaded group: tells the app's log line which of the group's routes answered. */
export const noteRoute = createMiddleware(async (c, next) => {
  // The request the app handed over: a body limit may put a copy in its place (hono/body-limit).
  const handedOver = c.req.raw;
  try {
    await next();
  } finally {
    answeredBy.set(handedOver, routeOf(c));
  }
});

/** What hono/aws-lambda hands the app on Lambda; absent under `npm start`. */
type LambdaEnv = { requestContext?: { requestId?: string }; lambdaContext?: { awsRequestId?: string } };

/** The request's id: API Gateway's own on AWS (its access log has it too), else a new one. */
export const requestIdOf = (c: Context) =>
  (c.env as LambdaEnv | undefined)?.requestContext?.requestId ?? crypto.randomUUID();

/**
 * One line per request, and the request's ids on every line logged while it
 * runs, core's included: API Gateway's (`requestId`) and, on Lambda, the
 * invocation's (`lambdaRequestId`). The route's pattern says what was asked
 * for; the path itself is cut short (a path can be kilobytes long or hold an
 * address typed into it) and logged without its query: link tokens travel there.
 */
export const logRequests = createMiddleware<{ Variables: RequestIdVariables }>(async (c, next) => {
  const started = performance.now();
  const lambdaRequestId = (c.env as LambdaEnv | undefined)?.lambdaContext?.awsRequestId;
  await Log.withContext({ requestId: c.get("requestId"), lambdaRequestId }, next);
  // Again on the answer itself: one from a lazily loaded group (lazy.ts) never saw the header requestId() set.
  c.res.headers.set("X-Request-Id", c.get("requestId"));
  Log.info("request", {
    requestId: c.get("requestId"),
    lambdaRequestId,
    method: c.req.method,
    route: routeOf(c),
    path: boundedPath(c),
    status: c.res.status,
    ms: Math.round(performance.now() - started),
  });
});
