/**
 * How long the requests a person waits on take, end to end through the app
 * on the local engines: ingest, file, confirm, approve, and the 451 page.
 * Target: p95 under 50 ms for each, on a 2-core machine; exits 1 when over.
 *
 *   npx tsx bench/workflow.ts [rounds]
 */
import { ensureTable, startDynamo, startSes } from "../packages/local/src/engines";

const rounds = Number(process.argv[2] ?? 200);
const TARGET_P95_MS = 50;

const [dynamo, ses] = await Promise.all([startDynamo(), startSes()]);
Object.assign(process.env, {
  DYNAMODB_ENDPOINT: dynamo.url,
  SES_ENDPOINT: ses.url,
  TABLE_NAME: "bench",
  PUBLIC_URL: "http://127.0.0.1:3000",
  OPERATOR_EMAILS: "ops@syndication.example",
});
await ensureTable(dynamo.url, "bench");
const { Links, Pow } = await import("@takedown/core");
const { app } = await import("@takedown/web");

const timings: Record<string, number[]> = {};
async function timed<T>(name: string, run: () => T | Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await run();
  (timings[name] ??= []).push(performance.now() - start);
  return result;
}

const json = { "content-type": "application/json" };
const form = { "content-type": "application/x-www-form-urlencoded", origin: "http://127.0.0.1:3000" };
const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;

for (let i = 0; i < rounds; i++) {
  const article = (await timed("ingest", async () =>
    (await app.request("/api/v1/articles", {
      method: "POST",
      headers: { ...json, authorization: "Bearer local-ingest-token" },
      body: JSON.stringify({
        title: `Story ${i}`, author: "Bench Writer", sourceName: "Bench News", sourceDomain: "bench.example",
        originalUrl: `https://bench.example/story/${i}`, publishedAt: "2026-11-01T00:00:00Z",
      }),
    })).json(),
  )) as { id: string };
  const email = `writer${i}@bench.example`;
  // Each round is another person at another address, as the per-address limits expect;
  // solving the proof of work is the client's time, not the server's.
  const from = { incoming: { socket: { remoteAddress: `198.51.${i >> 8}.${i & 255}` } } };
  const { challenge, bits } = Pow.issue();
  const proof = { "proof-of-work": Pow.solve(challenge, bits) };
  const notice = (await timed("file", async () =>
    (await app.request("/api/v1/takedowns", {
      method: "POST",
      headers: { ...json, ...proof },
      body: JSON.stringify({
        requester: { name: "Bench Writer", email, role: "author" }, urls: [`https://bench.example/story/${i}`],
        scope: "urls", future: false, work: "w", explanation: "e", goodFaith: true, accurate: true, signature: "Bench Writer",
      }),
    }, from)).json(),
  )) as { id: string };
  await timed("confirm", () =>
    app.request(`/takedowns/${notice.id}/confirm`, {
      method: "POST", headers: form,
      body: `token=${tokenOf(Links.act(notice.id, "confirm", email))}`,
    }, from),
  );
  await timed("approve", () =>
    app.request(`/takedowns/${notice.id}/approve`, {
      method: "POST", headers: form,
      body: `token=${tokenOf(Links.act(notice.id, "approve", "ops@syndication.example"))}`,
    }),
  );
  await timed("451 page", () => app.request(`/articles/${article.id}`));
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) * p)]!;
let slow = 0;
console.log(`${rounds} rounds on dynalite (in process)`);
for (const [name, values] of Object.entries(timings)) {
  const p95 = percentile(values, 0.95);
  if (p95 > TARGET_P95_MS) slow++;
  console.log(`${name.padEnd(10)} p50 ${percentile(values, 0.5).toFixed(1)} ms  p95 ${p95.toFixed(1)} ms${p95 > TARGET_P95_MS ? "  over target" : ""}`);
}
await Promise.all([dynamo.close(), ses.close()]);
process.exit(slow ? 1 : 0);
