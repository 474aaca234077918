/**
 * Works the review queue with a `notices:review` key, as a newsroom tool or
 * a chat bot would: lists the notices waiting for review, reads one with its
 * audit trail, notes it and decides it — the review API of docs/api.md as a
 * script.
 *
 *   npm start                      # in another terminal
 *   npm run keys -- create --name "Newsroom bot" --scopes notices:review --owner you@example.com
 *   REVIEW_KEY=tdk_… npx tsx docs/examples/review.ts            # lists what waits
 *   REVIEW_KEY=tdk_… npx tsx docs/examples/review.ts <id> reject "We hold a licence."
 *
 * TAKEDOWN_URL defaults to the local stack (http://127.0.0.1:3000).
 */
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import type { App } from "@takedown/web";
import { hc } from "hono/client";

type Client = ReturnType<typeof hc<App>>;

/** Every notice waiting for review, however it was filed, oldest first, following the cursor. */
export async function waiting(client: Client) {
  const notices: { id: string; createdAt: string }[] = [];
  let cursor: string | undefined;
  do {
    const response = await client.api.v1.takedowns.$get({
      query: { status: "pending_review", limit: 100, ...(cursor ? { cursor } : {}) },
    });
    if (!response.ok) throw new Error(`Listing failed: ${response.status}`);
    const page = await response.json();
    notices.push(...page.notices);
    cursor = page.cursor;
  } while (cursor);
  return notices;
}

/** The notice with its audit trail: what happened, by whom, when. */
export async function trail(client: Client, id: string) {
  const response = await client.api.v1.takedowns[":id"].$get({ param: { id } });
  if (!response.ok) throw new Error(`Reading ${id} failed: ${response.status}`);
  const notice = await response.json();
  if (!("events" in notice)) throw new Error("This key lacks notices:review.");
  return notice as typeof notice & { events: { type: string; actor: string; at: string }[] };
}

export async function note(client: Client, id: string, text: string) {
  const response = await client.api.v1.takedowns[":id"].notes.$post({ param: { id }, json: { text } });
  if (response.status !== 201) throw new Error(`Noting ${id} failed: ${response.status} ${await response.text()}`);
  return response.json();
}

/**
 * Decides the notice; the requester's mail says the review API decided, by
 * this key. The Idempotency-Key makes a retry after a timeout safe: it gets
 * the first answer, not a 409 for a notice "already decided".
 */
export async function decide(client: Client, id: string, action: "approve" | "reject", reason: string) {
  const response = await client.api.v1.takedowns[":id"].decision.$post(
    { param: { id }, json: { action, reason } },
    { headers: { "Idempotency-Key": randomUUID() } },
  );
  // 409: decided already, and the message says by whom and when.
  if (!response.ok)
    throw new Error(((await response.json()) as unknown as { error: { message: string } }).error.message);
  return response.json();
}

export function client(baseUrl: string, key: string): Client {
  return hc<App>(baseUrl, { headers: { Authorization: `Bearer ${key}` } });
}

async function main() {
  const key = process.env.REVIEW_KEY;
  if (!key) throw new Error("Set REVIEW_KEY to a key with notices:review from `npm run keys -- create …`.");
  const api = client(process.env.TAKEDOWN_URL ?? "http://127.0.0.1:3000", key);
  const [id, action, reason] = process.argv.slice(2);
  if (!id) {
    const notices = await waiting(api);
    for (const notice of notices) console.log(`${notice.id}  filed ${notice.createdAt}`);
    console.log(`${notices.length} notice(s) wait for review.`);
    return;
  }
  if (action !== "approve" && action !== "reject") throw new Error("Usage: review.ts <id> approve|reject <reason>");
  const decided = await decide(api, id, action, reason ?? "");
  console.log(`${decided.id}: ${decided.status}`);
  for (const event of (await trail(api, id)).events)
    console.log(`  ${event.at}  ${event.type.padEnd(16)} ${event.actor}`);
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  await main();
}
