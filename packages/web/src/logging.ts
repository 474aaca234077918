import { Log } from "@takedown/core";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { RequestIdVariables } from "hono/request-id";

/** What hono/aws-lambda hands the app on Lambda; absent under `npm start`. */
type LambdaEnv = { requestContext?: { requestId?: string }; lambdaContext?: { awsRequestId?: string } };

/** The request's id: API Gateway's own on AWS (its access log has it too), else a new one. */
export const requestIdOf = (c: Context) => (c.env as LambdaEnv | undefined)?.requestContext?.requestId ?? crypto.randomUUID();

/**
 * One line per request, and the request's ids on every line logged while it
 * runs, core's included: API Gateway's (`requestId`) and, on Lambda, the
 * invocation's (`lambdaRequestId`). The path is logged without its query:
 * link tokens travel there.
 */
export const logRequests = createMiddleware<{ Variables: RequestIdVariables }>(async (c, next) => {
  const started = performance.now();
  const lambdaRequestId = (c.env as LambdaEnv | undefined)?.lambdaContext?.awsRequestId;
  await Log.withContext({ requestId: c.get("requestId"), lambdaRequestId }, next);
  Log.info("request", {
    requestId: c.get("requestId"),
    lambdaRequestId,
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    ms: Math.round(performance.now() - started),
  });
});
