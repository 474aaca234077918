/**
 * A 1,000-URL notice filed with a key: accepted at once, resolved in a
 * handful of batched DynamoDB calls, reported URL by URL, hidden with
 * bounded concurrency, and stored well inside DynamoDB's item limit.
 */
import { Article, Dispatch, Notice, Queue, Table } from "@takedown/core";
import { beforeAll, describe, expect, it } from "vitest";
import { dynamo } from "../../packages/core/src/aws/dynamo";
import { itemSize } from "../../packages/core/src/store";
import { mapLimit } from "../../packages/core/src/batch";
import { approve, call, newKey, type Key } from "../support/api";
import { callsDuring, intercept } from "../support/dynamo-calls";
import { noticeInput, unique } from "../support/fixtures";
import { inbox, waitForMail } from "../support/mailbox";

const MATCHED = 120;
const TOTAL = 1_000;

let key: Key;
let articles: Article.Article[];
let earlier: string;
let urls: string[];

beforeAll(async () => {
  key = await newKey();
  const sourceDomain = `bulk-${unique()}.example`;
  articles = await mapLimit(
    Array.from({ length: MATCHED }, (_, i) => i),
    10,
    (i) =>
      Article.ingest({
        title: `Story ${i}`,
        author: `Author ${i % 7}`,
        sourceName: "Bulk Source",
        sourceDomain,
        originalUrl: `https://${sourceDomain}/news/${i}`,
        publishedAt: "2026-11-01T10:00:00Z",
      }),
  );
  // Someone already had the first article taken down.
  const first = await call("POST", "/takedowns", { key: key.secret, body: noticeInput([articles[0]!.originalUrl]) });
  earlier = ((await first.json()) as { id: string }).id;
  await approve(earlier);
  await Dispatch.deliver(earlier);
  // Long, as URLs with tracking parameters are; 1,000 of them near the size cap.
  const missing = Array.from(
    { length: TOTAL - MATCHED },
    (_, i) => `https://elsewhere-${i % 13}.example/${"section/".repeat(20)}story-${i}?ref=${"x".repeat(20)}`,
  );
  urls = [...articles.map((a) => a.originalUrl), ...missing];
});

describe("a 1,000-URL notice filed with a key", () => {
  let id: string;

  it("is accepted for review at once, in a few batched DynamoDB calls", async () => {
    const { result: response, calls } = await callsDuring(() =>
      call("POST", "/takedowns", {
        key: key.secret,
        body: noticeInput(urls),
        headers: { "Idempotency-Key": `bulk-${unique()}` },
      }),
    );
    expect(response.status).toBe(202);
    const filed = (await response.json()) as { id: string; status: string };
    expect(filed.status).toBe("pending_review");
    id = filed.id;

    expect(calls.length).toBeLessThan(30);
    const batches = calls.filter((c) => c.command === "BatchGetItemCommand");
    // The 1,000 articles, and with them the address's bad-key check and the rule set's version.
    expect(batches).toHaveLength(TOTAL / 100 + 1);
    expect(batches.map((b) => Object.values<any>(b.input.RequestItems)[0].Keys.length).sort((a, b) => b - a)).toEqual([
      ...Array(TOTAL / 100).fill(100),
      2,
    ]);
    expect(calls.filter((c) => c.command === "PutItemCommand" && c.input.Item.type === "notice")).toHaveLength(1);
    // Its search terms are the dispatcher's to write: filing waits for none of them.
    expect(calls.filter((c) => c.command === "BatchWriteItemCommand")).toHaveLength(0);
  });

  it("is found by any of its URLs once the dispatcher has run", async () => {
    await Dispatch.sweep();
    const { rows, complete } = await Queue.search({ q: urls[TOTAL - 1]! });
    expect(rows.map((r) => r.notice.id)).toEqual([id]);
    expect(complete).toBe(true);
    expect((await Notice.get(id)).indexPending).toBeUndefined();
  });

  it("mails the operators, not the requester, and stays well under the 400 KB item limit", async () => {
    await Dispatch.sweep();
    const review = await waitForMail(
      "ops-one@syndication.example",
      new RegExp(`Takedown notice ${id}: .* 1000 listed URLs`),
    );
    expect(review.body.text).toContain(urls[TOTAL - 1]);
    const notice = await Notice.get(id);
    expect(await inbox(notice.requester.email)).toHaveLength(0);

    const { Item } = await dynamo().send("GetItem", { TableName: Table.name(), Key: Table.key.notice(id) });
    expect(itemSize(Item!)).toBeLessThan(Notice.MAX_ITEM_BYTES);
    expect(Buffer.byteLength(JSON.stringify(Item))).toBeLessThan(300_000);
  });

  it("lists every URL with its outcome, naming the notice that already hid a duplicate", async () => {
    const response = await call("GET", `/takedowns/${id}`, { key: key.secret });
    const body = (await response.json()) as { status: string; urls: Notice.Outcome[] };
    expect(body.status).toBe("pending_review");
    expect(body.urls.map((u) => u.url)).toEqual(urls);
    expect(body.urls[0]).toEqual({
      url: urls[0],
      outcome: "duplicate",
      articleId: articles[0]!.id,
      duplicateOf: earlier,
    });
    expect(body.urls[1]).toEqual({ url: urls[1], outcome: "matched", articleId: articles[1]!.id });
    expect(body.urls[TOTAL - 1]).toEqual({ url: urls[TOTAL - 1], outcome: "not_found" });
    const count = (outcome: string) => body.urls.filter((u) => u.outcome === outcome).length;
    expect([count("matched"), count("duplicate"), count("not_found")]).toEqual([MATCHED - 1, 1, TOTAL - MATCHED]);
  });

  it("on approval hides every matched article, several at a time but never too many", async () => {
    let inFlight = 0;
    let most = 0;
    let hides = 0;
    const stop = intercept(async (c, send) => {
      if (c.command !== "UpdateItemCommand" || !c.input.Key.pk.startsWith("ARTICLE#")) return send();
      hides++;
      most = Math.max(most, ++inFlight);
      try {
        return await send();
      } finally {
        inFlight--;
      }
    });
    try {
      await approve(id);
      await Dispatch.deliver(id);
    } finally {
      stop();
    }
    // Every listed URL is marked, the ones we do not have yet too: they stay hidden when they arrive.
    expect(hides).toBe(TOTAL);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(16);

    const body = (await (await call("GET", `/takedowns/${id}`, { key: key.secret })).json()) as {
      urls: Notice.Outcome[];
    };
    expect(body.urls.filter((u) => u.outcome === "hidden")).toHaveLength(MATCHED);
    expect((await Article.get(articles[MATCHED - 1]!.id))!.hiddenBy).toContain(id);
  });
});

describe("bulk limits", () => {
  const listed = async () =>
    ((await (await call("GET", "/takedowns?limit=100", { key: key.secret })).json()) as { notices: unknown[] }).notices
      .length;

  it("refuses more than 1,000 URLs with a key, and more than 50 without", async () => {
    const tooMany = await call("POST", "/takedowns", { key: key.secret, body: noticeInput([...urls, urls[0]!]) });
    expect(tooMany.status).toBe(422);
    expect(JSON.stringify(await tooMany.json())).toContain("at most 1,000 URLs");
    const anonymous = await call("POST", "/takedowns", { body: noticeInput(urls.slice(0, 51)) });
    expect(anonymous.status).toBe(422);
    expect(JSON.stringify(await anonymous.json())).toContain("at most 50 URLs");
    // Without a key the body limit stays 64 KB.
    expect((await call("POST", "/takedowns", { body: noticeInput(urls) })).status).toBe(413);
  });

  it("refuses a notice too large to store, telling the filer to split it, and stores nothing", async () => {
    const before = await listed();
    const long = urls.map((_, i) => `https://elsewhere.example/${i}/${"a".repeat(380)}`);
    const response = await call("POST", "/takedowns", { key: key.secret, body: noticeInput(long) });
    expect(response.status).toBe(422);
    const { error } = (await response.json()) as { error: { message: string; issues: { path: string }[] } };
    expect(error.message).toMatch(/the limit is 300 KB\. Split its URLs over several notices\./);
    expect(error.issues[0]!.path).toBe("urls");
    expect(await listed()).toBe(before);

    const huge = urls.map((_, i) => `https://elsewhere.example/${i}/${"a".repeat(2000)}`);
    expect((await call("POST", "/takedowns", { key: key.secret, body: noticeInput(huge) })).status).toBe(413);
  });
});
