/**
 * A stand-in for an AWS endpoint, for what the local engines cannot do
 * (throttle, fail, hang, drop the line): it answers each request with the
 * next scripted answer, the last one repeating, and keeps what it received.
 * Listens for the test file that calls it, from its first test to its last.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll } from "vitest";

export type Script = (request: IncomingMessage, body: string, response: ServerResponse) => void;

export function scriptedEndpoint() {
  let server: Server;
  const endpoint = {
    script: [] as Script[],
    received: [] as { headers: IncomingMessage["headers"]; body: string }[],
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  };
  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        endpoint.received.push({ headers: request.headers, body });
        const { script } = endpoint;
        const next = script.length > 1 ? script.shift()! : script[0]!;
        next(request, body, response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterEach(() => {
    endpoint.received.length = 0;
    server.closeAllConnections();
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return endpoint;
}

/** An answer that never comes: the connection stays open until the client gives up. */
export const silent: Script = () => {};
