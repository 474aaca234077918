import { Dispatch, type Moderation, type Notice, Outbox } from "@takedown/core";
import { describe, expect, it } from "vitest";

const now = new Date("2026-12-01T10:00:00.000Z");
const at = now.toISOString();
const filed: Moderation.Event = { type: "filed", at, by: "jane@a.example", confirmed: false };

function notice(overrides: Partial<Notice.Notice> = {}): Notice.Notice {
  return {
    id: "n1",
    createdAt: at,
    requester: { name: "Jane Doe", email: "jane@a.example", role: "author" },
    urls: [{ url: "https://a.example/x" }],
    scope: "urls",
    future: false,
    work: "w",
    explanation: "e",
    signature: "Jane Doe",
    subjects: [],
    status: "approved",
    events: [filed],
    outbox: {},
    version: 7,
    ...overrides,
  };
}

const [decisionId, decision] = Outbox.queue("decision", now);
const [reviewId, review] = Outbox.queue("review", now, "ops@x.example");
const sent: Dispatch.Outcome = { id: decisionId, message: decision, ref: "ses-1" };
const hidden: Moderation.Event = { type: "articles_hidden", at, by: "system", count: 1, articleIds: ["a1"] };
const removed = (plan: Dispatch.Write["plan"]) => plan.flatMap((step) => ("remove" in step ? [step.remove] : []));

describe("the write that releases a dispatcher's lease", () => {
  it("records the effects and the last message in one write, and takes a settled notice out of the due index", () => {
    const { settled } = Dispatch.release(
      notice({ effectsPending: true }),
      "me",
      { effects: [hidden], last: sent, failed: [], dropped: [] },
      now,
    );
    expect(settled.plan).toContainEqual({
      append: "events",
      values: [hidden, { type: "mail_sent", at, by: "system", kind: "decision", to: "jane@a.example", ref: "ses-1" }],
    });
    expect(removed(settled.plan)).toEqual(
      expect.arrayContaining([
        "lease",
        "holder",
        "previousHolder",
        "effectsPending",
        ["outbox", decisionId],
        "gsi2pk",
        "gsi2sk",
      ]),
    );
    expect(settled.plan).toContainEqual({ add: "version", value: 1 });
    // Only if nothing moved the notice on since the claim, and only under our lease.
    expect(settled.condition).toEqual({
      and: [
        { path: "holder", is: "=", value: "me" },
        { path: "version", is: "=", value: 7 },
      ],
    });
  });

  it("when the notice changed since the claim, records the same but leaves the due index and the effects to the transition", () => {
    const run = { effects: [hidden], last: sent, failed: [], dropped: [] };
    const { settled, busy } = Dispatch.release(notice(), "me", run, now);
    expect(busy.condition).toEqual({ path: "holder", is: "=", value: "me" });
    // A reversal that landed meanwhile asked for effects again: the next run applies them (they are idempotent).
    const leftToTransition = ["gsi2pk", "gsi2sk", "effectsPending"];
    expect(busy.plan).toEqual(
      settled.plan.filter((step) => !removed([step]).some((path) => leftToTransition.includes(path as string))),
    );
    expect(JSON.stringify(busy.plan)).not.toContain("gsi2");
    expect(removed(busy.plan)).not.toContain("effectsPending");
  });

  it("keeps a failed message with one more attempt and wakes the notice when its retry is due", () => {
    const failed: Dispatch.Outcome = { id: reviewId, message: review, error: "Throttling" };
    const { settled, busy } = Dispatch.release(notice(), "me", { failed: [failed], dropped: [] }, now);
    const kept = { ...review, attempts: 1, lastError: "Throttling" };
    expect(settled.plan).toContainEqual({ set: ["outbox", reviewId], value: kept });
    expect(busy.plan).toContainEqual({ set: ["outbox", reviewId], value: kept });
    expect(settled.plan).toContainEqual({ set: "gsi2sk", value: "2026-12-01T10:00:05.000Z" });
    expect(removed(settled.plan)).not.toContain("gsi2pk");
    expect(settled.plan.some((step) => "append" in step)).toBe(false);
  });

  it("logs a message it gave up on as failed, drops events nobody hears, and clears a past failure count", () => {
    const gaveUp: Dispatch.Outcome = {
      id: decisionId,
      message: decision,
      error: "MessageRejected",
      gaveUp: { permanent: true },
    };
    const past = { failures: 2, lastError: "Error" };
    const { settled } = Dispatch.release(
      notice({ dispatch: past }),
      "me",
      { last: gaveUp, failed: [], dropped: ["webhook:approved"] },
      now,
    );
    expect(settled.plan).toContainEqual({
      append: "events",
      values: [
        {
          type: "mail_failed",
          at,
          by: "system",
          kind: "decision",
          to: "jane@a.example",
          error: "MessageRejected",
          permanent: true,
        },
      ],
    });
    expect(removed(settled.plan)).toEqual(
      expect.arrayContaining(["dispatch", ["outbox", "webhook:approved"], ["outbox", decisionId]]),
    );
    expect(removed(settled.plan)).not.toContain("effectsPending");
  });

  it("writes nothing to the log when nothing left the outbox", () => {
    const { settled } = Dispatch.release(notice(), "me", { failed: [], dropped: [] }, now);
    expect(settled.plan.some((step) => "append" in step)).toBe(false);
    expect(removed(settled.plan)).not.toContain("dispatch");
  });
});
