/**
 * The webhook example of docs/api.md (docs/examples/webhook.ts) against the
 * app: its receiver gets the signed event and its own verification, written
 * from the specification, agrees with the specification's example.
 */
import { Dispatch } from "@takedown/core";
import { app, type App } from "@takedown/web";
import { hc } from "hono/client";
import { expect, it } from "vitest";
import { fileNotice } from "../../docs/examples/file-notice";
import { listen, subscribe, unsubscribe, verify } from "../../docs/examples/webhook";
import { newKey } from "../support/api";
import { ingestSource } from "../support/fixtures";

it("registers its receiver, gets the signed event and reads each URL's outcome", async () => {
  const key = await newKey();
  const { articles } = await ingestSource(1);
  const api = hc<App>("http://127.0.0.1:3999", {
    fetch: app.request,
    headers: { Authorization: `Bearer ${key.secret}` },
  });
  const receiver = await listen();
  try {
    const endpoint = await subscribe(api, receiver.url);
    receiver.trust(endpoint.secret);
    const filed = await fileNotice(api, [articles[0]!.originalUrl, "https://elsewhere.example/never-here"]);
    const waiting = receiver.next(filed.id, "pending_review", 5_000);
    await Dispatch.deliver(filed.id);
    const event = await waiting;
    expect(event.data.urls.map((u) => [u.outcome, u.articleId])).toEqual([
      ["matched", articles[0]!.id],
      ["not_found", undefined],
    ]);
    await unsubscribe(api, endpoint.id);
  } finally {
    await receiver.close();
  }
});

it("verifies as the Standard Webhooks specification's example says, and nothing else", () => {
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const body = '{"test": 2432232314}';
  const headers = {
    "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
    "webhook-timestamp": "1614265330",
    "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
  };
  const at = 1614265330_000;
  expect(verify(secret, headers, body, at)).toEqual({ test: 2432232314 });
  expect(() => verify(secret, headers, body.replace("2", "3"), at)).toThrow("No valid signature");
  expect(() => verify(secret, { ...headers, "webhook-id": "msg_other" }, body, at)).toThrow("No valid signature");
  expect(() => verify(secret, headers, body, at + 10 * 60_000)).toThrow("too far");
});
