/**
 * The append-only log of what happened to a notice, and the status derived
 * from it. Pure: no I/O, so the rules of the workflow are unit-tested alone.
 *
 * Writes never read-modify-write the log. A transition appends its event
 * with a condition on the stored status (`from`), and stores `to`; `derive`
 * recomputes the same status from the log, which is how the audit trail and
 * the status are kept honest with each other.
 */
import * as z from "zod/mini";

export type Status = "awaiting_confirmation" | "pending_review" | "approved" | "rejected";
const Decision = z.enum(["approved", "rejected"]);
export type Decision = z.output<typeof Decision>;
export const MailKind = z.enum(["receipt", "review", "decision", "contest"]);
export type MailKind = z.output<typeof MailKind>;

const base = { at: z.string(), by: z.string() };
const kind = <T extends string, S extends z.core.$ZodLooseShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ...base, ...shape });

/** What operators decided, as the notice keeps it. */
export const DecisionRecord = z.object({
  action: Decision,
  ...base,
  reason: z.optional(z.string()),
  /** Manifestly unfounded (DSA Art. 23). */
  unfounded: z.optional(z.boolean()),
});

/** One entry of a notice's log, as stored and as read back. */
export const Event = z.discriminatedUnion("type", [
  kind("filed", { confirmed: z.boolean() }),
  kind("confirmed", {}),
  kind("decided", { action: Decision, reason: z.optional(z.string()), unfounded: z.optional(z.boolean()) }),
  kind("counter_noticed", { counterNotice: z.string() }),
  /** `ref`: SES's message id. */
  kind("mail_sent", { kind: MailKind, to: z.string(), ref: z.optional(z.string()) }),
  /** The desk stopped trying: SES refused for good, the address is suppressed, or retries ran out. */
  kind("mail_failed", { kind: MailKind, to: z.string(), error: z.string(), permanent: z.boolean() }),
  /** SES reported, after accepting it, that mail bounced or drew a complaint (Bounce.recordSes). */
  kind("mail_bounced", { to: z.string(), bounce: z.enum(["permanent", "transient", "complaint"]), ref: z.optional(z.string()) }),
  kind("articles_hidden", { count: z.number(), articleIds: z.array(z.string()) }),
  kind("rule_created", { rule: z.string() }),
  /** The requester objects to the decision (DSA Art. 20); operators are told. */
  kind("contested", { objection: z.string() }),
]);
export type Event = z.output<typeof Event>;

/**
 * How many ids an `articles_hidden` event lists. A source-wide approval can
 * hide thousands of articles; listing them all would outgrow the notice item
 * (DynamoDB's 400 KB), and each article names its notices in `hiddenBy`.
 */
export const LISTED_IDS = 100;

/** The transitions that move a notice on, with the status each requires. */
export const transitions = {
  confirmed: { from: "awaiting_confirmation", to: "pending_review" },
  approved: { from: "pending_review", to: "approved" },
  rejected: { from: "pending_review", to: "rejected" },
} as const satisfies Record<string, { from: Status; to: Status }>;

export type State = {
  status: Status;
  filedAt?: string;
  confirmedAt?: string;
  decision?: z.output<typeof DecisionRecord>;
};

export class InvalidTransition extends Error {
  constructor(readonly from: Status, readonly event: Event["type"]) {
    super(`A notice that is ${from} cannot be ${event}.`);
  }
}

export function apply(state: State | undefined, event: Event): State {
  if (!state) {
    if (event.type !== "filed") throw new InvalidTransition("awaiting_confirmation", event.type);
    return {
      status: event.confirmed ? "pending_review" : "awaiting_confirmation",
      filedAt: event.at,
      confirmedAt: event.confirmed ? event.at : undefined,
    };
  }
  switch (event.type) {
    case "filed":
      throw new InvalidTransition(state.status, event.type);
    case "confirmed":
      expect(state, transitions.confirmed.from, event);
      return { ...state, status: transitions.confirmed.to, confirmedAt: event.at };
    case "decided": {
      const { from, to } = transitions[event.action];
      expect(state, from, event);
      const { action, by, at, reason, unfounded } = event;
      return { ...state, status: to, decision: { action, by, at, reason, ...(unfounded ? { unfounded } : {}) } };
    }
    default:
      // Mail and effects are records of work done; they do not move the notice.
      return state;
  }
}

function expect(state: State, from: Status, event: Event) {
  if (state.status !== from) throw new InvalidTransition(state.status, event.type);
}

export function derive(events: readonly Event[]): State {
  const state = events.reduce<State | undefined>(apply, undefined);
  if (!state) throw new Error("A notice's log starts with its filing.");
  return state;
}
