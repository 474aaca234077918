/**
 * A notice's log as it is stored and read back: every kind of event parses
 * back as itself with what it said, and an entry the desk never writes (an
 * unknown kind, a missing field, a status or mail kind nobody knows) is refused
 * rather than read as something else.
 */
import * as Moderation from "@takedown/core/moderation";
import { describe, expect, it } from "vitest";

const at = "2026-11-29T10:00:00.000Z";
const by = "ops@x.example";

/** One entry of each kind, with every field it can carry (a Record, so a new kind without an entry here fails the typecheck). */
const stored: { [T in Moderation.Event["type"]]: Extract<Moderation.Event, { type: T }> } = {
  filed: { type: "filed", at, by: "jane@a.example", confirmed: true },
  confirmed: { type: "confirmed", at, by: "jane@a.example" },
  decided: {
    type: "decided",
    at,
    by,
    action: "approved",
    reason: "Copied text.",
    unfounded: false,
    ground: "infringement_confirmed",
    via: "console",
    urls: [
      { url: "https://a.example/1", outcome: "hidden" },
      { url: "https://a.example/2", outcome: "kept", reason: "Licensed." },
    ],
  },
  reversed: { type: "reversed", at, by, reason: "Mistake.", ground: "licence_in_place", urls: ["https://a.example/1"] },
  restored: { type: "restored", at, by, urls: ["https://a.example/1"], reason: "Counter-notice upheld.", whole: true },
  withdrawn: { type: "withdrawn", at, by: "requester", reason: "Settled." },
  appealed: { type: "appealed", at, by: "requester", reason: "I am the author." },
  info_requested: { type: "info_requested", at, by, question: "Which book?" },
  info_given: { type: "info_given", at, by: "requester", answer: "The first." },
  noted: { type: "noted", at, by, text: "Called them." },
  assigned: { type: "assigned", at, by, to: "ada@x.example" },
  rule_confirmed: { type: "rule_confirmed", at, by: "ada@x.example", rule: "source:a.example" },
  counter_noticed: { type: "counter_noticed", at, by: "system", counterNotice: "c1" },
  court_action_reported: {
    type: "court_action_reported",
    at,
    by: "requester",
    counterNotice: "c1",
    text: "N.D. Cal. 3:26-cv-01234",
  },
  counter_window_closed: { type: "counter_window_closed", at, by: "system", counterNotice: "c1" },
  mail_sent: { type: "mail_sent", at, by: "system", kind: "receipt", to: "jane@a.example", ref: "ses-1" },
  mail_failed: {
    type: "mail_failed",
    at,
    by: "system",
    kind: "decision",
    to: "jane@a.example",
    error: "refused",
    permanent: true,
  },
  mail_bounced: { type: "mail_bounced", at, by: "ses", to: "jane@a.example", bounce: "complaint", ref: "ses-1" },
  articles_hidden: { type: "articles_hidden", at, by: "system", count: 2, articleIds: ["a1", "a2"] },
  rule_created: { type: "rule_created", at, by: "system", rule: "author:jane" },
  rule_ended: { type: "rule_ended", at, by: "system", rule: "author:jane" },
  articles_restored: { type: "articles_restored", at, by: "system", count: 1, articleIds: ["a1"] },
  contested: { type: "contested", at, by: "jane@a.example", objection: "It is mine." },
};

/** What the table hands back: plain JSON, nothing shared with what was written. */
const readBack = (value: unknown) => Moderation.Event.safeParse(JSON.parse(JSON.stringify(value)));

/** The fields an entry of this kind cannot do without. */
const required: { [T in Moderation.Event["type"]]: string[] } = {
  filed: ["confirmed"],
  confirmed: [],
  decided: ["action"],
  reversed: ["reason"],
  restored: ["urls", "reason"],
  withdrawn: [],
  appealed: ["reason"],
  info_requested: ["question"],
  info_given: ["answer"],
  noted: ["text"],
  assigned: ["to"],
  rule_confirmed: ["rule"],
  counter_noticed: ["counterNotice"],
  court_action_reported: ["counterNotice", "text"],
  counter_window_closed: ["counterNotice"],
  mail_sent: ["kind", "to"],
  mail_failed: ["kind", "to", "error", "permanent"],
  mail_bounced: ["to", "bounce"],
  articles_hidden: ["count", "articleIds"],
  rule_created: ["rule"],
  rule_ended: ["rule"],
  articles_restored: ["count", "articleIds"],
  contested: ["objection"],
};

describe("a notice's stored log", () => {
  it.each(Object.values(stored))("reads a $type entry back as that kind, with all it said", (event) => {
    const parsed = readBack(event);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toEqual(event);
  });

  it("reads back the entries that carry only what they must", () => {
    const bare: Moderation.Event[] = [
      { type: "decided", at, by, action: "rejected" },
      { type: "reversed", at, by, reason: "Mistake." },
      { type: "restored", at, by, urls: [], reason: "Upheld." },
      { type: "withdrawn", at, by: "requester" },
      { type: "mail_sent", at, by: "system", kind: "appeal", to: "ops@x.example" },
      { type: "mail_bounced", at, by: "ses", to: "jane@a.example", bounce: "transient" },
    ];
    for (const event of bare) expect(readBack(event).data).toEqual(event);
  });

  it.each(
    Object.entries(required).flatMap(([type, fields]) => ["at", "by", ...fields].map((field) => ({ type, field }))),
  )("refuses a $type entry without its $field", ({ type, field }) => {
    const { [field]: _, ...rest } = stored[type as Moderation.Event["type"]] as Record<string, unknown>;
    expect(readBack(rest).success).toBe(false);
  });

  it("refuses an entry of a kind the desk never writes, or with no kind", () => {
    expect(readBack({ type: "deleted", at, by }).success).toBe(false);
    expect(readBack({ type: "", at, by, rule: "author:jane" }).success).toBe(false);
    const { type: _, ...untyped } = stored.rule_created;
    expect(readBack(untyped).success).toBe(false);
  });

  it("refuses a field of the wrong kind rather than reading it as another", () => {
    const wrong: [keyof typeof stored, Record<string, unknown>][] = [
      ["filed", { confirmed: "yes" }],
      ["decided", { action: "approve" }],
      ["decided", { action: "withdrawn" }],
      ["decided", { via: "fax" }],
      ["decided", { unfounded: "true" }],
      ["decided", { urls: [{ url: "https://a.example/1", outcome: "restored" }] }],
      ["decided", { urls: [{ outcome: "hidden" }] }],
      ["reversed", { urls: "https://a.example/1" }],
      ["restored", { whole: "yes" }],
      ["mail_sent", { kind: "newsletter" }],
      ["mail_failed", { kind: "", permanent: "no" }],
      ["mail_bounced", { bounce: "soft" }],
      ["articles_hidden", { count: "2" }],
      ["articles_restored", { articleIds: [1] }],
      ["assigned", { to: null }],
    ];
    for (const [type, change] of wrong)
      expect(readBack({ ...stored[type], ...change }).success, `${type} ${JSON.stringify(change)}`).toBe(false);
  });

  it("reads every kind of mail the desk sends as that kind", () => {
    const kinds = [
      "receipt",
      "review",
      "decision",
      "contest",
      "appeal",
      "reversal",
      "withdrawal",
      "info_request",
      "info_answer",
      "restoration",
    ];
    for (const kind of kinds) {
      expect(readBack({ ...stored.mail_sent, kind }).data).toMatchObject({ type: "mail_sent", kind });
      expect(readBack({ ...stored.mail_failed, kind }).data).toMatchObject({ type: "mail_failed", kind });
    }
    for (const bounce of ["permanent", "transient", "complaint"]) {
      expect(readBack({ ...stored.mail_bounced, bounce }).data).toMatchObject({ bounce });
    }
  });

  it("reads a decision taken by every way in", () => {
    for (const via of ["email", "console", "api"])
      expect(readBack({ ...stored.decided, via }).data).toMatchObject({ via });
  });
});

describe("a stored status and queue", () => {
  const statuses = [
    "awaiting_confirmation",
    "pending_review",
    "awaiting_information",
    "approved",
    "partially_approved",
    "rejected",
    "withdrawn",
    "reversed",
  ];

  it("knows each status a notice can be in, and no other", () => {
    for (const status of statuses) expect(Moderation.Status.safeParse(status).data).toBe(status);
    for (const status of ["", "decided", "contested", "Approved"])
      expect(Moderation.Status.safeParse(status).success).toBe(false);
  });

  it("knows each queue a notice can wait in, and every status lands in one of them", () => {
    for (const queue of ["awaiting_confirmation", "pending_review", "decided", "contested"]) {
      expect(Moderation.QueueState.safeParse(queue).data).toBe(queue);
    }
    expect(Moderation.QueueState.safeParse("approved").success).toBe(false);
    expect(Moderation.QueueState.safeParse("").success).toBe(false);
    for (const status of statuses) {
      const queue = Moderation.queueOf({ status: status as Moderation.Status });
      expect(Moderation.QueueState.safeParse(queue).success, status).toBe(true);
      expect(
        Moderation.QueueState.safeParse(Moderation.queueOf({ status: status as Moderation.Status, contested: true }))
          .data,
      ).toBe("contested");
    }
  });

  it("keeps a decision record as the reducer derives it", () => {
    const state = Moderation.derive([stored.filed, stored.decided]);
    expect(Moderation.DecisionRecord.safeParse(JSON.parse(JSON.stringify(state.decision))).data).toEqual(
      state.decision,
    );
    expect(Moderation.DecisionRecord.safeParse({ action: "approved", at }).success).toBe(false);
    expect(Moderation.DecisionRecord.safeParse({ action: "partially_approved", at, by }).success).toBe(false);
  });
});
