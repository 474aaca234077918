/**
 * Watches the DynamoDB calls the app makes, through a middleware on the
 * shared client: to count round trips, to see how many run at once, or to
 * hold or fail one call.
 */
import { dynamo } from "../../packages/core/src/aws/dynamo";

export type Call = { command: string; input: Record<string, any> };

let counter = 0;

/** Wraps every call in `around` until the returned function is called. */
export function intercept(around: (call: Call, send: () => Promise<unknown>) => Promise<unknown>): () => void {
  const name = `test-intercept-${++counter}`;
  dynamo().middlewareStack.add(
    (next, context) => (args) => {
      const call = { command: context.commandName as string, input: args.input as Record<string, any> };
      return around(call, () => next(args)) as ReturnType<typeof next>;
    },
    { step: "initialize", name },
  );
  return () => void dynamo().middlewareStack.remove(name);
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
