/**
 * The append-only log of what happened to a notice, and the status derived
 * from it. Pure: no I/O, so the rules of the workflow are unit-tested alone.
 *
 * Writes never read-modify-write the log. A transition appends its event
 * with a condition on the stored status (`from`), and stores `to`; `derive`
 * recomputes the same status from the log, which is how the audit trail and
 * the status are kept honest with each other.
 */
export type Status = "awaiting_confirmation" | "pending_review" | "approved" | "rejected";
export type Decision = "approved" | "rejected";
export type MailKind = "receipt" | "review" | "decision" | "contest";

type Base = { at: string; by: string };

export type Event =
  | (Base & { type: "filed"; confirmed: boolean })
  | (Base & { type: "confirmed" })
  | (Base & { type: "decided"; action: Decision; reason?: string; /** Manifestly unfounded (DSA Art. 23). */ unfounded?: boolean })
  | (Base & { type: "mail_sent"; kind: MailKind; to: string; /** SES's message id. */ ref?: string })
  /** The desk stopped trying: SES refused for good, the address is suppressed, or retries ran out. */
  | (Base & { type: "mail_failed"; kind: MailKind; to: string; error: string; permanent: boolean })
  /** SES reported, after accepting it, that mail bounced or drew a complaint (Bounce.recordSes). */
  | (Base & { type: "mail_bounced"; to: string; bounce: "permanent" | "transient" | "complaint"; ref?: string })
  | (Base & { type: "articles_hidden"; count: number; articleIds: string[] })
  | (Base & { type: "rule_created"; rule: string })
  /** The requester objects to the decision (DSA Art. 20); operators are told. */
  | (Base & { type: "contested"; objection: string });

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
  decision?: { action: Decision; by: string; at: string; reason?: string; unfounded?: boolean };
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
