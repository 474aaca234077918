/**
 * Faults injected into the real AWS SDK clients through their middleware
 * stacks: the code under test, the SDK's own retries and the engines all run
 * as in production; only the chosen calls fail, hang or lose their answer.
 */
import { dynamo } from "@takedown/core/aws/dynamo";
import { ses } from "@takedown/core/aws/ses";

type Fault = {
  /** The command (`UpdateItemCommand`…) and its input as JSON decide whether a call is hit. */
  when: (command: string, input: string) => boolean;
  /**
   * `error`: throw; `hang`: never answer, as if the process had died there;
   * `hold`: wait for the promise, then go on; `notify`: go on, and call it once answered;
   * `alter`: go on, and change the answer (as a lagging index would give it).
   */
  effect:
    | { error: () => Error }
    | "hang"
    | { hold: Promise<unknown> }
    | { notify: () => void }
    | { alter: (output: any) => void };
  /** Let the call reach the engine first, then fail: a write that landed with its answer lost. */
  after?: boolean;
  /** Inside the SDK's retry loop (it retries what it may), or outside it (its retries ran out). */
  retried?: boolean;
  times?: number;
};

let counter = 0;

type Stack = { add: (middleware: any, options: object) => void; remove: (name: string) => boolean };

function install(client: { middlewareStack: Stack }, fault: Fault) {
  const name = `fault-${++counter}`;
  let hits = 0;
  let hung: () => void = () => {};
  const hang = new Promise<void>((resolve) => (hung = resolve));
  client.middlewareStack.add(
    (next: any, context: any) => async (args: any) => {
      const applies = hits < (fault.times ?? Infinity) && fault.when(context.commandName, JSON.stringify(args.input));
      if (!applies) return next(args);
      hits++;
      const { effect } = fault;
      if (typeof effect === "object" && "hold" in effect) {
        await effect.hold;
        return next(args);
      }
      if (typeof effect === "object" && ("notify" in effect || "alter" in effect)) {
        const result = await next(args);
        if ("notify" in effect) effect.notify();
        else effect.alter(result.output);
        return result;
      }
      if (fault.after) await next(args);
      if (effect === "hang") {
        hung();
        return new Promise(() => {});
      }
      throw effect.error();
    },
    fault.retried ? { step: "finalizeRequest", priority: "low", name } : { step: "initialize", priority: "high", name },
  );
  return {
    hits: () => hits,
    /** Resolves once a `hang` fault has stopped a call. */
    hung: hang,
    remove: () => client.middlewareStack.remove(name),
  };
}

export const intoDynamo = (fault: Fault) => install(dynamo(), fault);
export const intoSes = (fault: Fault) => install(ses(), fault);

function awsError(name: string, status: number, fault: "client" | "server", message: string) {
  return () => Object.assign(new Error(message), { name, $fault: fault, $metadata: { httpStatusCode: status } });
}

export const throttled = awsError(
  "ProvisionedThroughputExceededException",
  400,
  "client",
  "The level of configured provisioned throughput for the table was exceeded.",
);
export const throttling = awsError(
  "ThrottlingException",
  400,
  "client",
  "Rate of requests exceeds the allowed throughput.",
);
export const internal = awsError("InternalServerError", 500, "server", "Internal server error");
export const timeout = () => Object.assign(new Error("socket hang up"), { name: "TimeoutError" });

/** Matches writes (and only writes) of one kind of item: `NOTICE#`, `ARTICLE#`… */
export const writesTo = (prefix: string) => (command: string, input: string) =>
  /^(PutItem|UpdateItem|DeleteItem)Command$/.test(command) && input.includes(prefix);
