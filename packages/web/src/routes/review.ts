/**
 * The review API: what an operator does from the console, for integrations
 * (a newsroom tool, a chat bot) holding a key with `notices:review`. Each act
 * is core's, with the key as its actor (`key:<id>`), so the audit trail and
 * the requester's decision mail name the key; each answers the notice as the
 * review API reads it (GET /takedowns/{id} with this scope). Listing every
 * notice and reading one with its audit trail are GET /takedowns and
 * GET /takedowns/{id} (api.ts), which answer more to this scope.
 */
import * as Notice from "@takedown/core/notice";
import * as Present from "@takedown/core/present";
import * as Review from "@takedown/core/review";
import { DomainError } from "@takedown/core/errors";
import { Hono, type Context } from "hono";
import { allow, type ApiEnv } from "../auth";
import { describeRoute, type Refusal } from "../described";
import { HttpError } from "../errors";
import { jsonInput } from "../middleware";

/** Every route here is behind `allow("notices:review")`, so there is a key. */
const actor = (c: Context<ApiEnv>) => `key:${c.get("principal")!.id}`;

/**
 * The domain refuses an act the notice has moved past with the code a link
 * from an email answers 410 to (the link is spent). Through the API the
 * notice is there and its state is the obstacle: 409, with the same code.
 * The domain's message names the operator who decided by address, which
 * no answer of the API does: it is told again with the decider's name.
 */
const CONFLICTS = new Set(["already_decided", "already_confirmed", "not_confirmed", "replaced"]);

async function acting(act: Promise<Notice.Notice>): Promise<Notice.Notice> {
  try {
    return await act;
  } catch (error) {
    if (!(error instanceof DomainError) || !CONFLICTS.has(error.code)) throw error;
    const notice = error.details.notice as Notice.Notice | undefined;
    const decision = error.code === "already_decided" ? notice?.decision : undefined;
    const message = decision
      ? `This notice was already ${decision.action} by ${Present.actorName(decision.by, await Review.keyNames(notice!))} on ${Present.date(decision.at)}.`
      : error.message;
    throw new HttpError(409, error.code, message);
  }
}

/** A field of a JSON body that may be anything, `null` included. */
const field = (body: unknown, name: string): unknown =>
  typeof body === "object" && body !== null ? (body as Record<string, unknown>)[name] : undefined;

const noticeId = { id: "The notice's id." };
const noSuchNotice: Refusal = { status: 404, code: "not_found", when: "there is no such notice" };

const decideNotice = describeRoute({
  operationId: "decideNotice",
  tag: "Review",
  summary: "Decide a notice",
  description:
    "Approves or rejects a notice waiting for review, as an operator does from the console, with the key as the " +
    "decider: the audit trail names the key, and the requester's decision mail says the decision was made through " +
    "the review API by that key, with `reason` as the statement of reasons. `urls` (a subset of the notice's URLs, " +
    "as filed) decides URL by URL: those are hidden, the others kept, and the notice becomes `partially_approved`; " +
    "`reasons` may give a reason per URL. `unfounded` marks a rejection as manifestly unfounded; `ground` names a " +
    "statement-of-reasons template. The webhooks of the key that filed the notice, and those of every key with `notices:review`, hear of " +
    "the new status.",
  pathParameters: noticeId,
  body: {
    description: "The decision, and the reason the requester is given.",
    example: () => ({ action: "reject", reason: "The article is syndicated under a licence from its publisher." }),
  },
  responses: { 200: { description: "Decided; the notice with its audit trail.", body: Notice.Case } },
  refusals: [
    noSuchNotice,
    {
      status: 409,
      code: "already_decided",
      when: "the notice is decided already (or was withdrawn); the message says by whom and when",
    },
    { status: 409, code: "not_confirmed", when: "the notice still waits for its sender to confirm their address" },
    { status: 409, code: "replaced", when: "a later notice from the same sender replaced it before it was confirmed" },
  ],
});

const reverseNotice = describeRoute({
  operationId: "reverseNotice",
  tag: "Review",
  summary: "Reverse an approval",
  description:
    "Takes an approval back, whole or (`urls`, as filed) for some URLs, with a reason the requester is told. The " +
    "articles come back unless another approved notice still covers them, and a source or author rule the " +
    "approval created ends. Nothing is deleted: the reversal is one more event, by this key.",
  pathParameters: noticeId,
  body: {
    description: "Why, and optionally which URLs.",
    example: () => ({ reason: "The publisher showed us its licence for these articles." }),
  },
  responses: { 200: { description: "Reversed; the notice with its audit trail.", body: Notice.Case } },
  refusals: [
    noSuchNotice,
    { status: 409, code: "invalid_state", when: "the notice is not approved (or was reversed already)" },
  ],
});

const noteNotice = describeRoute({
  operationId: "addNoticeNote",
  tag: "Review",
  summary: "Add an internal note",
  description: "A note for the operators, kept with the notice under this key's name. The requester never sees it.",
  pathParameters: noticeId,
  body: { description: "The note.", example: () => ({ text: "Asked the newsroom whether we hold a licence." }) },
  responses: { 201: { description: "Noted; the notice with its audit trail.", body: Notice.Case } },
  refusals: [noSuchNotice],
});

export const review = new Hono<ApiEnv>()
  .post(
    "/takedowns/:id/decision",
    decideNotice,
    allow("notices:review"),
    jsonInput(Notice.DecisionInput),
    async (c) => {
      const notice = await acting(Notice.decideAs(c.req.param("id"), actor(c), c.req.valid("json"), "api"));
      return c.json(await Review.toCase(notice), 200);
    },
  )
  .post(
    "/takedowns/:id/reversal",
    reverseNotice,
    allow("notices:review"),
    jsonInput(Notice.ReversalInput),
    async (c) => {
      const notice = await acting(Notice.reverse(c.req.param("id"), actor(c), c.req.valid("json")));
      return c.json(await Review.toCase(notice), 200);
    },
  )
  .post("/takedowns/:id/notes", noteNotice, allow("notices:review"), jsonInput(Notice.NoteInput), async (c) => {
    const notice = await Notice.note(c.req.param("id"), actor(c), { text: field(c.req.valid("json"), "text") });
    return c.json(await Review.toCase(notice), 201);
  });
