/**
 * Webhooks, end to end: a key registers a receiver (a real HTTP server on
 * 127.0.0.1 that verifies signatures with the standardwebhooks package),
 * files a notice, an operator approves it, and the dispatcher delivers each
 * status change. Retries are driven by moving the clock: the dispatcher's
 * `now`, and Date itself, so that the receiver's own freshness check on
 * webhook-timestamp sees the same time.
 */
import { ApiKey, Dispatch, Notice, type Outbox, Webhook } from "@takedown/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, newKey, type Key } from "../support/api";
import { approve, reject } from "../support/desk";
import { ingestSource, noticeInput } from "../support/fixtures";
import { startReceiver, type Receiver } from "../support/receiver";

type Endpoint = { id: string; url: string; description?: string; secret?: string; createdAt: string };
type Delivery = Webhook.Delivery;

const receivers: Receiver[] = [];

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

async function receiver() {
  const started = await startReceiver();
  receivers.push(started);
  return started;
}

/** The answer to registering; `endpoint` is its body (an error's, when it is not 201). */
async function register(key: Key, body: unknown) {
  const response = await call("POST", "/webhooks", { key: key.secret, body });
  return { status: response.status, endpoint: (await response.json()) as Endpoint };
}

/** A key with an endpoint at a fresh receiver that trusts the endpoint's secret. */
async function subscribed() {
  const [key, hooks] = await Promise.all([newKey(), receiver()]);
  const { status, endpoint } = await register(key, { url: hooks.url, description: "Rights desk" });
  expect(status).toBe(201);
  hooks.trust(endpoint.secret!);
  return { key, hooks, endpoint };
}

async function fileWith(key: Key, urls?: string[]) {
  const { articles } = await ingestSource(1);
  const response = await call("POST", "/takedowns", {
    key: key.secret,
    body: noticeInput(urls ?? [articles[0]!.originalUrl, "https://elsewhere.example/missing"]),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

async function deliveriesOf(key: Key, endpointId: string): Promise<Delivery[]> {
  const response = await call("GET", `/webhooks/${endpointId}/deliveries`, { key: key.secret });
  expect(response.status).toBe(200);
  return ((await response.json()) as { deliveries: Delivery[] }).deliveries;
}

/** Sets the clock (Date and the dispatcher's `now`) and sweeps. */
async function sweepAt(at: Date) {
  vi.setSystemTime(at);
  await Dispatch.sweep(at);
}

const timestampOf = (received: { headers: Record<string, unknown> }) => Number(received.headers["webhook-timestamp"]);

describe("status-change events", () => {
  it("reach the receiver signed, once per status, telling what became of each URL as the API does", async () => {
    const { key, hooks, endpoint } = await subscribed();
    expect(endpoint).toMatchObject({ url: hooks.url, description: "Rights desk" });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const id = await fileWith(key);
    expect(Object.keys((await Notice.get(id)).outbox)).toContain("webhook:pending_review");
    await Dispatch.deliver(id);
    await approve(id);
    await Dispatch.deliver(id);

    const events = hooks.verified();
    expect(hooks.received).toHaveLength(2);
    expect(events.map((r) => r.event.data.status)).toEqual(["pending_review", "approved"]);
    const [filed, approved] = events.map((r) => r.event);
    expect(filed).toMatchObject({ type: "notice.status_changed", data: { id } });
    expect(filed.data.urls.map((u: { outcome: string }) => u.outcome)).toEqual(["matched", "not_found"]);
    expect(filed.data.decision).toBeUndefined();

    // The last event says what GET /takedowns/:id says, to the byte.
    const read = await call("GET", `/takedowns/${id}`, { key: key.secret });
    expect(approved.data).toEqual(await read.json());
    expect(approved.data.urls.map((u: { outcome: string }) => u.outcome)).toEqual(["hidden", "not_found"]);
    expect(approved.data.decision).toMatchObject({ action: "approved" });

    const ids = events.map((r) => r.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(2);
    expect(events.every((r) => r.headers["content-type"] === "application/json")).toBe(true);

    const deliveries = await deliveriesOf(key, endpoint.id);
    expect(deliveries.map((d) => [d.id, d.noticeStatus, d.status, d.attempts, d.lastStatus])).toEqual([
      [ids[1], "approved", "delivered", 1, 204],
      [ids[0], "pending_review", "delivered", 1, 204],
    ]);
  });

  it("tell a rejection, and nothing of notices filed without a key", async () => {
    const { key, hooks } = await subscribed();
    const id = await fileWith(key);
    await reject(id);
    await Dispatch.deliver(id);
    expect(hooks.verified().map((r) => [r.event.data.status, r.event.data.urls[0].outcome])).toEqual([
      ["pending_review", "matched"],
      ["rejected", "rejected"],
    ]);

    const { articles } = await ingestSource(1);
    const anonymous = await Notice.file(noticeInput([articles[0]!.originalUrl]));
    expect(Object.keys(anonymous.outbox)).toEqual(["receipt"]);
  });

  it("are delivered once per endpoint however often the fan-out runs", async () => {
    const { key, hooks, endpoint } = await subscribed();
    const second = await receiver();
    const { endpoint: other } = await register(key, { url: second.url });
    second.trust(other.secret!);

    const id = await fileWith(key);
    const queued = (await Notice.get(id)).outbox["webhook:pending_review"] as Outbox.WebhookEvent;
    await Dispatch.deliver(id);
    // A dispatcher that died after fanning out runs it again, with the same queued event.
    await Webhook.fanOut(await Notice.get(id), queued);

    expect(hooks.verified()).toHaveLength(1);
    expect(second.verified()).toHaveLength(1);
    expect(hooks.verified()[0]!.body).toBe(second.verified()[0]!.body);
    expect(await deliveriesOf(key, endpoint.id)).toHaveLength(1);
  });

  it("stop when the key is revoked", async () => {
    const { key, hooks } = await subscribed();
    const id = await fileWith(key);
    await Dispatch.deliver(id);
    await ApiKey.revoke(key.id);
    await approve(id);
    await Dispatch.deliver(id);
    expect(hooks.received.map((r) => r.event?.data.status)).toEqual(["pending_review"]);
  });
});

describe("the receiver's verification (negative control)", () => {
  it("turns away a tampered body, a forged signature and a stale timestamp", async () => {
    const { key, hooks } = await subscribed();
    await Dispatch.deliver(await fileWith(key));
    const [genuine] = hooks.verified();
    const headers = genuine!.headers as Record<string, string>;
    const signed = Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith("webhook-")));
    const resend = (body: string, changed: Record<string, string> = {}) =>
      fetch(hooks.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...signed, ...changed },
        body,
      });

    expect((await resend(genuine!.body)).status).toBe(204);
    expect((await resend(genuine!.body.replace("matched", "hidden"))).status).toBe(401);
    const forged = `v1,${Buffer.alloc(32).toString("base64")}`;
    expect((await resend(genuine!.body, { "webhook-signature": forged })).status).toBe(401);
    const stale = String(timestampOf(genuine!) - 3600);
    expect((await resend(genuine!.body, { "webhook-timestamp": stale })).status).toBe(401);
    const { endpoint: another } = await register(key, { url: hooks.url });
    const wrongKey = Webhook.signature(another.secret!, headers["webhook-id"]!, timestampOf(genuine!), genuine!.body);
    expect((await resend(genuine!.body, { "webhook-signature": wrongKey })).status).toBe(401);
  });
});

describe("retries", () => {
  it("back off 5, 10, 20 s while the receiver fails, and stop once it answers", async () => {
    const { key, hooks, endpoint } = await subscribed();
    hooks.answerWith((n) => (n < 3 ? 500 : 200));
    const start = new Date();
    vi.useFakeTimers({ toFake: ["Date"], now: start });
    const id = await fileWith(key);
    await Dispatch.deliver(id, start);

    await sweepAt(new Date(start.getTime() + 4_000));
    expect(hooks.verified()).toHaveLength(1);
    for (let attempt = 2; attempt <= 4; attempt++) {
      const [pending] = await deliveriesOf(key, endpoint.id);
      expect(pending).toMatchObject({ status: "pending", attempts: attempt - 1, lastStatus: 500 });
      await sweepAt(new Date(pending!.nextAttemptAt!));
    }

    const times = hooks.verified().map(timestampOf);
    expect(times.slice(1).map((t, i) => t - times[i]!)).toEqual([5, 10, 20]);
    expect(new Set(hooks.verified().map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect(new Set(hooks.verified().map((r) => r.body)).size).toBe(1);
    const [delivered] = await deliveriesOf(key, endpoint.id);
    expect(delivered).toMatchObject({ status: "delivered", attempts: 4, lastStatus: 200 });
    expect(delivered!.nextAttemptAt).toBeUndefined();
  });

  it("give up after 24 hours, marking the delivery failed; a replay sends the same event again", async () => {
    const { key, hooks, endpoint } = await subscribed();
    hooks.answerWith(() => 503);
    const start = new Date();
    vi.useFakeTimers({ toFake: ["Date"], now: start });
    await Dispatch.deliver(await fileWith(key), start);

    let [delivery] = await deliveriesOf(key, endpoint.id);
    for (let sweeps = 0; delivery!.status === "pending" && sweeps < 100; sweeps++) {
      await sweepAt(new Date(delivery!.nextAttemptAt!));
      [delivery] = await deliveriesOf(key, endpoint.id);
    }
    expect(delivery).toMatchObject({ status: "failed", lastStatus: 503 });

    const times = hooks.verified().map(timestampOf);
    const delays = times.slice(1).map((t, i) => t - times[i]!);
    expect(delays.slice(0, 10)).toEqual([5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560]);
    expect(delays.slice(10).every((delay) => delay === 3600)).toBe(true);
    const lastAttempt = times.at(-1)! - times[0]!;
    expect(lastAttempt).toBeLessThanOrEqual(24 * 3600);
    expect(lastAttempt + 3600).toBeGreaterThan(24 * 3600);
    expect(delivery!.attempts).toBe(times.length);
    expect(delivery!.failedAt).toBe(new Date((start.getTime() / 1000 + lastAttempt) * 1000).toISOString());

    // Nothing more is tried, however late the sweep.
    await sweepAt(new Date(start.getTime() + 48 * 3600_000));
    expect(hooks.verified()).toHaveLength(times.length);

    hooks.answerWith(() => 200);
    const replayed = await call("POST", `/webhooks/${endpoint.id}/deliveries/${delivery!.id}/replay`, {
      key: key.secret,
    });
    expect(replayed.status).toBe(202);
    expect(await replayed.json()).toMatchObject({ id: delivery!.id, status: "pending", attempts: times.length });
    await sweepAt(new Date());

    const [first, last] = [hooks.verified()[0]!, hooks.verified().at(-1)!];
    expect(hooks.verified()).toHaveLength(times.length + 1);
    expect(last.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    expect(last.body).toBe(first.body);
    expect((await deliveriesOf(key, endpoint.id))[0]).toMatchObject({
      status: "delivered",
      attempts: times.length + 1,
      lastStatus: 200,
    });
  });

  it("fail a delivery whose endpoint was deleted, without trying it", async () => {
    const { key, hooks, endpoint } = await subscribed();
    hooks.answerWith(() => 500);
    const id = await fileWith(key);
    await Dispatch.deliver(id);
    const [pending] = await deliveriesOf(key, endpoint.id);
    expect((await call("DELETE", `/webhooks/${endpoint.id}`, { key: key.secret })).status).toBe(204);

    vi.useFakeTimers({ toFake: ["Date"], now: new Date() });
    await sweepAt(new Date(pending!.nextAttemptAt!));
    expect(hooks.received).toHaveLength(1);
    expect((await call("GET", `/webhooks/${endpoint.id}/deliveries`, { key: key.secret })).status).toBe(404);
  });
});

describe("managing endpoints", () => {
  it("lists a key's endpoints without their secrets", async () => {
    const { key, endpoint } = await subscribed();
    const response = await call("GET", "/webhooks", { key: key.secret });
    expect(response.status).toBe(200);
    const { secret, ...shown } = endpoint;
    expect(await response.json()).toEqual({ webhooks: [shown] });
  });

  it("shows one key nothing of another's endpoints", async () => {
    const { key: owner, endpoint } = await subscribed();
    await Dispatch.deliver(await fileWith(owner));
    const [delivery] = await deliveriesOf(owner, endpoint.id);
    const stranger = await newKey();

    expect(await (await call("GET", "/webhooks", { key: stranger.secret })).json()).toEqual({ webhooks: [] });
    for (const [method, path] of [
      ["GET", `/webhooks/${endpoint.id}/deliveries`],
      ["POST", `/webhooks/${endpoint.id}/deliveries/${delivery!.id}/replay`],
      ["DELETE", `/webhooks/${endpoint.id}`],
    ] as const) {
      expect((await call(method, path, { key: stranger.secret })).status, `${method} ${path}`).toBe(404);
    }
    // The owner's endpoint is untouched, and the delivery belongs to that endpoint only.
    expect(await deliveriesOf(owner, endpoint.id)).toHaveLength(1);
    const { endpoint: second } = await register(owner, { url: "http://127.0.0.1:9/other" });
    const elsewhere = await call("POST", `/webhooks/${second.id}/deliveries/${delivery!.id}/replay`, {
      key: owner.secret,
    });
    expect(elsewhere.status).toBe(404);
  });

  it("needs a key with notices:write", async () => {
    const ingest = await newKey(["articles:write"]);
    expect((await call("GET", "/webhooks")).status).toBe(401);
    expect((await call("GET", "/webhooks", { key: ingest.secret })).status).toBe(403);
    expect(
      (await call("POST", "/webhooks", { key: ingest.secret, body: { url: "https://hooks.example/" } })).status,
    ).toBe(403);
  });

  it("refuses what is not an endpoint, and more than 10 a key", async () => {
    const key = await newKey();
    for (const body of [
      {},
      { url: "ftp://hooks.example/" },
      { url: "not a url" },
      { url: "https://hooks.example/", description: 7 },
    ]) {
      expect((await register(key, body)).status, JSON.stringify(body)).toBe(422);
    }
    for (let i = 0; i < Webhook.MAX_ENDPOINTS_PER_KEY; i++) {
      expect((await register(key, { url: `http://127.0.0.1:9/${i}` })).status).toBe(201);
    }
    const refused = await register(key, { url: "http://127.0.0.1:9/one-too-many" });
    expect(refused.status).toBe(422);
    expect(refused.endpoint).toMatchObject({ error: { issues: [{ path: "url" }] } });
  });

  it("deletes an endpoint once", async () => {
    const { key, endpoint } = await subscribed();
    expect((await call("DELETE", `/webhooks/${endpoint.id}`, { key: key.secret })).status).toBe(204);
    expect((await call("DELETE", `/webhooks/${endpoint.id}`, { key: key.secret })).status).toBe(404);
    expect(await (await call("GET", "/webhooks", { key: key.secret })).json()).toEqual({ webhooks: [] });
  });
});
