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

export const Status = z.enum([
  "awaiting_confirmation",
  "pending_review",
  /** An operator asked the requester a question; the review clock stops until they answer. */
  "awaiting_information",
  "approved",
  /** Some of its URLs hidden, others kept (or restored after a partial reversal). */
  "partially_approved",
  "rejected",
  "withdrawn",
  "reversed",
]);
export type Status = z.output<typeof Status>;
const Decision = z.enum(["approved", "rejected"]);
export type Decision = z.output<typeof Decision>;
export const MailKind = z.enum([
  "receipt",
  "review",
  "decision",
  /** Kept for messages queued before appeals replaced objections; mailed as an appeal. */
  "contest",
  "appeal",
  "reversal",
  "withdrawal",
  "info_request",
  "info_answer",
  "restoration",
]);
export type MailKind = z.output<typeof MailKind>;

const base = { at: z.string(), by: z.string() };
const kind = <T extends string, S extends z.core.$ZodLooseShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ...base, ...shape });

/** How a decision was taken: a link from the review mail, the console, or the review API. */
export const Via = z.enum(["email", "console", "api"]);
export type Via = z.output<typeof Via>;

/** One URL of a decision taken URL by URL, as filed. */
const UrlDecision = z.object({ url: z.string(), outcome: z.enum(["hidden", "kept"]), reason: z.optional(z.string()) });
export type UrlDecision = z.output<typeof UrlDecision>;

const decisionFields = {
  reason: z.optional(z.string()),
  /** Manifestly unfounded (DSA Art. 23). */
  unfounded: z.optional(z.boolean()),
  /** The statement-of-reasons template chosen (Notice.Grounds). */
  ground: z.optional(z.string()),
  via: z.optional(Via),
  /** Present when the notice was decided URL by URL. */
  urls: z.optional(z.array(UrlDecision)),
};

/** What operators decided, as the notice keeps it. */
export const DecisionRecord = z.object({ action: Decision, ...base, ...decisionFields });
export type DecisionRecord = z.output<typeof DecisionRecord>;

/** One entry of a notice's log, as stored and as read back. */
export const Event = z.discriminatedUnion("type", [
  kind("filed", { confirmed: z.boolean() }),
  kind("confirmed", {}),
  kind("decided", { action: Decision, ...decisionFields }),
  /** An approval taken back, whole or (`urls`, as filed) in part. */
  kind("reversed", { reason: z.string(), ground: z.optional(z.string()), urls: z.optional(z.array(z.string())) }),
  /** The same, after a counter-notice. */
  kind("restored", { urls: z.array(z.string()), reason: z.string(), whole: z.optional(z.boolean()) }),
  kind("withdrawn", { reason: z.optional(z.string()) }),
  /** The requester appeals a rejection (DSA Art. 20): once, and back to review. */
  kind("appealed", { reason: z.string() }),
  kind("info_requested", { question: z.string() }),
  kind("info_given", { answer: z.string() }),
  /** An operators' note: never shown to the requester. */
  kind("noted", { text: z.string() }),
  /** `to`: an operator's address, or "" when unassigned. */
  kind("assigned", { to: z.string() }),
  /** A second operator confirmed a rule that blocks future articles (FUTURE_RULES_NEED_SECOND_APPROVAL). */
  kind("rule_confirmed", { rule: z.string() }),
  /** A counter-notice disputing the approval was confirmed by its sender (or filed with an API key). */
  kind("counter_noticed", { counterNotice: z.string() }),
  /**
   * The notice's requester reported a court action against the counter-notice's
   * sender (DMCA 512(g)(2)(C)): its window stops for good and the approval stands.
   */
  kind("court_action_reported", { counterNotice: z.string(), text: z.string() }),
  /** A counter-notice's window closed without a court action: restoring is now an operator's decision. */
  kind("counter_window_closed", { counterNotice: z.string() }),
  /** `ref`: SES's message id. */
  kind("mail_sent", { kind: MailKind, to: z.string(), ref: z.optional(z.string()) }),
  /** The desk stopped trying: SES refused for good, the address is suppressed, or retries ran out. */
  kind("mail_failed", { kind: MailKind, to: z.string(), error: z.string(), permanent: z.boolean() }),
  /** SES reported, after accepting it, that mail bounced or drew a complaint (Bounce.recordSes). */
  kind("mail_bounced", {
    to: z.string(),
    bounce: z.enum(["permanent", "transient", "complaint"]),
    ref: z.optional(z.string()),
  }),
  kind("articles_hidden", { count: z.number(), articleIds: z.array(z.string()) }),
  kind("rule_created", { rule: z.string() }),
  /** A reversal or withdrawal ended a rule the notice had left; what it hid is shown again. */
  kind("rule_ended", { rule: z.string() }),
  /** What a reversal, withdrawal or restoration gave back: the notice's marks taken off these articles. */
  kind("articles_restored", { count: z.number(), articleIds: z.array(z.string()) }),
  /** Before appeals: the requester objected to the decision; operators were told. */
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

/** Where a decision may be taken: in review, or while the requester is asked a question. */
export const decidable = ["pending_review", "awaiting_information"] as const satisfies Status[];
/** What a reversal, a restoration or a counter-notice may act on. */
export const standing = ["approved", "partially_approved"] as const satisfies Status[];
/** What may be appealed: a decision that refused the requester all or part of what they asked. */
export const appealable = ["rejected", "partially_approved"] as const satisfies Status[];

/** How long a decision may be appealed (DSA Art. 20: at least six months). */
export const APPEAL_WITHIN_MS = 183 * 24 * 60 * 60 * 1000;

/** The queue a notice waits in (console, Table.queue). */
export const QueueState = z.enum(["awaiting_confirmation", "pending_review", "decided", "contested"]);
export type QueueState = z.output<typeof QueueState>;

export type State = {
  status: Status;
  filedAt?: string;
  confirmedAt?: string;
  decision?: DecisionRecord;
  /** The open or decided appeal; `rejectedBy` should not decide it. */
  appeal?: { at: string; reason: string; rejectedBy: string; decided: boolean };
  /** Appealed or counter-noticed, and not decided again since. */
  contested?: boolean;
  /** The URLs (as filed) a reversal or restoration brought back. */
  restored?: string[];
  /** When an open question was asked; the review clock does not run while it waits. */
  askedAt?: string;
  /** Time the review clock stood still for answers, in milliseconds. */
  pausedMs?: number;
  assignee?: string;
  confirmedRules?: string[];
  /**
   * The counter-notices the notice took, by id, and where each stands: its
   * window `open`, stopped by a `court_action`, `ready` (closed without one,
   * waiting for an operator), or `done` (an operator acted since).
   */
  counterNotices?: Record<string, CounterStanding>;
};

export type CounterStanding = "open" | "court_action" | "ready" | "done";

export class InvalidTransition extends Error {
  constructor(
    readonly from: Status,
    readonly event: Event["type"],
  ) {
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
      expect(state, [transitions.confirmed.from], event);
      return { ...state, status: transitions.confirmed.to, confirmedAt: event.at };
    case "decided": {
      expect(state, decidable, event);
      const { type, ...decision } = event;
      const partial = decision.action === "approved" && decision.urls?.some((u) => u.outcome === "kept");
      const { askedAt, contested, appeal, restored, ...rest } = state;
      return {
        ...rest,
        ...answered(state, event.at),
        ...answeredCounters(state),
        status: partial ? "partially_approved" : transitions[decision.action].to,
        decision: strip(decision),
        ...(appeal ? { appeal: { ...appeal, decided: true } } : {}),
      };
    }
    case "reversed":
    case "restored": {
      expect(state, standing, event);
      const whole = event.type === "reversed" ? !event.urls : event.whole === true;
      const { contested, ...rest } = state;
      return {
        ...rest,
        ...answeredCounters(state),
        status: whole ? "reversed" : "partially_approved",
        restored: [...new Set([...(state.restored ?? []), ...(event.urls ?? [])])],
      };
    }
    case "withdrawn": {
      if (state.status === "withdrawn") throw new InvalidTransition(state.status, event.type);
      const { contested, askedAt, ...rest } = state;
      return { ...rest, ...answered(state, event.at), ...answeredCounters(state), status: "withdrawn" };
    }
    case "appealed": {
      expect(state, appealable, event);
      const decision = state.decision!;
      const late = Date.parse(event.at) - Date.parse(decision.at) > APPEAL_WITHIN_MS;
      if (state.appeal || late) throw new InvalidTransition(state.status, event.type);
      return {
        ...state,
        status: "pending_review",
        contested: true,
        appeal: { at: event.at, reason: event.reason, rejectedBy: decision.by, decided: false },
      };
    }
    case "info_requested":
      expect(state, ["pending_review"], event);
      return { ...state, status: "awaiting_information", askedAt: event.at };
    case "info_given": {
      expect(state, ["awaiting_information"], event);
      const { askedAt, ...rest } = state;
      return { ...rest, ...answered(state, event.at), status: "pending_review" };
    }
    case "counter_noticed":
      expect(state, standing, event);
      return { ...state, contested: true, counterNotices: { ...state.counterNotices, [event.counterNotice]: "open" } };
    case "court_action_reported": {
      // The approval stands (the article stays withheld while a court decides), so the status does not move.
      // The case leaves the contested list unless something else there waits for an operator: the court,
      // not the desk, decides what happens next, and a case waiting months on a court would otherwise sit
      // in the list and the daily digest all that time.
      expectCounter(state, event, "open");
      const next: State = {
        ...state,
        counterNotices: { ...state.counterNotices, [event.counterNotice]: "court_action" },
      };
      if (waitsForOperator(next)) return next;
      const { contested, ...rest } = next;
      return rest;
    }
    case "counter_window_closed":
      // Back in the queue, marked ready: restoring is the operator's call (or the job's, which records `restored`).
      expect(state, standing, event);
      expectCounter(state, event, "open");
      return { ...state, contested: true, counterNotices: { ...state.counterNotices, [event.counterNotice]: "ready" } };
    case "rule_confirmed":
      expect(state, standing, event);
      return { ...state, confirmedRules: [...new Set([...(state.confirmedRules ?? []), event.rule])] };
    case "assigned": {
      const { assignee, ...rest } = state;
      return event.to ? { ...rest, assignee: event.to } : rest;
    }
    default:
      // Notes, mail and effects are records of work done; they do not move the notice.
      return state;
  }
}

/** Leaves out what a decision did not say, so a stored record and a derived one compare equal. */
function strip(decision: Omit<Extract<Event, { type: "decided" }>, "type">): DecisionRecord {
  return Object.fromEntries(
    Object.entries(decision).filter(([, value]) => value !== undefined && value !== false),
  ) as DecisionRecord;
}

/** The pause an open question adds to the review clock once it is answered (or moot). */
function answered(state: State, at: string): Pick<State, "pausedMs"> {
  if (!state.askedAt) return state.pausedMs ? { pausedMs: state.pausedMs } : {};
  return { pausedMs: (state.pausedMs ?? 0) + Math.max(0, Date.parse(at) - Date.parse(state.askedAt)) };
}

function expect(state: State, from: readonly Status[], event: Event) {
  if (!from.includes(state.status)) throw new InvalidTransition(state.status, event.type);
}

/** A step of a counter-notice the notice took, from where that counter-notice must stand. */
function expectCounter(state: State, event: Event & { counterNotice: string }, from: CounterStanding) {
  if (state.counterNotices?.[event.counterNotice] !== from) throw new InvalidTransition(state.status, event.type);
}

/**
 * An operator acted on the notice again (decided, reversed, restored; or the
 * requester withdrew it): every counter-notice that was ready is answered.
 * Those still open stay open, and their window's end brings the case back.
 */
function answeredCounters(state: State): Pick<State, "counterNotices"> {
  if (!state.counterNotices) return {};
  return {
    counterNotices: Object.fromEntries(
      Object.entries(state.counterNotices).map(([id, standing]) => [id, standing === "ready" ? "done" : standing]),
    ),
  };
}

/** Whether the case still waits for an operator: an undecided appeal, or a counter-notice open or ready. */
function waitsForOperator(state: State): boolean {
  const counters = Object.values(state.counterNotices ?? {});
  return Boolean(state.appeal && !state.appeal.decided) || counters.includes("open") || counters.includes("ready");
}

/** The counter-notices whose window closed without a court action and that no operator answered yet. */
export function readyToRestore(state: Pick<State, "counterNotices">): string[] {
  return Object.entries(state.counterNotices ?? {}).flatMap(([id, standing]) => (standing === "ready" ? [id] : []));
}

export function derive(events: readonly Event[]): State {
  const state = events.reduce<State | undefined>(apply, undefined);
  if (!state) throw new Error("A notice's log starts with its filing.");
  return state;
}

/** The queue a notice in this state waits in: an appeal or a counter-notice puts a case back until it is decided again. */
export function queueOf(state: Pick<State, "status" | "contested">): QueueState {
  if (state.contested) return "contested";
  if (state.status === "awaiting_confirmation") return "awaiting_confirmation";
  return (decidable as readonly Status[]).includes(state.status) ? "pending_review" : "decided";
}
