/** Webhook signatures against the specification's own example, and the event's body. */
import { type Notice, Webhook } from "@takedown/core";
import { describe, expect, it } from "vitest";

describe("the signature", () => {
  it("matches the Standard Webhooks specification's example", () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const signature = Webhook.signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}');
    expect(signature).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });
});

describe("the event", () => {
  const approved = {
    id: "n1",
    createdAt: "2026-11-29T10:00:00.000Z",
    status: "approved",
    decision: { action: "approved", by: "ops@syndication.example", at: "2026-11-29T11:00:00.000Z" },
    urls: [{ url: "https://a.example/1", articleId: "a1" }, { url: "https://a.example/2" }],
  } as Notice.Notice;
  const queued = (status: Notice.Status) => ({
    kind: "webhook" as const,
    status,
    attempts: 0,
    queuedAt: "2026-11-29T10:00:00.000Z",
  });

  it("reports the status it was queued for, with that status's outcomes", () => {
    // Fanned out late, after the approval: it still tells of the filing.
    expect(Webhook.event(approved, queued("pending_review"))).toEqual({
      type: "notice.status_changed",
      timestamp: "2026-11-29T10:00:00.000Z",
      data: {
        id: "n1",
        status: "pending_review",
        createdAt: "2026-11-29T10:00:00.000Z",
        urls: [
          { url: "https://a.example/1", outcome: "matched", articleId: "a1" },
          { url: "https://a.example/2", outcome: "not_found", articleId: undefined },
        ],
      },
    });
  });

  it("carries the decision with the status it led to", () => {
    const { data } = Webhook.event(approved, queued("approved"));
    // Receivers are the requester's systems: they get no operator's address.
    expect(data.decision).toEqual({ ...approved.decision, by: "an operator" });
    expect(data.urls.map((u) => u.outcome)).toEqual(["hidden", "not_found"]);
  });
});
