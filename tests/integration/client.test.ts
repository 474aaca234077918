/**
 * The integrator's example (docs/examples/file-notice.ts) against the app,
 * through hono/client: it type-checks against the App type and does what
 * docs/api.md says it does; and the review API through the same client.
 */
import { app, type App } from "@takedown/web";
import { hc } from "hono/client";
import { expect, it } from "vitest";
import { fileNotice, outcomes, pending } from "../../docs/examples/file-notice";
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

it("works the review API with a notices:review key: lists, reads the audit trail, notes and decides", async () => {
  const [filer, reviewer] = await Promise.all([newKey(), newKey(["notices:review"])]);
  const { articles } = await ingestSource(1);
  const client = (key: string) =>
    hc<App>("http://127.0.0.1:3999", { fetch: app.request, headers: { Authorization: `Bearer ${key}` } });
  const filed = await fileNotice(client(filer.secret), [articles[0]!.originalUrl]);
  const review = client(reviewer.secret);
  const takedown = review.api.v1.takedowns[":id"];

  const listed = await review.api.v1.takedowns.$get({ query: { status: "pending_review", limit: 100 } });
  expect((await listed.json()).notices.map((n) => n.id)).toContain(filed.id);

  const noted = await takedown.notes.$post({ param: { id: filed.id }, json: { text: "Checked the byline." } });
  expect(noted.status).toBe(201);
  if (noted.status !== 201) return;
  expect((await noted.json()).notes.map((n) => n.text)).toEqual(["Checked the byline."]);

  const decided = await takedown.decision.$post({ param: { id: filed.id }, json: { action: "reject", reason: "Licensed." } });
  expect(decided.status).toBe(200);
  if (decided.status !== 200) return;
  const notice = await decided.json();
  expect(notice.status).toBe("rejected");
  expect(notice.events.map((e) => e.type)).toContain("decided");

  // The same route answers a filer without the audit trail, so the client reads a union.
  const read = await (await takedown.$get({ param: { id: filed.id } })).json();
  expect("events" in read ? (read.events as unknown[]).length : 0).toBe(notice.events.length);
});
