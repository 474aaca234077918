import { Moderation } from "@takedown/core";
import { describe, expect, it } from "vitest";

const at = "2026-11-29T10:00:00.000Z";
const filed: Moderation.Event = { type: "filed", at, by: "jane@a.example", confirmed: false };
const confirmed: Moderation.Event = { type: "confirmed", at, by: "jane@a.example" };
const approved: Moderation.Event = { type: "decided", at, by: "ops@x.example", action: "approved" };
const rejected: Moderation.Event = { type: "decided", at, by: "ops@x.example", action: "rejected", reason: "no" };
const sent: Moderation.Event = { type: "mail_sent", at, by: "system", kind: "receipt", to: "jane@a.example" };

describe("a notice's status, derived from its log", () => {
  it("waits for confirmation, then review, then records the decision", () => {
    expect(Moderation.derive([filed]).status).toBe("awaiting_confirmation");
    expect(Moderation.derive([filed, sent, confirmed]).status).toBe("pending_review");
    expect(Moderation.derive([filed, confirmed, approved])).toMatchObject({
      status: "approved",
      decision: { action: "approved", by: "ops@x.example" },
    });
    expect(Moderation.derive([filed, confirmed, rejected]).decision?.reason).toBe("no");
  });

  it("starts in review when the sender was already vetted", () => {
    expect(Moderation.derive([{ ...filed, confirmed: true }]).status).toBe("pending_review");
  });

  it("refuses a decision before confirmation, a second decision, and a log without filing", () => {
    expect(() => Moderation.derive([filed, approved])).toThrow(Moderation.InvalidTransition);
    expect(() => Moderation.derive([filed, confirmed, approved, rejected])).toThrow(Moderation.InvalidTransition);
    expect(() => Moderation.derive([filed, confirmed, confirmed])).toThrow(Moderation.InvalidTransition);
    expect(() => Moderation.derive([confirmed])).toThrow(Moderation.InvalidTransition);
  });

  it("agrees with the transition table the stored writes use", () => {
    for (const [event, { from, to }] of Object.entries(Moderation.transitions)) {
      const state: Moderation.State = { status: from };
      const next =
        event === "confirmed" ? confirmed : { ...approved, action: event as Moderation.Decision };
      expect(Moderation.apply(state, next).status).toBe(to);
    }
  });
});
