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

const later = (days: number) => new Date(Date.parse(at) + days * 86_400_000).toISOString();
const by = "ops@x.example";
const other = "ada@x.example";
const partly: Moderation.Event = {
  type: "decided",
  at,
  by,
  action: "approved",
  urls: [
    { url: "https://a.example/1", outcome: "hidden" },
    { url: "https://a.example/2", outcome: "kept", reason: "Licensed." },
  ],
};

describe("the operators' side: partial decisions, reversals, appeals, questions", () => {
  it("a decision that keeps some URLs is a partial approval", () => {
    expect(Moderation.derive([filed, confirmed, partly]).status).toBe("partially_approved");
    const whole = { ...partly, urls: partly.urls!.map((u) => ({ ...u, outcome: "hidden" as const })) };
    expect(Moderation.derive([filed, confirmed, whole]).status).toBe("approved");
  });

  it("a reversal brings back the whole approval, or part of it", () => {
    const reversed: Moderation.Event = { type: "reversed", at: later(1), by: other, reason: "Mistake." };
    expect(Moderation.derive([filed, confirmed, approved, reversed]).status).toBe("reversed");
    const some = Moderation.derive([filed, confirmed, approved, { ...reversed, urls: ["https://a.example/1"] }]);
    expect(some).toMatchObject({ status: "partially_approved", restored: ["https://a.example/1"] });
    expect(() => Moderation.derive([filed, confirmed, rejected, reversed])).toThrow(Moderation.InvalidTransition);
    expect(() => Moderation.derive([filed, confirmed, approved, reversed, reversed])).toThrow(Moderation.InvalidTransition);
  });

  it("a rejection may be appealed once, within six months, and goes back to review as contested", () => {
    const appealed: Moderation.Event = { type: "appealed", at: later(10), by: "requester", reason: "I am the author." };
    const state = Moderation.derive([filed, confirmed, rejected, appealed]);
    expect(state).toMatchObject({ status: "pending_review", contested: true, appeal: { rejectedBy: by, decided: false } });
    expect(Moderation.queueOf(state)).toBe("contested");
    const redecided = Moderation.derive([filed, confirmed, rejected, appealed, { ...approved, by: other, at: later(11) }]);
    expect(redecided).toMatchObject({ status: "approved", appeal: { decided: true } });
    expect(Moderation.queueOf(redecided)).toBe("decided");
    expect(() => Moderation.derive([filed, confirmed, rejected, appealed, { ...rejected, at: later(12) }, appealed])).toThrow(
      Moderation.InvalidTransition,
    );
    expect(() => Moderation.derive([filed, confirmed, rejected, { ...appealed, at: later(200) }])).toThrow(Moderation.InvalidTransition);
    expect(() => Moderation.derive([filed, confirmed, approved, appealed])).toThrow(Moderation.InvalidTransition);
    expect(Moderation.derive([filed, confirmed, partly, appealed]).status).toBe("pending_review");
  });

  it("a question pauses the review clock until it is answered, and a decision may still be taken meanwhile", () => {
    const asked: Moderation.Event = { type: "info_requested", at, by, question: "Which book?" };
    const given: Moderation.Event = { type: "info_given", at: later(2), by: "requester", answer: "The first." };
    expect(Moderation.derive([filed, confirmed, asked])).toMatchObject({ status: "awaiting_information", askedAt: at });
    expect(Moderation.queueOf(Moderation.derive([filed, confirmed, asked]))).toBe("pending_review");
    const answered = Moderation.derive([filed, confirmed, asked, given]);
    expect(answered).toMatchObject({ status: "pending_review", pausedMs: 2 * 86_400_000 });
    expect(answered.askedAt).toBeUndefined();
    expect(Moderation.derive([filed, confirmed, asked, approved]).status).toBe("approved");
    expect(() => Moderation.derive([filed, confirmed, given])).toThrow(Moderation.InvalidTransition);
  });

  it("a withdrawal ends the notice from any status but itself", () => {
    const withdrawn: Moderation.Event = { type: "withdrawn", at, by: "requester" };
    for (const log of [[filed], [filed, confirmed], [filed, confirmed, approved], [filed, confirmed, rejected]]) {
      const state = Moderation.derive([...log, withdrawn]);
      expect(state.status).toBe("withdrawn");
      expect(Moderation.queueOf(state)).toBe("decided");
    }
    expect(() => Moderation.derive([filed, withdrawn, withdrawn])).toThrow(Moderation.InvalidTransition);
  });

  it("a counter-notice puts an approval back in the queue; notes, assignments and confirmations move nothing", () => {
    const countered = Moderation.derive([filed, confirmed, approved, { type: "counter_noticed", at, by: "system", counterNotice: "c1" }]);
    expect(countered).toMatchObject({ status: "approved", contested: true });
    expect(Moderation.queueOf(countered)).toBe("contested");
    const restored = Moderation.apply(countered, { type: "restored", at, by, urls: ["https://a.example/1"], reason: "Licensed." });
    expect(restored).toMatchObject({ status: "partially_approved", restored: ["https://a.example/1"] });
    expect(restored.contested).toBeUndefined();
    const all = Moderation.apply(countered, { type: "restored", at, by, urls: ["https://a.example/1"], reason: "Licensed.", whole: true });
    expect(all.status).toBe("reversed");
    const log: Moderation.Event[] = [
      filed,
      confirmed,
      approved,
      { type: "noted", at, by, text: "Called them." },
      { type: "assigned", at, by, to: other },
      { type: "rule_confirmed", at, by: other, rule: "source:a.example" },
    ];
    expect(Moderation.derive(log)).toMatchObject({ status: "approved", assignee: other, confirmedRules: ["source:a.example"] });
    expect(Moderation.derive([...log, { type: "assigned", at, by, to: "" }]).assignee).toBeUndefined();
    expect(() => Moderation.derive([filed, confirmed, { type: "rule_confirmed", at, by, rule: "x" }])).toThrow(Moderation.InvalidTransition);
  });

  it("puts every status in one queue", () => {
    expect(Moderation.queueOf({ status: "awaiting_confirmation" })).toBe("awaiting_confirmation");
    expect(Moderation.queueOf({ status: "pending_review" })).toBe("pending_review");
    for (const status of ["approved", "partially_approved", "rejected", "withdrawn", "reversed"] as const) {
      expect(Moderation.queueOf({ status })).toBe("decided");
    }
  });
});
