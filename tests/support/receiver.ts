/**
 * A webhook receiver as an integrator would write one: a plain node:http
 * server that checks every request with the `standardwebhooks` package
 * (none of our code), answers 401 to what does not verify, and otherwise
 * whatever the test tells it to.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { checkWebhookEvent } from "./openapi-responses";

export type Received = {
  headers: IncomingHttpHeaders;
  body: string;
  /** The parsed event, when the signature verified. */
  event?: any;
  /** The status the receiver answered. */
  answered: number;
};

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

export async function startReceiver() {
  let verifier: Webhook | undefined;
  let answer: (verifiedSoFar: number) => number = () => 204;
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let event: unknown;
      try {
        event = verifier?.verify(body, request.headers as Record<string, string>);
      } catch {
        event = undefined;
      }
      const answered = event ? answer(received.filter((r) => r.event).length) : 401;
      received.push({ headers: request.headers, body, event, answered });
      response.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/takedowns`,
    received,
    /** The events that verified, in order; each must be what the OpenAPI document says we send. */
    verified: () => {
      const verified = received.filter((r) => r.event);
      for (const { event } of verified) checkWebhookEvent(event);
      return verified;
    },
    /** The secret from registration; until it is set nothing verifies. */
    trust: (secret: string) => void (verifier = new Webhook(secret)),
    /** How to answer the n-th verified request (from 0). */
    answerWith: (next: (verifiedSoFar: number) => number) => void (answer = next),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
