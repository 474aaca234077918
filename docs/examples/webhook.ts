/**
 * Files a notice and waits for its webhook: a small receiver on this machine
 * checks each event's signature (Standard Webhooks, with node:crypto alone)
 * and prints what became of each URL — docs/api.md's Webhooks section as a
 * script.
 *
 *   npm start                      # in another terminal; locally, receivers on 127.0.0.1 are allowed
 *   npm run keys -- create --name "Example" --scopes notices:write --owner you@example.com
 *   TAKEDOWN_KEY=tdk_… npx tsx docs/examples/webhook.ts
 *
 * TAKEDOWN_URL defaults to the local stack (http://127.0.0.1:3000). The
 * endpoint it registers is deleted again when it is done.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { client, fileNotice } from "./file-notice";

type Client = ReturnType<typeof client>;

export type StatusChanged = {
  type: "notice.status_changed";
  timestamp: string;
  data: {
    id: string;
    status: string;
    createdAt: string;
    urls: { url: string; outcome: string; articleId?: string; duplicateOf?: string }[];
    decision?: { action: string; by: string; at: string; reason?: string };
  };
};

/** An older webhook-timestamp may be someone replaying a captured request. */
const TOLERANCE_SECONDS = 5 * 60;

/**
 * Standard Webhooks verification: the HMAC-SHA256, under the secret's bytes
 * (base64 after `whsec_`), of `<webhook-id>.<webhook-timestamp>.<body>`
 * must match one of the `v1,<base64>` signatures. Returns the event, or throws.
 */
export function verify(secret: string, headers: IncomingHttpHeaders, body: string, now = Date.now()): StatusChanged {
  const id = headers["webhook-id"];
  const timestamp = Number(headers["webhook-timestamp"]);
  if (typeof id !== "string" || !Number.isInteger(timestamp)) throw new Error("Missing webhook headers.");
  if (Math.abs(now / 1000 - timestamp) > TOLERANCE_SECONDS) throw new Error("The timestamp is too far from now.");
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest();
  const signed = String(headers["webhook-signature"] ?? "")
    .split(" ")
    .some((entry) => {
      const [version, signature] = entry.split(",");
      const given = Buffer.from(signature ?? "", "base64");
      return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
    });
  if (!signed) throw new Error("No valid signature.");
  return JSON.parse(body) as StatusChanged;
}

/**
 * A receiver on 127.0.0.1. It answers 401 to what does not verify and 204 to
 * what does, and keeps each event once: a retry or a replay carries the same
 * webhook-id.
 */
export async function listen(port = 0) {
  let secret = "";
  const seen = new Set<string>();
  const events: StatusChanged[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      try {
        const event = verify(secret, request.headers, body);
        const id = request.headers["webhook-id"] as string;
        if (!seen.has(id)) events.push(event);
        seen.add(id);
        response.writeHead(204).end();
      } catch {
        response.writeHead(401).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/takedown-events`,
    /** The secret from registration: until then, nothing verifies. */
    trust: (registered: string) => void (secret = registered),
    /** The first event about `noticeId` with `status`, waiting for it up to `timeoutMs`. */
    async next(noticeId: string, status: string, timeoutMs = 30_000): Promise<StatusChanged> {
      for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
        const found = events.find((event) => event.data.id === noticeId && event.data.status === status);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`No ${status} event for ${noticeId} within ${timeoutMs / 1000} s.`);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function subscribe(api: Client, url: string) {
  const response = await api.api.v1.webhooks.$post({ json: { url, description: "docs/examples/webhook.ts" } });
  if (response.status !== 201) throw new Error(`Registering failed: ${response.status} ${await response.text()}`);
  return response.json();
}

export async function unsubscribe(api: Client, id: string) {
  const response = await api.api.v1.webhooks[":id"].$delete({ param: { id } });
  if (response.status !== 204) throw new Error(`Deleting the endpoint failed: ${response.status}`);
}

async function main() {
  const key = process.env.TAKEDOWN_KEY;
  if (!key) throw new Error("Set TAKEDOWN_KEY to a key from `npm run keys -- create …`.");
  const api = client(process.env.TAKEDOWN_URL ?? "http://127.0.0.1:3000", key);

  const receiver = await listen();
  const endpoint = await subscribe(api, receiver.url);
  receiver.trust(endpoint.secret);
  console.log(`Listening at ${receiver.url} (endpoint ${endpoint.id})`);
  try {
    const filed = await fileNotice(api, [
      "https://valleyledger.example/business/energy-bills",
      "https://valleyledger.example/never-republished",
    ]);
    console.log(`Filed ${filed.id}; waiting for its webhook…`);
    const event = await receiver.next(filed.id, "pending_review");
    console.log(`Signed event: ${event.type}, ${event.data.status}`);
    for (const { url, outcome } of event.data.urls) console.log(`  ${outcome.padEnd(9)} ${url}`);
  } finally {
    await unsubscribe(api, endpoint.id);
    await receiver.close();
  }
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  await main();
}
