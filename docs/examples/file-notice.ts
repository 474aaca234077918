/**
 * Files a takedown notice with an API key, reads what became of each URL,
 * and lists the key's notices — the walk-through of docs/api.md as a script.
 *
 *   npm start                      # in another terminal
 *   npm run keys -- create --name "Example" --scopes notices:write --owner you@example.com
 *   TAKEDOWN_KEY=tdk_… npx tsx docs/examples/file-notice.ts
 *
 * TAKEDOWN_URL defaults to the local stack (http://127.0.0.1:3000).
 */
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import type { App } from "@takedown/web";
import { hc } from "hono/client";

type Client = ReturnType<typeof hc<App>>;

/** Sends a request again after 409 or 429, as long as the server's Retry-After says. */
async function withRetries(send: () => Promise<Response>, attempts = 5): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const response = await send();
    if (![409, 429, 503].includes(response.status) || attempt === attempts) return response;
    const seconds = Number(response.headers.get("retry-after") ?? 1);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  }
}

export async function fileNotice(client: Client, urls: string[]) {
  // One key per notice, generated once and reused for every retry of it:
  // a retry after a timeout then returns the first answer instead of filing twice.
  const idempotencyKey = randomUUID();
  const response = await withRetries(() =>
    client.api.v1.takedowns.$post(
      {
        json: {
          requester: { name: "Ada Okafor", email: "rights@valleyledger.example", role: "publisher" },
          urls,
          scope: "urls",
          future: false,
          work: "Articles first published by the Valley Ledger.",
          explanation: "The Valley Ledger never licensed their republication.",
          goodFaith: true,
          accurate: true,
          signature: "Ada Okafor",
        },
      },
      { headers: { "Idempotency-Key": idempotencyKey } },
    ),
  );
  if (response.status !== 202) throw new Error(`Filing failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; status: string; statusUrl: string };
}

export async function outcomes(client: Client, id: string) {
  const response = await client.api.v1.takedowns[":id"].$get({ param: { id } });
  if (!response.ok) throw new Error(`Reading ${id} failed: ${response.status}`);
  return response.json();
}

/** Every notice the key filed that is waiting for an operator, following the cursor. */
export async function pending(client: Client) {
  const notices: { id: string; status: string; createdAt: string }[] = [];
  let cursor: string | undefined;
  do {
    const response = await client.api.v1.takedowns.$get({
      query: { status: "pending_review", limit: 50, ...(cursor ? { cursor } : {}) },
    });
    if (!response.ok) throw new Error(`Listing failed: ${response.status}`);
    const page = await response.json();
    notices.push(...page.notices);
    cursor = page.cursor;
  } while (cursor);
  return notices;
}

export function client(baseUrl: string, key: string): Client {
  return hc<App>(baseUrl, { headers: { Authorization: `Bearer ${key}` } });
}

async function main() {
  const key = process.env.TAKEDOWN_KEY;
  if (!key) throw new Error("Set TAKEDOWN_KEY to a key from `npm run keys -- create …`.");
  const api = client(process.env.TAKEDOWN_URL ?? "http://127.0.0.1:3000", key);

  const filed = await fileNotice(api, [
    "https://valleyledger.example/business/energy-bills",
    "https://valleyledger.example/community/chess-club",
    "https://valleyledger.example/never-republished",
  ]);
  console.log(`Filed ${filed.id}: ${filed.status}`);

  const notice = await outcomes(api, filed.id);
  for (const { url, outcome } of notice.urls) console.log(`  ${outcome.padEnd(9)} ${url}`);

  const waiting = await pending(api);
  console.log(`${waiting.length} notice(s) filed with this key are waiting for review.`);
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  await main();
}
