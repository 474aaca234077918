/**
 * Faults injected into the real AWS clients, DynamoDB's and SES's, through
 * their interceptors. The code under test, the clients' own retries and the
 * engines all run as in production; only the chosen calls fail, hang or lose
 * their answer.
 */
import { dynamo } from "@takedown/core/aws/dynamo";
import { ses } from "@takedown/core/aws/ses";
import type { SignedClient } from "@takedown/core/aws/signed";

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
  /** Inside the client's retry loop (it retries what it may), or outside it (its retries ran out). */
  retried?: boolean;
  times?: number;
};

type Injected = { hits: () => number; hung: Promise<void>; remove: () => void };

/** Applies `fault` to the calls it chooses; `install` hooks `run` into a client and answers how to take it out. */
function inject(
  fault: Fault,
  install: (
    run: <R>(command: string, input: unknown, send: () => Promise<R>, output: (result: R) => any) => Promise<R>,
  ) => () => void,
): Injected {
  let hits = 0;
  let hung: () => void = () => {};
  const hang = new Promise<void>((resolve) => (hung = resolve));
  const remove = install(async (command, input, send, output) => {
    const applies = hits < (fault.times ?? Infinity) && fault.when(command, JSON.stringify(input));
    if (!applies) return send();
    hits++;
    const { effect } = fault;
    if (typeof effect === "object" && "hold" in effect) {
      await effect.hold;
      return send();
    }
    if (typeof effect === "object" && ("notify" in effect || "alter" in effect)) {
      const result = await send();
      if ("notify" in effect) effect.notify();
      else effect.alter(output(result));
      return result;
    }
    if (fault.after) await send();
    if (effect === "hang") {
      hung();
      return new Promise(() => {});
    }
    throw effect.error();
  });
  return {
    hits: () => hits,
    /** Resolves once a `hang` fault has stopped a call. */
    hung: hang,
    remove,
  };
}

/** Faults through a client's interceptors (signed.ts), inside its retries or outside them. */
const into =
  <Operation extends string>(client: () => SignedClient<Operation>) =>
  (fault: Fault) =>
    inject(fault, (run) =>
      client().intercept((call, send) => run(`${call.operation}Command`, call.input, send, (output) => output), {
        retried: fault.retried,
      }),
    );

export const intoDynamo = into(dynamo);
export const intoSes = into(ses);

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
