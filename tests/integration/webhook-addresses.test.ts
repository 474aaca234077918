/**
 * Webhooks in production (ALLOW_PRIVATE_WEBHOOKS off, as on AWS): only https
 * endpoints whose every address is public, checked at registration and
 * again at each attempt, so a name that later resolves to a private address
 * (DNS rebinding) is refused at delivery.
 */
import { config, Dispatch, Webhook } from "@takedown/core";
import { describe, expect, it } from "vitest";
import { call, newKey } from "../support/api";
import { ingestSource, noticeInput } from "../support/fixtures";
import { startReceiver } from "../support/receiver";
import { withSettings } from "../support/settings";

withSettings({ ALLOW_PRIVATE_WEBHOOKS: "false" });

describe("registering in production", () => {
  it("runs with private webhooks refused", () => {
    expect(config().allowPrivateWebhooks).toBe(false);
  });

  it.each([
    ["http://hooks.example/events", "must use https"],
    ["https://127.0.0.1/hooks", "private"],
    ["https://127.1/hooks", "private"], // the same address, abbreviated
    ["https://0x7f000001/hooks", "private"], // and in hex
    ["https://localhost:8443/hooks", "private"],
    ["https://[::1]/hooks", "private"],
    ["https://[::ffff:127.0.0.1]/hooks", "private"],
    ["https://[::ffff:a9fe:a9fe]/latest/meta-data", "private"],
    ["https://169.254.169.254/latest/meta-data", "private"],
    ["https://10.1.2.3/", "private"],
    ["https://172.20.0.5/", "private"],
    ["https://192.168.0.10/", "private"],
    ["https://100.100.100.200/", "private"],
    ["https://[fd00:ec2::254]/", "private"],
    ["https://[fe80::1]/", "private"],
    ["https://0.0.0.0/", "private"],
    ["https://nowhere.invalid/", "could not be resolved"],
  ])("refuses %s", async (url, reason) => {
    const key = await newKey();
    const response = await call("POST", "/webhooks", { key: key.secret, body: { url } });
    expect(response.status).toBe(422);
    const { error } = (await response.json()) as { error: { issues: { path: string; message: string }[] } };
    expect(error.issues).toEqual([{ path: "url", message: expect.stringContaining(reason) }]);
  });
});

describe("delivering in production", () => {
  it("refuses an endpoint whose name has come to resolve to a private address", async () => {
    const [key, hooks] = await Promise.all([newKey(), startReceiver()]);
    try {
      const port = new URL(hooks.url).port;
      // At registration the name resolved to a public address…
      const { endpoint } = await Webhook.register(
        key.id,
        { url: `https://localhost:${port}/hooks` },
        { resolve: async () => [{ address: "93.184.215.14", family: 4 }] },
      );
      const { articles } = await ingestSource(1);
      const filed = await call("POST", "/takedowns", {
        key: key.secret,
        body: noticeInput([articles[0]!.originalUrl]),
      });
      const { id } = (await filed.json()) as { id: string };

      // …and now it resolves to loopback, which the attempt refuses before connecting.
      await Dispatch.deliver(id);
      expect(hooks.received).toHaveLength(0);
      const [delivery] = await Webhook.deliveries(key.id, endpoint.id);
      expect(delivery).toMatchObject({ status: "pending", attempts: 1, lastError: "private_address" });
      expect(delivery!.lastStatus).toBeUndefined();
    } finally {
      await hooks.close();
    }
  });
});
