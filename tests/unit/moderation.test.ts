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
      const next = event === "confirmed" ? confirmed : { ...approved, action: event as Moderation.Decision };
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
    expect(() => Moderation.derive([filed, confirmed, approved, reversed, reversed])).toThrow(
      Moderation.InvalidTransition,
    );
  });

  it("a rejection may be appealed once, within six months, and goes back to review as contested", () => {
    const appealed: Moderation.Event = { type: "appealed", at: later(10), by: "requester", reason: "I am the author." };
    const state = Moderation.derive([filed, confirmed, rejected, appealed]);
    expect(state).toMatchObject({
      status: "pending_review",
      contested: true,
      appeal: { rejectedBy: by, decided: false },
    });
    expect(Moderation.queueOf(state)).toBe("contested");
    const redecided = Moderation.derive([
      filed,
      confirmed,
      rejected,
      appealed,
      { ...approved, by: other, at: later(11) },
    ]);
    expect(redecided).toMatchObject({ status: "approved", appeal: { decided: true } });
    expect(Moderation.queueOf(redecided)).toBe("decided");
    expect(() =>
      Moderation.derive([filed, confirmed, rejected, appealed, { ...rejected, at: later(12) }, appealed]),
    ).toThrow(Moderation.InvalidTransition);
    expect(() => Moderation.derive([filed, confirmed, rejected, { ...appealed, at: later(200) }])).toThrow(
      Moderation.InvalidTransition,
    );
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
    const countered = Moderation.derive([
      filed,
      confirmed,
      approved,
      { type: "counter_noticed", at, by: "system", counterNotice: "c1" },
    ]);
    expect(countered).toMatchObject({ status: "approved", contested: true });
    expect(Moderation.queueOf(countered)).toBe("contested");
    const restored = Moderation.apply(countered, {
      type: "restored",
      at,
      by,
      urls: ["https://a.example/1"],
      reason: "Licensed.",
    });
    expect(restored).toMatchObject({ status: "partially_approved", restored: ["https://a.example/1"] });
    expect(restored.contested).toBeUndefined();
    const all = Moderation.apply(countered, {
      type: "restored",
      at,
      by,
      urls: ["https://a.example/1"],
      reason: "Licensed.",
      whole: true,
    });
    expect(all.status).toBe("reversed");
    const log: Moderation.Event[] = [
      filed,
      confirmed,
      approved,
      { type: "noted", at, by, text: "Called them." },
      { type: "assigned", at, by, to: other },
      { type: "rule_confirmed", at, by: other, rule: "source:a.example" },
    ];
    expect(Moderation.derive(log)).toMatchObject({
      status: "approved",
      assignee: other,
      confirmedRules: ["source:a.example"],
    });
    expect(Moderation.derive([...log, { type: "assigned", at, by, to: "" }]).assignee).toBeUndefined();
    expect(() => Moderation.derive([filed, confirmed, { type: "rule_confirmed", at, by, rule: "x" }])).toThrow(
      Moderation.InvalidTransition,
    );
  });

  it("puts every status in one queue", () => {
    expect(Moderation.queueOf({ status: "awaiting_confirmation" })).toBe("awaiting_confirmation");
    expect(Moderation.queueOf({ status: "pending_review" })).toBe("pending_review");
    for (const status of ["approved", "partially_approved", "rejected", "withdrawn", "reversed"] as const) {
      expect(Moderation.queueOf({ status })).toBe("decided");
    }
  });
});

describe("the operators' side at its edges", () => {
  it("a rejection stays a rejection even when it lists URLs it kept", () => {
    const refused: Moderation.Event = { ...partly, action: "rejected", reason: "Not the author." };
    expect(Moderation.derive([filed, confirmed, refused]).status).toBe("rejected");
  });

  it("a whole reversal lists no URLs as restored; a later partial one lists only its own", () => {
    const whole = Moderation.derive([
      filed,
      confirmed,
      approved,
      { type: "reversed", at: later(1), by: other, reason: "Mistake." },
    ]);
    expect(whole.restored).toEqual([]);
    const first = Moderation.derive([
      filed,
      confirmed,
      approved,
      { type: "reversed", at, by: other, reason: "Part.", urls: ["https://a.example/1"] },
    ]);
    const second = Moderation.apply(first, {
      type: "restored",
      at,
      by,
      urls: ["https://a.example/2", "https://a.example/1"],
      reason: "Licensed.",
    });
    expect(second.restored).toEqual(["https://a.example/1", "https://a.example/2"]);
  });

  it("an appeal on the last day of the six months is heard; a moment later it is not", () => {
    const deadline = new Date(Date.parse(at) + Moderation.APPEAL_WITHIN_MS).toISOString();
    const appeal = (when: string): Moderation.Event => ({
      type: "appealed",
      at: when,
      by: "requester",
      reason: "Mine.",
    });
    expect(Moderation.derive([filed, confirmed, rejected, appeal(deadline)]).status).toBe("pending_review");
    const late = new Date(Date.parse(deadline) + 1).toISOString();
    expect(() => Moderation.derive([filed, confirmed, rejected, appeal(late)])).toThrow(Moderation.InvalidTransition);
  });

  it("the review clock keeps the time it stood still through later steps, and adds each question's wait", () => {
    const ask = (day: number): Moderation.Event => ({
      type: "info_requested",
      at: later(day),
      by,
      question: "Which book?",
    });
    const answer = (day: number): Moderation.Event => ({
      type: "info_given",
      at: later(day),
      by: "requester",
      answer: "The first.",
    });
    const twice = Moderation.derive([filed, confirmed, ask(0), answer(2), ask(3), answer(4)]);
    expect(twice.pausedMs).toBe(3 * 86_400_000);
    const decided = Moderation.apply(twice, { ...approved, at: later(5) });
    expect(decided.pausedMs).toBe(3 * 86_400_000);
    expect(Moderation.apply(decided, { type: "withdrawn", at: later(6), by: "requester" }).pausedMs).toBe(
      3 * 86_400_000,
    );
    const decidedWhileAsked = Moderation.derive([
      filed,
      confirmed,
      ask(0),
      answer(1),
      ask(2),
      { ...approved, at: later(4) },
    ]);
    expect(decidedWhileAsked).toMatchObject({ status: "approved", pausedMs: 3 * 86_400_000 });
    expect(decidedWhileAsked.askedAt).toBeUndefined();
    expect(Moderation.derive([filed, confirmed, approved]).pausedMs).toBeUndefined();
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
    expect(Moderation.derive(log().slice(0, 1))).toEqual({
      status: "awaiting_confirmation",
      filedAt,
      confirmedAt: undefined,
    });
    expect(Moderation.derive(log())).toEqual({ status: "pending_review", filedAt, confirmedAt });
    expect(Moderation.derive(log(true).slice(0, 1))).toEqual({
      status: "pending_review",
      filedAt,
      confirmedAt: filedAt,
    });
  });

  it("keeps who decided what, when and why, and marks a manifestly unfounded notice only when it is one", () => {
    const decided = (unfounded?: boolean): Moderation.Event => ({
      type: "decided",
      at: decidedAt,
      by: "ops@x.example",
      action: "rejected",
      reason: "Not the author.",
      unfounded,
    });
    expect(Moderation.derive([...log(), decided(true)]).decision).toEqual({
      action: "rejected",
      by: "ops@x.example",
      at: decidedAt,
      reason: "Not the author.",
      unfounded: true,
    });
    expect(Moderation.derive([...log(), decided(false)]).decision).not.toHaveProperty("unfounded");
    expect(Moderation.derive([...log(), decided()]).decision).not.toHaveProperty("unfounded");
  });

  it("is not moved by mail, effects or an objection", () => {
    const after = Moderation.derive([...log(), approved]);
    const records: Moderation.Event[] = [
      sent,
      {
        type: "mail_failed",
        at,
        by: "system",
        kind: "decision",
        to: "jane@a.example",
        error: "refused",
        permanent: true,
      },
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
      from: "awaiting_confirmation",
      event: "decided",
      message: "A notice that is awaiting_confirmation cannot be decided.",
    });
    expect(refusal([filed, filed])).toMatchObject({ from: "awaiting_confirmation", event: "filed" });
    expect(refusal([confirmed])).toMatchObject({ from: "awaiting_confirmation", event: "confirmed" });
    expect(() => Moderation.derive([])).toThrow("A notice's log starts with its filing.");
  });
});

describe("a counter-notice's steps on the notice it disputes", () => {
  const countered = (id: string): Moderation.Event => ({
    type: "counter_noticed",
    at,
    by: "system",
    counterNotice: id,
  });
  const court = (id: string): Moderation.Event => ({
    type: "court_action_reported",
    at: later(3),
    by: "requester",
    counterNotice: id,
    text: "N.D. Cal. 3:26-cv-01234",
  });
  const closed = (id: string): Moderation.Event => ({
    type: "counter_window_closed",
    at: later(14),
    by: "system",
    counterNotice: id,
  });

  it("a window closed without a court action marks the case ready, in the contested queue, until an operator restores", () => {
    const ready = Moderation.derive([filed, confirmed, approved, countered("c1"), closed("c1")]);
    expect(ready.status).toBe("approved");
    expect(Moderation.readyToRestore(ready)).toEqual(["c1"]);
    expect(Moderation.queueOf(ready)).toBe("contested");
    const restored = Moderation.apply(ready, {
      type: "restored",
      at: later(15),
      by,
      urls: ["https://a.example/1"],
      reason: "Licensed.",
      whole: true,
    });
    expect(Moderation.readyToRestore(restored)).toEqual([]);
    expect(Moderation.queueOf(restored)).toBe("decided");
  });

  it("a court action leaves the approval standing and the case out of the contested queue, unless another waits there", () => {
    const inCourt = Moderation.derive([filed, confirmed, approved, countered("c1"), court("c1")]);
    expect(inCourt.status).toBe("approved");
    expect(Moderation.readyToRestore(inCourt)).toEqual([]);
    expect(Moderation.queueOf(inCourt)).toBe("decided");
    // Another counter-notice still ready for an operator keeps the case in the list.
    const other = Moderation.derive([
      filed,
      confirmed,
      approved,
      countered("c1"),
      closed("c1"),
      countered("c2"),
      court("c2"),
    ]);
    expect(Moderation.readyToRestore(other)).toEqual(["c1"]);
    expect(Moderation.queueOf(other)).toBe("contested");
  });

  it("refuses a court action or a closed window for a counter-notice the notice did not take, or no longer open", () => {
    expect(() => Moderation.derive([filed, confirmed, approved, court("c1")])).toThrow(Moderation.InvalidTransition);
    expect(() => Moderation.derive([filed, confirmed, approved, closed("c1")])).toThrow(Moderation.InvalidTransition);
    expect(() => Moderation.derive([filed, confirmed, approved, countered("c1"), court("c1"), closed("c1")])).toThrow(
      Moderation.InvalidTransition,
    );
    // A window that closes after the approval was reversed has nothing left to restore.
    const reversed: Moderation.Event = { type: "reversed", at: later(2), by, reason: "Mistake." };
    expect(() => Moderation.derive([filed, confirmed, approved, countered("c1"), reversed, closed("c1")])).toThrow(
      Moderation.InvalidTransition,
    );
  });
});
