/**
 * The integrator's example (docs/examples/file-notice.ts) against the app,
 * through hono/client: it type-checks against the App type and does what
 * docs/api.md says it does; and the review API's (docs/examples/review.ts) likewise.
 */
import { app, type App } from "@takedown/web";
import { hc } from "hono/client";
import { expect, it } from "vitest";
import { fileNotice, outcomes, pending } from "../../docs/examples/file-notice";
import { decide, note, trail, waiting } from "../../docs/examples/review";
import { newKey } from "../support/api";
import { ingestSource } from "../support/fixtures";

it("files a notice, reads each URL's outcome and lists the key's pending notices", async () => {
  const key = await newKey();
  const { articles } = await ingestSource(1);
  const client = hc<App>("http://127.0.0.1:3999", {
    fetch: app.request,
    headers: { Authorization: `Bearer ${key.secret}` },
  });

  const filed = await fileNotice(client, [articles[0]!.originalUrl, "https://elsewhere.example/never-here"]);
  expect(filed.status).toBe("pending_review");
  const notice = await outcomes(client, filed.id);
  expect(notice.urls.map((u) => [u.outcome, u.articleId])).toEqual([
    ["matched", articles[0]!.id],
    ["not_found", undefined],
  ]);
  expect((await pending(client)).map((n) => n.id)).toEqual([filed.id]);
});

it("works the review API with a notices:review key (docs/examples/review.ts): lists, reads the audit trail, notes, decides", async () => {
  const [filer, reviewer] = await Promise.all([newKey(), newKey(["notices:review"])]);
  const { articles } = await ingestSource(1);
  const client = (key: string) =>
    hc<App>("http://127.0.0.1:3999", { fetch: app.request, headers: { Authorization: `Bearer ${key}` } });
  const filed = await fileNotice(client(filer.secret), [articles[0]!.originalUrl]);
  const review = client(reviewer.secret);

  expect((await waiting(review)).map((n) => n.id)).toContain(filed.id);
  expect((await note(review, filed.id, "Checked the byline.")).notes.map((n) => n.text)).toEqual([
    "Checked the byline.",
  ]);
  const decided = await decide(review, filed.id, "reject", "Licensed.");
  expect(decided.status).toBe("rejected");

  const { events } = await trail(review, filed.id);
  expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["filed", "noted", "decided"]));
  expect(events.find((e) => e.type === "decided")?.actor).toBe(`API key "${reviewer.name}" (${reviewer.id})`);
  await expect(decide(review, filed.id, "approve", "Again.")).rejects.toThrow(
    /^This notice was already rejected by API key/,
  );
  await expect(trail(client(filer.secret), filed.id)).rejects.toThrow("lacks notices:review");
  expect((await waiting(review)).map((n) => n.id)).not.toContain(filed.id);
});
