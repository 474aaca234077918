/**
 * Rate limits per API key and per client IP, counted in the table so that
 * every instance of the app shares them.
 */
import { ApiKey, RateLimit, Table } from "@takedown/core";
import { describe, expect, it } from "vitest";
import { call, newKey } from "../support/api";
import * as Store from "../../packages/core/src/store";
import { withinOneWindow } from "../support/clock";
import { callsDuring } from "../support/dynamo-calls";
import { unique } from "../support/fixtures";
import { withSettings } from "../support/settings";

withSettings({
  RATE_LIMIT_PER_IP: "3",
  RATE_LIMIT_PER_KEY: "4",
  // An hour, so that no test straddles two windows but once in ~36,000 runs.
  RATE_LIMIT_WINDOW_SECONDS: "3600",
});

const missing = "/articles/00000000000000000000";

function expectRefused(response: Response, policy: string, limit: number) {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(3600);
  expect(response.headers.get("ratelimit-policy")).toBe(`"${policy}";q=${limit};w=3600`);
  expect(response.headers.get("ratelimit")).toBe(`"${policy}";r=0;t=${retryAfter}`);
}

describe("rate limits", () => {
  it("count anonymous calls per client IP, whichever host reports the address", async () => {
    withinOneWindow(3600);
    const ip = `198.51.100.${1 + Math.floor(Math.random() * 250)}`;
    const seen: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await call("GET", missing, { ip });
      expect(response.status).toBe(404);
      seen.push(response.headers.get("ratelimit")?.split(";")[1] ?? null);
    }
    expect(seen).toEqual(["r=2", "r=1", "r=0"]);

    const refused = await call("GET", missing, { ip });
    expectRefused(refused, "ip", 3);
    expect(await refused.json()).toMatchObject({ error: { code: "rate_limited" } });
    // The same address arriving through API Gateway is the same caller.
    expectRefused(await call("GET", missing, { sourceIp: ip }), "ip", 3);
    // Another address is not.
    expect((await call("GET", missing, { sourceIp: "203.0.113.9" })).status).toBe(404);
  });

  it("count calls with a key per key, apart from the address they come from", async () => {
    withinOneWindow(3600);
    const [key, other] = await Promise.all([newKey(), newKey()]);
    const ip = "192.0.2.77";
    for (let i = 0; i < 4; i++) {
      expect((await call("GET", "/takedowns", { key: key.secret, ip })).status).toBe(200);
    }
    const refused = await call("GET", "/takedowns", { key: key.secret, ip: "192.0.2.78" });
    expectRefused(refused, "key", 4);
    // Refused before any work: not even a POST gets through.
    expectRefused(await call("POST", "/takedowns", { key: key.secret, body: {} }), "key", 4);

    expect((await call("GET", "/takedowns", { key: other.secret, ip })).status).toBe(200);
    expect((await call("GET", missing, { ip })).status).toBe(404);
  });

  it("allow the limit per window, say when it resets, and start afresh with the next", async () => {
    const policy = { name: `test-${unique()}`, limit: 2, windowSeconds: 60 };
    const start = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 1_000);
    const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await RateLimit.consume("subject", policy, at(i)));
    expect(results.map((r) => [r.allowed, r.remaining, r.reset])).toEqual([
      [true, 1, 59],
      [true, 0, 58],
      [false, 0, 57],
      [false, 0, 56],
      [false, 0, 55],
    ]);
    expect(await RateLimit.consume("subject", policy, at(59))).toMatchObject({ allowed: true, remaining: 1 });
  });
});

describe("a key's limit, counted on the key's own item", () => {
  it("lets exactly the limit through, however many calls race", async () => {
    withinOneWindow(3600);
    const key = await newKey();
    const statuses = await Promise.all(
      Array.from({ length: 12 }, async () => (await call("GET", "/takedowns", { key: key.secret })).status),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(4);
    expect(statuses.filter((status) => status === 429)).toHaveLength(8);
  });

  it("counts nothing for a wrong secret, and refuses a revoked key as revoked even over its limit", async () => {
    withinOneWindow(3600);
    const key = await newKey();
    const forged = key.secret.slice(0, -4) + (key.secret.endsWith("AAAA") ? "BBBB" : "AAAA");
    for (let i = 0; i < 6; i++) expect((await call("GET", "/takedowns", { key: forged })).status).toBe(401);
    const first = await call("GET", "/takedowns", { key: key.secret });
    expect(first.headers.get("ratelimit")).toMatch(/^"key";r=3;/);
    for (let i = 0; i < 3; i++) await call("GET", "/takedowns", { key: key.secret });
    expectRefused(await call("GET", "/takedowns", { key: key.secret }), "key", 4);

    await ApiKey.revoke(key.id);
    const revoked = await call("GET", "/takedowns", { key: key.secret });
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ error: { message: "This API key has been revoked." } });
  });

  it("starts afresh each window, and a key idle for longer keeps no old counts", async () => {
    const policy = { name: "key", limit: 2, windowSeconds: 60 };
    const key = await newKey();
    const start = Math.floor(Date.now() / 60_000) * 60_000 + 1_000;
    const at = (seconds: number) => new Date(start + seconds * 1000);
    const count = (seconds: number) => `rate#key#${(start - 1000) / 1000 + seconds}`;
    const allowed = async (seconds: number) => (await ApiKey.admit(key.secret, policy, at(seconds))).counted?.allowed;
    expect([await allowed(0), await allowed(1), await allowed(2)]).toEqual([true, true, false]);
    expect([await allowed(60), await allowed(61), await allowed(62)]).toEqual([true, true, false]);

    // Idle for a whole window: the count it last used is stale, and goes with its next write.
    const later = await ApiKey.admit(key.secret, policy, at(180));
    expect(later.counted).toMatchObject({ allowed: true, remaining: 1 });
    expect(later.stale).toEqual([count(60)]);
    await ApiKey.recordUse(later, at(180));
    const counts = Object.keys((await Store.get(Table.key.apiKey(key.id), { consistent: true }))!).filter((name) =>
      name.startsWith("rate#"),
    );
    expect(counts.sort()).toEqual([count(180), count(240)]);
  });

  it("takes one write per call once the key's count for the window is made", async () => {
    withinOneWindow(3600);
    const key = await newKey();
    const first = await callsDuring(() => call("GET", "/takedowns", { key: key.secret }));
    // A new key has no count yet: the write that expects one is refused, the key read, and counted anew.
    expect(first.calls.filter((c) => c.input.Key?.pk === `APIKEY#${key.id}`).map((c) => c.command)).toEqual([
      "UpdateItemCommand",
      "GetItemCommand",
      "UpdateItemCommand",
      "UpdateItemCommand", // its first use, recorded
    ]);
    const second = await callsDuring(() => call("GET", "/takedowns", { key: key.secret }));
    expect(second.calls.filter((c) => c.input.Key?.pk === `APIKEY#${key.id}`).map((c) => c.command)).toEqual([
      "UpdateItemCommand",
    ]);
    expect(second.calls.some((c) => c.input.Key?.pk?.startsWith("RATE#key"))).toBe(false);
  });
});
