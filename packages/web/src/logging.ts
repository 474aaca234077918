import { Log } from "@takedown/core";
import { createMiddleware } from "hono/factory";
import type { RequestIdVariables } from "hono/request-id";

/**
 * One line per request, and the request id on every line logged while it
 * runs, core's included. The path is logged without its query: link tokens
 * travel there.
 */
export const logRequests = createMiddleware<{ Variables: RequestIdVariables }>(async (c, next) => {
  const started = performance.now();
  await Log.withContext({ requestId: c.get("requestId") }, next);
  Log.info("request", {
    requestId: c.get("requestId"),
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    ms: Math.round(performance.now() - started),
  });
});
