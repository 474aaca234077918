/**
 * Idempotency-Key: a retried POST gets the first response back and files
 * nothing twice, however the retries arrive.
 */
import { Dispatch, Idempotency, Table } from "@takedown/core";
import { describe, expect, it } from "vitest";
import { dynamo } from "../../packages/core/src/aws/dynamo";
import { call, newKey, type Key } from "../support/api";
import { beforeEachCall, callsDuring } from "../support/dynamo-calls";
import { ingestSource, noticeInput, unique } from "../support/fixtures";
import { inbox } from "../support/mailbox";
import { proofOfWork } from "../support/pow";

const isNoticePut = ({ command, input }: { command: string; input: Record<string, any> }) =>
  command === "PutItemCommand" && input.Item?.type === "notice";

async function filedWith(key: Key): Promise<string[]> {
  const page = (await (await call("GET", "/takedowns", { key: key.secret })).json()) as { notices: { id: string }[] };
  return page.notices.map((notice) => notice.id);
}

async function fileOnce() {
  const { articles } = await ingestSource(1);
  return {
    body: noticeInput([articles[0]!.originalUrl]),
    headers: { "Idempotency-Key": `file-${unique()}`, ...proofOfWork() },
  };
}

describe("retrying with the same Idempotency-Key", () => {
  it("replays the first response and files the notice once", async () => {
    const key = await newKey();
    const request = { key: key.secret, ...(await fileOnce()) };
    const first = await call("POST", "/takedowns", request);
    const retry = await call("POST", "/takedowns", request);

    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect(await retry.text()).toBe(await first.text());
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await filedWith(key)).toHaveLength(1);
  });

  it("sends an anonymous filer one receipt however often the form's client retries", async () => {
    const request = { ip: "198.51.100.20", ...(await fileOnce()) };
    const responses = [await call("POST", "/takedowns", request), await call("POST", "/takedowns", request)];
    const ids = await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string }).id));
    expect(new Set(ids).size).toBe(1);
    await Dispatch.sweep();
    await Dispatch.sweep();
    expect(await inbox(request.body.requester.email)).toHaveLength(1);
  });

  it("refuses the same key with a different body (422) and files nothing more", async () => {
    const key = await newKey();
    const request = { key: key.secret, ...(await fileOnce()) };
    expect((await call("POST", "/takedowns", request)).status).toBe(202);
    const changed = await call("POST", "/takedowns", { ...request, body: { ...request.body, work: "Another work." } });
    expect(changed.status).toBe(422);
    expect(await changed.json()).toMatchObject({ error: { code: "idempotency_mismatch" } });
    expect(await filedWith(key)).toHaveLength(1);
  });

  it("keeps keys apart per caller: two keys, or two addresses, may use the same value", async () => {
    const [a, b] = await Promise.all([newKey(), newKey()]);
    const request = await fileOnce();
    const byKey = await Promise.all([a, b].map((key) => call("POST", "/takedowns", { ...request, key: key.secret })));
    // Each anonymous filing spends a proof of work of its own.
    const byIp = await Promise.all(
      ["192.0.2.1", "192.0.2.2"].map((ip) =>
        call("POST", "/takedowns", { ...request, ip, headers: { ...request.headers, ...proofOfWork() } }),
      ),
    );
    const ids = await Promise.all([...byKey, ...byIp].map(async (r) => ((await r.json()) as { id: string }).id));
    expect(new Set(ids).size).toBe(4);
  });

  it("applies to ingest as well", async () => {
    const { sourceDomain } = await ingestSource(1);
    const request = {
      key: "test-ingest-token",
      headers: { "Idempotency-Key": `ingest-${unique()}` },
      body: {
        title: "Retried story",
        author: "Someone",
        sourceName: "Source",
        sourceDomain,
        originalUrl: `https://${sourceDomain}/news/retried`,
        publishedAt: "2026-11-01T10:00:00Z",
      },
    };
    expect((await call("POST", "/articles", request)).status).toBe(200);
    const { calls, result: retry } = await callsDuring(() => call("POST", "/articles", request));
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(
      calls.filter((c) => c.command === "UpdateItemCommand" && c.input.Key.pk.startsWith("ARTICLE#")),
    ).toHaveLength(0);
  });

  it("refuses an unusable key value", async () => {
    const request = await fileOnce();
    const tooLong = await call("POST", "/takedowns", { ...request, headers: { "Idempotency-Key": "k".repeat(256) } });
    expect(tooLong.status).toBe(422);
    expect(JSON.stringify(await tooLong.json())).toContain("at most 255 characters");
  });
});

describe("concurrent requests with one key", () => {
  it("do the work once: every answer is that one notice, or 409 to retry", async () => {
    const key = await newKey();
    const request = { key: key.secret, ...(await fileOnce()) };
    const { calls, result: responses } = await callsDuring(() =>
      Promise.all(Array.from({ length: 8 }, () => call("POST", "/takedowns", request))),
    );
    expect(calls.filter(isNoticePut)).toHaveLength(1);
    const [notice] = await filedWith(key);
    expect(await filedWith(key)).toHaveLength(1);
    for (const response of responses) {
      if (response.status === 409) {
        expect(response.headers.get("retry-after")).toBe("1");
        continue;
      }
      expect(response.status).toBe(202);
      expect(await response.json()).toMatchObject({ id: notice });
    }
  });

  it("answer 409 with Retry-After while the first is still working, then replay its response", async () => {
    const key = await newKey();
    const request = { key: key.secret, ...(await fileOnce()) };
    let arrived!: () => void;
    let proceed!: () => void;
    const atPut = new Promise<void>((resolve) => (arrived = resolve));
    const held = new Promise<void>((resolve) => (proceed = resolve));
    const stop = beforeEachCall(async (c) => {
      if (!isNoticePut(c)) return;
      arrived();
      await held;
    });
    try {
      const first = call("POST", "/takedowns", request);
      await atPut;
      const waiting = await call("POST", "/takedowns", request);
      expect(waiting.status).toBe(409);
      expect(waiting.headers.get("retry-after")).toBe("1");
      expect(await waiting.json()).toMatchObject({ error: { code: "idempotency_conflict" } });
      proceed();
      const done = await first;
      expect(done.status).toBe(202);
      const later = await call("POST", "/takedowns", request);
      expect(await later.text()).toBe(await done.text());
      expect(await filedWith(key)).toHaveLength(1);
    } finally {
      proceed();
      stop();
    }
  });
});

describe("records", () => {
  it("let a retry do the work when the first attempt failed on our side", async () => {
    const key = await newKey();
    const request = { key: key.secret, ...(await fileOnce()) };
    const stop = beforeEachCall((c) => {
      if (isNoticePut(c)) throw new Error("The table is away.");
    });
    const failed = await call("POST", "/takedowns", request);
    stop();
    expect(failed.status).toBe(500);
    const retry = await call("POST", "/takedowns", request);
    expect(retry.status).toBe(202);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
    expect(await filedWith(key)).toHaveLength(1);
  });

  it("are kept 24 hours and ignored once expired, though TTL has not removed them", async () => {
    const caller = `ip:203.0.113.${Math.floor(Math.random() * 250)}`;
    const key = `expiry-${unique()}`;
    const dayAndAnHourAgo = new Date(Date.now() - 25 * 3600_000);
    const old = await Idempotency.claim(caller, key, "POST /x\nA", { now: () => dayAndAnHourAgo });
    expect(old.outcome).toBe("started");
    if (old.outcome !== "started") return;
    await Idempotency.complete(old, { status: 202, body: "{}" });
    const { Item } = await dynamo().send("GetItem", {
      TableName: Table.name(),
      Key: Table.key.idempotency(caller, key),
    });
    expect(Item!.expiresAt).toBe(Math.floor(dayAndAnHourAgo.getTime() / 1000) + 24 * 3600);

    // A different request under the same key would be refused, were the record alive.
    const fresh = await Idempotency.claim(caller, key, "POST /x\nB");
    expect(fresh.outcome).toBe("started");
    await expect(Idempotency.claim(caller, key, "POST /x\nB", { waitMs: 0 })).rejects.toMatchObject({
      code: "idempotency_conflict",
      details: { retryAfter: 1 },
    });
  });
});
