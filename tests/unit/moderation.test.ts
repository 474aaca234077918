import * as Moderation from "@takedown/core/moderation";
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

describe("what the log records of each step", () => {
  const filedAt = "2026-11-29T10:00:00.000Z";
  const confirmedAt = "2026-11-29T11:00:00.000Z";
  const decidedAt = "2026-11-30T09:00:00.000Z";
  const log = (confirmedAtFiling = false): Moderation.Event[] => [
    { type: "filed", at: filedAt, by: "jane@a.example", confirmed: confirmedAtFiling },
    { type: "confirmed", at: confirmedAt, by: "jane@a.example" },
  ];

  it("keeps when the notice was filed and when its sender confirmed it", () => {
    expect(Moderation.derive(log().slice(0, 1))).toEqual({ status: "awaiting_confirmation", filedAt, confirmedAt: undefined });
    expect(Moderation.derive(log())).toEqual({ status: "pending_review", filedAt, confirmedAt });
    expect(Moderation.derive(log(true).slice(0, 1))).toEqual({ status: "pending_review", filedAt, confirmedAt: filedAt });
  });

  it("keeps who decided what, when and why, and marks a manifestly unfounded notice only when it is one", () => {
    const decided = (unfounded?: boolean): Moderation.Event => ({
      type: "decided", at: decidedAt, by: "ops@x.example", action: "rejected", reason: "Not the author.", unfounded,
    });
    expect(Moderation.derive([...log(), decided(true)]).decision).toEqual({
      action: "rejected", by: "ops@x.example", at: decidedAt, reason: "Not the author.", unfounded: true,
    });
    expect(Moderation.derive([...log(), decided(false)]).decision).not.toHaveProperty("unfounded");
    expect(Moderation.derive([...log(), decided()]).decision).not.toHaveProperty("unfounded");
  });

  it("is not moved by mail, effects or an objection", () => {
    const after = Moderation.derive([...log(), approved]);
    const records: Moderation.Event[] = [
      sent,
      { type: "mail_failed", at, by: "system", kind: "decision", to: "jane@a.example", error: "refused", permanent: true },
      { type: "mail_bounced", at, by: "ses", to: "jane@a.example", bounce: "permanent" },
      { type: "articles_hidden", at, by: "system", count: 1, articleIds: ["a1"] },
      { type: "rule_created", at, by: "system", rule: "source:a.example" },
      { type: "contested", at, by: "jane@a.example", objection: "It is mine." },
    ];
    expect(Moderation.derive([...log(), approved, ...records])).toEqual(after);
  });

  it("says which status refused which step", () => {
    const refusal = (events: Moderation.Event[]) => {
      try {
        Moderation.derive(events);
      } catch (error) {
        return error as Moderation.InvalidTransition;
      }
      throw new Error("accepted");
    };
    expect(refusal([filed, approved])).toMatchObject({
      from: "awaiting_confirmation", event: "decided", message: "A notice that is awaiting_confirmation cannot be decided.",
    });
    expect(refusal([filed, filed])).toMatchObject({ from: "awaiting_confirmation", event: "filed" });
    expect(refusal([confirmed])).toMatchObject({ from: "awaiting_confirmation", event: "confirmed" });
    expect(() => Moderation.derive([])).toThrow("A notice's log starts with its filing.");
  });
});
