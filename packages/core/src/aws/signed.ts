/**
 * An AWS API spoken directly: each call is signed POSTs (sigv4.ts) over
 * kept-alive connections, retried as the SDK's standard mode retries, with
 * interceptors around the call or each attempt. dynamo.ts (DynamoDB's JSON
 * protocol) and ses.ts (SES's query protocol) say what goes on the wire; this
 * says how it travels. Errors carry what the SDK's do: `name` (the short
 * error type, e.g. ConditionalCheckFailedException), the message, `$fault`
 * and `$metadata.httpStatusCode`; network errors are Node's (`code`
 * ECONNREFUSED…), an attempt that took too long a `TimeoutError`.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { type Credentials, sign } from "./sigv4";

/** One call as the caller made it; an interceptor may read or change its input. */
export type Call<Operation extends string = string> = { operation: Operation; input: Record<string, unknown> };
/** Runs around a call: `send` goes on with it (and answers its output), or the interceptor answers or throws instead. */
export type Interceptor<Operation extends string = string> = (
  call: Call<Operation>,
  send: () => Promise<unknown>,
) => Promise<unknown>;

export type Options = {
  region: string;
  /** The service's regional endpoint when absent. */
  endpoint?: string;
  /** Asked before every attempt; a provider that caches (the SDK's chain does) keeps that cheap. */
  credentials: () => Promise<Credentials>;
  /** Attempts per call, the first included. */
  maxAttempts?: number;
  /** How long a new connection may take to open, ms. */
  connectTimeout?: number;
  /** How long one attempt may take from sending to the whole answer, ms. */
  requestTimeout?: number;
};

/** What a service is called, by sigv4 and in errors, and what its calls may take unless the caller says otherwise. */
export type Service = {
  name: string;
  signingName: string;
  endpoint: (region: string) => string;
  defaults: Required<Pick<Options, "maxAttempts" | "connectTimeout" | "requestTimeout">>;
};

/** An error an AWS service answered with. */
export class AwsError extends Error {
  readonly $fault: "client" | "server";
  readonly $metadata: { httpStatusCode: number; requestId?: string };

  constructor(name: string, message: string, status: number, requestId?: string) {
    super(message);
    this.name = name;
    this.$fault = status >= 500 ? "server" : "client";
    this.$metadata = { httpStatusCode: status, requestId };
  }
}

/** What a service answered; `requestId` from its x-amzn-RequestId header. */
export type Answer = { status: number; body: string; requestId?: string };

const timeoutError = (message: string) => Object.assign(new Error(message), { name: "TimeoutError" });

// Retries: the SDK's standard mode (@smithy/core's retry module): full-jitter exponential
// backoff from 25 ms, from 1 s when throttled, at most 20 s; and a retry budget, so that a
// failing service is not also hammered by every caller's retries. SES names its throttle
// `Throttling` (the account's sending rate), DynamoDB the others.
const THROTTLING = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "Throttling",
  "RequestLimitExceeded",
]);
const TIMEOUTS = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);
const NETWORK = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);

type Failure = { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };

/** Whether a failed attempt may be tried again, and how it backs off: throttled or passing. */
export function retryKind(error: unknown): "throttling" | "transient" | undefined {
  const { name = "", code = "", $metadata } = (error ?? {}) as Failure;
  const status = $metadata?.httpStatusCode ?? 0;
  if (THROTTLING.has(name) || status === 429) return "throttling";
  if (TIMEOUTS.has(name) || NETWORK.has(code) || TRANSIENT_STATUS.has(status)) return "transient";
  return undefined;
}

/** The wait before retry number `retry` (1 for the first): full jitter over a doubling ceiling. */
export function backoff(kind: "throttling" | "transient", retry: number, random = Math.random): number {
  const base = kind === "throttling" ? 1_000 : 25;
  return Math.floor(random() * Math.min(base * 2 ** (retry - 1), 20_000));
}

/** The retry budget: each retry spends from it, each success pays back; when it runs dry, failures are not retried. */
export class RetryBudget {
  private left = 500;

  /** Spends what a retry of this kind costs, and answers it; undefined when too little is left. */
  spend(kind: "throttling" | "transient"): number | undefined {
    const cost = kind === "throttling" ? 5 : 14;
    if (this.left < cost) return undefined;
    this.left -= cost;
    return cost;
  }

  /** A call succeeded: what its retry cost comes back, or one unit for a call that needed none. */
  refund(spent: number): void {
    this.left = Math.min(500, this.left + (spent || 1));
  }
}

export abstract class SignedClient<Operation extends string> {
  readonly endpoint: URL;
  private readonly options: Required<Omit<Options, "endpoint">>;
  private readonly agent: HttpAgent;
  private readonly budget = new RetryBudget();
  private readonly around: Interceptor<Operation>[] = [];
  private readonly aroundEach: Interceptor<Operation>[] = [];

  constructor(
    private readonly service: Service,
    { endpoint, ...options }: Options,
  ) {
    this.endpoint = new URL(endpoint ?? service.endpoint(options.region));
    this.options = { ...service.defaults, ...options };
    const Agent = this.endpoint.protocol === "https:" ? HttpsAgent : HttpAgent;
    this.agent = new Agent({ keepAlive: true, maxSockets: 50 });
  }

  /** One attempt at the call: what goes on the wire, and what its answer means (`post` sends it). */
  protected abstract attempt(call: Call<Operation>): Promise<unknown>;

  /** Told once per call, its retries over, whether it succeeded: where a client counts what it sent. */
  protected ended(_succeeded: boolean): void {}

  /** The call through the interceptors, retried; answers what `attempt` did, or throws what the last attempt met. */
  protected call(call: Call<Operation>): Promise<unknown> {
    return this.through(this.around, call, () => this.retried(call));
  }

  /**
   * Runs `interceptor` around every call until the returned function is
   * called. Outside the retry loop (the default) it sees each call once, as
   * its caller does: what it throws is the call's error. `{ retried: true }`
   * puts it inside, around every attempt: what it throws is retried like an
   * answer from the service (a throttle, a timeout), and what it answers ends
   * the retries. Interceptors run in the order they were added, the first
   * outermost. The tests inject faults and the bench counts calls this way.
   */
  intercept(interceptor: Interceptor<Operation>, { retried = false }: { retried?: boolean } = {}): () => void {
    const list = retried ? this.aroundEach : this.around;
    list.push(interceptor);
    return () => {
      const at = list.indexOf(interceptor);
      if (at >= 0) list.splice(at, 1);
    };
  }

  private through(list: Interceptor<Operation>[], call: Call<Operation>, send: () => Promise<unknown>) {
    // Those in place when the call starts: one removed meanwhile (a test's fault) does not shift the others.
    const chain = [...list];
    const next = (index: number): Promise<unknown> =>
      index < chain.length ? chain[index]!(call, () => next(index + 1)) : send();
    return next(0);
  }

  private async retried(call: Call<Operation>): Promise<unknown> {
    let spent = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const output = await this.through(this.aroundEach, call, () => this.attempt(call));
        this.budget.refund(spent);
        this.ended(true);
        return output;
      } catch (error) {
        const kind = retryKind(error);
        const cost = kind && attempt < this.options.maxAttempts ? this.budget.spend(kind) : undefined;
        if (!kind || cost === undefined) {
          this.ended(false);
          throw error;
        }
        spent += cost;
        await new Promise((resolve) => setTimeout(resolve, backoff(kind, attempt)));
      }
    }
  }

  /** POSTs `body` to the endpoint with `headers` (Host and Content-Length added), signed. */
  protected async post(headers: Record<string, string>, body: string): Promise<Answer> {
    const signed = sign(
      {
        method: "POST",
        path: this.endpoint.pathname,
        headers: { Host: this.endpoint.host, "Content-Length": String(Buffer.byteLength(body)), ...headers },
        body,
      },
      await this.options.credentials(),
      { region: this.options.region, service: this.service.signingName },
    );
    return this.transmit(signed, body);
  }

  private transmit(headers: Record<string, string>, body: string): Promise<Answer> {
    const { connectTimeout, requestTimeout } = this.options;
    const { name } = this.service;
    const send = this.endpoint.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send(this.endpoint, { method: "POST", headers, agent: this.agent });
      let connecting: NodeJS.Timeout | undefined;
      const settle = (error: Error | undefined, answer?: Answer) => {
        clearTimeout(timer);
        clearTimeout(connecting);
        if (error) reject(error);
        else resolve(answer!);
      };
      const giveUp = (message: string) => {
        const error = timeoutError(message);
        request.destroy(error);
        settle(error);
      };
      const timer = setTimeout(() => giveUp(`${name} did not answer within ${requestTimeout} ms`), requestTimeout);
      request.once("socket", (socket) => {
        if (!socket.connecting) return;
        connecting = setTimeout(() => giveUp(`No connection to ${name} within ${connectTimeout} ms`), connectTimeout);
        socket.once("connect", () => clearTimeout(connecting));
      });
      request.once("error", settle);
      request.once("response", (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.once("error", settle);
        response.once("close", () => {
          if (!response.complete)
            settle(Object.assign(new Error(`${name}'s answer was cut short`), { code: "ECONNRESET" }));
        });
        response.once("end", () =>
          settle(undefined, {
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            requestId: response.headers["x-amzn-requestid"] as string | undefined,
          }),
        );
      });
      request.end(body);
    });
  }
}
