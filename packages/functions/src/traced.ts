import type { Context } from "aws-lambda";
import * as Log from "@takedown/core/logger";

/** Runs a job's handler with the invocation's request id on every line it logs. */
export function traced<E, R>(handler: (event: E) => Promise<R>): (event: E, context?: Partial<Context>) => Promise<R> {
  return (event, context) => Log.withContext({ lambdaRequestId: context?.awsRequestId }, () => handler(event));
}
