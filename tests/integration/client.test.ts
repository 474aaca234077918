/**
 * The integrator's example (docs/examples/file-notice.ts) against the app,
 * through hono/client: it type-checks against the App type and does what
 * docs/api.md says it does.
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
