/**
 * API keys: what a system holding one may do, what it may not, and what
 * operators see of it. Through the HTTP app, against dynalite and the SES
 * stand-in.
 */
import { ApiKey, Dispatch, Notice } from "@takedown/core";
import { describe, expect, it } from "vitest";
import { approve, call, newKey } from "../support/api";
import { beforeEachCall, callsDuring } from "../support/dynamo-calls";
import { ingestSource, noticeInput } from "../support/fixtures";
import { inbox, waitForMail } from "../support/mailbox";
import { proofOfWork } from "../support/pow";

const INGEST_TOKEN = "test-ingest-token";

function article(sourceDomain: string, slug: string) {
  return {
    title: `Story ${slug}`,
    author: "Someone",
    sourceName: "Source",
    sourceDomain,
    originalUrl: `https://${sourceDomain}/news/${slug}`,
    publishedAt: "2026-11-01T10:00:00Z",
  };
}

describe("filing with an API key", () => {
  it("skips the email confirmation, mails the operators and names the key in the audit trail", async () => {
    const key = await newKey();
    const { articles } = await ingestSource(1);
    const input = noticeInput([articles[0]!.originalUrl, "https://elsewhere.example/missing"]);
    const response = await call("POST", "/takedowns", { key: key.secret, body: input });
    expect(response.status).toBe(202);
    const filed = (await response.json()) as { id: string; status: string };
    expect(filed.status).toBe("pending_review");

    await Dispatch.sweep();
    const review = await waitForMail("ops-one@syndication.example", new RegExp(`Takedown notice ${filed.id}`));
    expect(review.body.text).toContain(key.name);
    await waitForMail("ops-two@syndication.example", new RegExp(filed.id));
    expect(await inbox(input.requester.email)).toHaveLength(0);

    const notice = await Notice.get(filed.id);
    expect(notice.events[0]).toMatchObject({ type: "filed", confirmed: true, by: `key:${key.id} (${key.name})` });

    const read = await call("GET", `/takedowns/${filed.id}`, { key: key.secret });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({
      id: filed.id,
      status: "pending_review",
      urls: [
        { url: articles[0]!.originalUrl, outcome: "matched", articleId: articles[0]!.id },
        { url: "https://elsewhere.example/missing", outcome: "not_found" },
      ],
    });
  });

  it("lets only the key that filed a notice read it without a status token", async () => {
    const [owner, other] = await Promise.all([newKey(), newKey()]);
    const { articles } = await ingestSource(1);
    const filed = await call("POST", "/takedowns", {
      key: owner.secret,
      body: noticeInput([articles[0]!.originalUrl]),
    });
    const { id } = (await filed.json()) as { id: string };

    expect((await call("GET", `/takedowns/${id}`, { key: other.secret })).status).toBe(404);
    expect((await call("GET", `/takedowns/${id}`)).status).toBe(403);
    expect((await call("GET", `/takedowns/${id}`, { key: owner.secret })).status).toBe(200);
  });

  it("files in three calls: the key's write, one batch read with the address's bad-key check, the notice", async () => {
    const key = await newKey();
    const { articles } = await ingestSource(1);
    const file = () => call("POST", "/takedowns", { key: key.secret, body: noticeInput([articles[0]!.originalUrl]) });
    expect((await file()).status).toBe(202);
    const { result, calls } = await callsDuring(file);
    expect(result.status).toBe(202);
    expect(calls.map((c) => c.command)).toEqual(["UpdateItemCommand", "BatchGetItemCommand", "PutItemCommand"]);
    const batch = calls[1]!.input.RequestItems[Object.keys(calls[1]!.input.RequestItems)[0]!];
    expect(batch.Keys.map((k: { pk: string }) => k.pk.split("#")[0])).toEqual(["ARTICLE", "RATE", "RULES"]);
  });

  it("still takes anonymous notices, with confirmation, and at most 50 URLs", async () => {
    const { articles } = await ingestSource(1);
    const input = noticeInput([articles[0]!.originalUrl]);
    const response = await call("POST", "/takedowns", { body: input, headers: proofOfWork() });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: "awaiting_confirmation" });
    await Dispatch.sweep();
    await waitForMail(input.requester.email, /received your takedown notice/);

    const urls = Array.from({ length: 51 }, (_, i) => `https://source.example/a/${i}`);
    const tooMany = await call("POST", "/takedowns", { body: noticeInput(urls) });
    expect(tooMany.status).toBe(422);
    expect(JSON.stringify(await tooMany.json())).toContain("at most 50 URLs");
  });
});

describe("refusing keys", () => {
  it("answers 401 to a missing, malformed, unknown or forged key where one is needed", async () => {
    const { sourceDomain } = await ingestSource(1);
    const body = article(sourceDomain, "new");
    const real = await newKey(["articles:write"]);
    const forged = real.secret.slice(0, -4) + (real.secret.endsWith("AAAA") ? "BBBB" : "AAAA");
    for (const key of [undefined, "garbage", `tdk_${"0".repeat(20)}_${"A".repeat(43)}`, forged]) {
      const response = await call("POST", "/articles", { key, body });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: "unauthorized" } });
    }
    const noScheme = await call("POST", "/articles", { body, headers: { authorization: real.secret } });
    expect(noScheme.status).toBe(401);
    expect((await call("POST", "/articles", { key: real.secret, body })).status).toBe(200);
  });

  it("answers 401 to a revoked key, even on a route open to anonymous callers", async () => {
    const key = await newKey(["notices:write", "articles:write"]);
    const { articles } = await ingestSource(1);
    const input = noticeInput([articles[0]!.originalUrl]);
    expect((await call("POST", "/takedowns", { key: key.secret, body: input })).status).toBe(202);

    await ApiKey.revoke(key.id);
    const refused = await call("POST", "/takedowns", { key: key.secret, body: input });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({
      error: { code: "unauthorized", message: "This API key has been revoked." },
    });
    expect((await call("GET", "/takedowns", { key: key.secret })).status).toBe(401);
  });

  it("answers 403 to a key without the scope a route needs", async () => {
    const { articles, sourceDomain } = await ingestSource(1);
    const articlesOnly = await newKey(["articles:write"]);
    const noticesOnly = await newKey(["notices:write"]);

    const filing = await call("POST", "/takedowns", {
      key: articlesOnly.secret,
      body: noticeInput([articles[0]!.originalUrl]),
    });
    expect(filing.status).toBe(403);
    expect(await filing.json()).toMatchObject({ error: { code: "forbidden" } });
    expect((await call("GET", "/takedowns", { key: articlesOnly.secret })).status).toBe(403);
    expect(
      (await call("POST", "/articles", { key: noticesOnly.secret, body: article(sourceDomain, "x") })).status,
    ).toBe(403);
  });

  it("treats the ingest token as a built-in key that may ingest and nothing else", async () => {
    const { articles, sourceDomain } = await ingestSource(1);
    const ingested = await call("POST", "/articles", { key: INGEST_TOKEN, body: article(sourceDomain, "via-token") });
    expect(ingested.status).toBe(200);
    const filing = await call("POST", "/takedowns", {
      key: INGEST_TOKEN,
      body: noticeInput([articles[0]!.originalUrl]),
    });
    expect(filing.status).toBe(403);
    expect((await call("GET", "/takedowns", { key: INGEST_TOKEN })).status).toBe(403);
  });
});

describe("a key's own notices", () => {
  it("lists them newest first, by status and date, a page at a time", async () => {
    const [key, other] = await Promise.all([newKey(), newKey()]);
    const { articles } = await ingestSource(1);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await call("POST", "/takedowns", {
        key: key.secret,
        body: noticeInput([articles[0]!.originalUrl]),
      });
      ids.push(((await response.json()) as { id: string }).id);
    }
    await call("POST", "/takedowns", { key: other.secret, body: noticeInput([articles[0]!.originalUrl]) });
    await approve(ids[0]!);

    const first = (await (await call("GET", "/takedowns?limit=2", { key: key.secret })).json()) as any;
    expect(first.notices.map((n: { id: string }) => n.id)).toEqual([ids[2], ids[1]]);
    expect(first.cursor).toEqual(expect.any(String));
    const second = (await (
      await call("GET", `/takedowns?limit=2&cursor=${first.cursor}`, { key: key.secret })
    ).json()) as any;
    expect(second.notices).toMatchObject([{ id: ids[0], status: "approved", decision: { action: "approved" } }]);

    const approved = (await (await call("GET", "/takedowns?status=approved", { key: key.secret })).json()) as any;
    expect(approved.notices.map((n: { id: string }) => n.id)).toEqual([ids[0]]);
    const since = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    const none = (await (await call("GET", `/takedowns?since=${since}`, { key: key.secret })).json()) as any;
    expect(none).toEqual({ notices: [] });

    // Another key's cursor, a mangled one and a bad filter are refused, not obeyed.
    expect((await call("GET", `/takedowns?cursor=${first.cursor}`, { key: other.secret })).status).toBe(422);
    expect((await call("GET", "/takedowns?cursor=bm9wZQ", { key: key.secret })).status).toBe(422);
    expect((await call("GET", "/takedowns?status=lost", { key: key.secret })).status).toBe(422);
  });
});

describe("last use", () => {
  const policy = { name: "key", limit: 1_000, windowSeconds: 3600 };

  it("is recorded on first use and then at most once a minute", async () => {
    const key = await newKey();
    const lastUsed = async () => (await ApiKey.list()).find((k) => k.id === key.id)!.lastUsedAt;
    expect(await lastUsed()).toBeUndefined();

    expect((await call("GET", "/takedowns", { key: key.secret })).status).toBe(200);
    const first = await lastUsed();
    expect(first).toEqual(expect.any(String));
    expect((await call("GET", "/takedowns", { key: key.secret })).status).toBe(200);
    expect(await lastUsed()).toBe(first);

    const admitted = await ApiKey.admit(key.secret, policy);
    await ApiKey.recordUse(admitted, new Date(Date.parse(first!) + 30_000));
    expect(await lastUsed()).toBe(first);
    const later = new Date(Date.parse(first!) + 61_000);
    await ApiKey.recordUse(admitted, later);
    expect(await lastUsed()).toBe(later.toISOString());
  });

  it("never fails a request when it cannot be recorded", async () => {
    const key = await newKey();
    const stop = beforeEachCall(({ command, input }) => {
      const writesDate = Object.values(input.ExpressionAttributeNames ?? {}).includes("lastUsedAt");
      if (command === "UpdateItemCommand" && writesDate) throw new Error("The table is away.");
    });
    try {
      expect((await call("GET", "/takedowns", { key: key.secret })).status).toBe(200);
    } finally {
      stop();
    }
    expect((await ApiKey.list()).find((k) => k.id === key.id)!.lastUsedAt).toBeUndefined();
  });
});
