/**
 * Issue 9, finding 4 (a, c–i): the smaller holes an outside review found,
 * each tried as the attacker tried it.
 */
import { readFileSync } from "node:fs";
import { Abuse, Dispatch, Links, Token, Webhook } from "@takedown/core";
import { load } from "@takedown/core/config";
import { app } from "@takedown/web";
import { describe, expect, inject, it } from "vitest";
import { approve as approveWithKey, call, newKey } from "../support/api";
import { withinOneWindow } from "../support/clock";
import { confirmedNotice, ORIGIN, press } from "../support/desk";
import { ingestSource, noticeInput } from "../support/fixtures";
import { proofOfWork } from "../support/pow";

const ownLog = () => readFileSync(`${inject("logDir")}/${process.pid}.log`, "utf8");
const pathOf = (link: string) => new URL(link).pathname + new URL(link).search;

describe("ids in paths (c)", () => {
  it("answers 404, not 500, for an over-long id", async () => {
    const id = "x".repeat(3_000);
    expect((await app.request(`/notices/${id}`)).status).toBe(404);
    expect((await call("GET", `/takedowns/${id}?token=abc.def`)).status).toBe(404);
    const key = await newKey();
    expect((await call("GET", `/takedowns/${id}`, { key: key.secret })).status).toBe(404);
    expect((await app.request(`/takedowns/${id}?token=abc.def`)).status).toBe(404);
    expect((await call("GET", `/articles/${id}`)).status).toBe(404);
  });
});

describe("the Origin check (d)", () => {
  it("trusts PUBLIC_URL only, not a Host header the sender chose", async () => {
    const { notice, input } = await confirmedNotice({ confirm: false });
    const link = Links.act(notice.id, "confirm", input.requester.email);
    const token = new URL(link).searchParams.get("token")!;
    const forged = await app.request(`http://evil.example/takedowns/${notice.id}/confirm`, {
      method: "POST",
      headers: {
        origin: "http://evil.example",
        host: "evil.example",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(forged.status).toBe(403);
    expect((await press(link)).status).toBe(200);
  });
});

describe("tokens (e)", () => {
  it("accepts a token without expiry only for the status link", async () => {
    const { notice, input } = await confirmedNotice({ confirm: false });
    const forever = Token.sign({ notice: notice.id, action: "confirm", actor: input.requester.email });
    const response = await app.request(`/takedowns/${notice.id}/confirm?token=${forever}`);
    expect(response.status).toBe(403);
    expect((await app.request(pathOf(Links.status(notice.id)))).status).toBe(200);
  });

  it("refuses to start outside the local stack with the published default secret or ingest token", () => {
    const lambda = { AWS_LAMBDA_FUNCTION_NAME: "takedown-site" };
    expect(() => load({ ...lambda, INGEST_TOKEN: "a-real-ingest-token" })).toThrow(/LINK_SECRET/);
    expect(() => load({ ...lambda, LINK_SECRET: "a-real-secret-of-32-characters!!" })).toThrow(/INGEST_TOKEN/);
    expect(
      load({ ...lambda, LINK_SECRET: "a-real-secret-of-32-characters!!", INGEST_TOKEN: "a-real-ingest-token" })
        .linkSecret,
    ).toBe("a-real-secret-of-32-characters!!");
    // The local stack runs on its defaults.
    expect(load({}).linkSecret).toBe("local-development-link-secret");
  });
});

describe("API keys (f)", () => {
  it("rate-limits failed key checks per address, even for a key that would be right", async () => {
    withinOneWindow(Abuse.LIMITS.badKeysPerIp.windowSeconds);
    const ip = "203.0.113.77";
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await call("GET", "/takedowns", { key: `tdk_nosuchkey${i}_${"x".repeat(43)}`, ip })).status);
    }
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    const good = await newKey();
    expect((await call("GET", "/takedowns", { key: good.secret, ip })).status).toBe(429);
    expect((await call("GET", "/takedowns", { key: good.secret, ip: "203.0.113.78" })).status).toBe(200);
  });

  it("answers a blocked address alike whatever key it sends, where filing reads the check in its own batch", async () => {
    withinOneWindow(Abuse.LIMITS.badKeysPerIp.windowSeconds);
    const ip = "203.0.113.79";
    for (let i = 0; i < 10; i++) await call("GET", "/takedowns", { key: `tdk_nosuchkey${i}_${"y".repeat(43)}`, ip });
    const [good, articlesOnly] = await Promise.all([newKey(), newKey(["articles:write"])]);
    const { articles } = await ingestSource(1);
    const body = noticeInput([articles[0]!.originalUrl]);
    const idem = { "idempotency-key": `blocked-${Date.now()}` };
    // Filed from elsewhere, so that the same request from the blocked address would be a replay.
    expect(
      (await call("POST", "/takedowns", { key: good.secret, body, headers: idem, ip: "203.0.113.80" })).status,
    ).toBe(202);

    const answers = await Promise.all(
      [
        { key: `tdk_nosuchkey99_${"y".repeat(43)}`, body },
        { key: good.secret, body },
        { key: good.secret, body: { ...body, signature: "" } },
        { key: articlesOnly.secret, body },
        { key: good.secret, body, headers: idem },
      ].map(async (options) => {
        const response = await call("POST", "/takedowns", { ...options, ip });
        const headers = [...response.headers].filter(([name]) => name !== "x-request-id" && name !== "retry-after");
        return {
          status: response.status,
          body: await response.json(),
          headers,
          retryAfter: response.headers.get("retry-after"),
        };
      }),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(429);
      expect(answer.retryAfter).toEqual(expect.any(String));
      expect({ body: answer.body, headers: answer.headers }).toEqual({
        body: answers[0]!.body,
        headers: answers[0]!.headers,
      });
    }
    // Nothing was filed from the blocked address.
    const listed = (await (await call("GET", "/takedowns", { key: good.secret, ip: "203.0.113.80" })).json()) as {
      notices: unknown[];
    };
    expect(listed.notices).toHaveLength(1);
  });
});

describe("webhook endpoints (a)", () => {
  it("never exceed the limit, however many registrations race", async () => {
    const key = await newKey();
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) => Webhook.register(key.id, { url: `http://127.0.0.1:9/${i}` })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(Webhook.MAX_ENDPOINTS_PER_KEY);
    expect(await Webhook.list(key.id)).toHaveLength(Webhook.MAX_ENDPOINTS_PER_KEY);
    // Deleting one frees its place.
    const [first] = await Webhook.list(key.id);
    await Webhook.remove(key.id, first!.id);
    await expect(Webhook.register(key.id, { url: "http://127.0.0.1:9/again" })).resolves.toBeTruthy();
  });
});

describe("idempotency (g)", () => {
  it("does not keep a 422 or 429: the corrected retry with the same key is filed", async () => {
    const key = await newKey();
    const { articles } = await ingestSource(1);
    const idem = { "idempotency-key": `fix-${Date.now()}` };
    const bad = await call("POST", "/takedowns", {
      key: key.secret,
      headers: idem,
      body: { urls: [articles[0]!.originalUrl] },
    });
    expect(bad.status).toBe(422);
    const { noticeInput } = await import("../support/fixtures");
    const good = await call("POST", "/takedowns", {
      key: key.secret,
      headers: idem,
      body: noticeInput([articles[0]!.originalUrl]),
    });
    expect(good.status).toBe(202);
    expect(good.headers.get("idempotent-replayed")).toBeNull();
  });

  it("keeps two anonymous senders behind one address apart", async () => {
    const { articles } = await ingestSource(1);
    const ip = "198.51.100.23";
    const idem = { "idempotency-key": "order-1" };
    const first = await call("POST", "/takedowns", {
      ip,
      headers: { ...idem, ...proofOfWork() },
      body: noticeInput([articles[0]!.originalUrl]),
    });
    expect(first.status).toBe(202);
    const second = await call("POST", "/takedowns", {
      ip,
      headers: { ...idem, ...proofOfWork() },
      body: noticeInput([articles[0]!.originalUrl]),
    });
    expect(second.status).toBe(202);
    expect(second.headers.get("idempotent-replayed")).toBeNull();
    expect(((await second.json()) as { id: string }).id).not.toBe(((await first.json()) as { id: string }).id);
  });
});

describe("hidden articles and token pages (h)", () => {
  it("answers 451 in the API with the notice reference only", async () => {
    const { notice, articles } = await confirmedNotice();
    await approveWithKey(notice.id);
    await Dispatch.deliver(notice.id);
    const response = await call("GET", `/articles/${articles[0]!.id}`);
    expect(response.status).toBe(451);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: "unavailable_for_legal_reasons" } });
    expect(JSON.parse(text).error.message).toContain(notice.id);
    for (const leaked of [articles[0]!.title, articles[0]!.author, articles[0]!.originalUrl])
      expect(text).not.toContain(leaked);
    expect(response.headers.get("link")).toContain(`/notices/${notice.id}`);
  });

  it("sends pages that carry a token with Cache-Control: no-store", async () => {
    const { notice, input } = await confirmedNotice({ confirm: false });
    for (const link of [Links.status(notice.id), Links.act(notice.id, "confirm", input.requester.email)]) {
      expect((await app.request(pathOf(link))).headers.get("cache-control")).toBe("no-store");
    }
  });
});

describe("paths (i)", () => {
  it("logs the route pattern and a bounded path, and a POST to an unknown path is 404", async () => {
    const long = `/notices/${"q".repeat(3_000)}`;
    await app.request(long);
    const line = ownLog()
      .split("\n")
      .reverse()
      .find((l) => l.includes('"msg":"request"') && l.includes("/notices/"))!;
    const logged = JSON.parse(line) as { path: string; route: string };
    expect(logged.route).toBe("/notices/:id");
    expect(logged.path.length).toBeLessThanOrEqual(200);
    // A body without a declared length: the body limit puts a copy of the request in its place.
    const refused = await app.request("/api/v1/takedowns", {
      method: "POST",
      headers: { "content-type": "application/json", ...proofOfWork() },
      body: "{}",
    });
    expect(refused.status).toBe(422);
    const filing = ownLog()
      .split("\n")
      .reverse()
      .find((l) => l.includes('"msg":"request"') && l.includes('"path":"/api/v1/takedowns"'))!;
    expect(JSON.parse(filing)).toMatchObject({ route: "/api/v1/takedowns", status: 422 });
    const unknown = await app.request("/no/such/form", { method: "POST", headers: { origin: ORIGIN } });
    expect(unknown.status).toBe(404);
    const crossSite = await app.request("/no/such/form", {
      method: "POST",
      headers: { origin: "http://evil.example" },
    });
    expect(crossSite.status).toBe(404);
  });
});
