/**
 * Watches the DynamoDB calls the app makes, through an interceptor on the
 * shared client: to count round trips, to see how many run at once, or to
 * hold or fail one call.
 */
import { dynamo } from "../../packages/core/src/aws/dynamo";

/**
 * `command` is the operation named as the SDK's commands are
 * (`UpdateItemCommand`), as tests/fault/inject.ts names the SES client's too.
 */
export type Call = { command: string; input: Record<string, any> };

/** Wraps every call in `around` until the returned function is called. */
export function intercept(around: (call: Call, send: () => Promise<unknown>) => Promise<unknown>): () => void {
  return dynamo().intercept(({ operation, input }, send) => around({ command: `${operation}Command`, input }, send));
}

/** Runs `hook` before every call (it may wait, or throw to fail the call). */
export function beforeEachCall(hook: (call: Call) => Promise<void> | void): () => void {
  return intercept(async (call, send) => {
    await hook(call);
    return send();
  });
}

/** The calls made while `task` runs. */
export async function callsDuring<T>(task: () => Promise<T>): Promise<{ result: T; calls: Call[] }> {
  const calls: Call[] = [];
  const stop = beforeEachCall((call) => void calls.push(call));
  try {
    return { result: await task(), calls };
  } finally {
    stop();
  }
}
