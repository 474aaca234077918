import type * as ApiKey from "@takedown/core/api-key";
import * as Article from "@takedown/core/article";
import * as Links from "@takedown/core/links";
import * as Notice from "@takedown/core/notice";
import * as Pow from "@takedown/core/pow";
import * as Review from "@takedown/core/review";
import { thousands } from "@takedown/core/text";
import { Hono } from "hono";
import { validator } from "hono/validator";
import * as Answers from "../api-schemas";
import { allow, foldsBadKeyCheck, identify, limitApiBody, rateLimit, type ApiEnv } from "../auth";
import { clientIp } from "../client-ip";
import { describeRoute, EXAMPLE_ARTICLE_URL } from "../described";
import { HttpError } from "../errors";
import { idempotency } from "../idempotency";
import { jsonInput, noStore } from "../middleware";
import { counterNoticeApi } from "./counter-notices";
import { review } from "./review";
import { webhooks } from "./webhooks";

/** A key that may read every notice, with its audit trail (the review API). */
const reviews = (principal: ApiKey.Principal | undefined) => Boolean(principal?.scopes.includes("notices:review"));

const articleExample = () => ({
  title: "The harbour expansion, one year on",
  author: "Jane Writer",
  sourceName: "Harbour Gazette",
  sourceDomain: "harbour-gazette.example",
  originalUrl: "https://www.harbour-gazette.example/news/harbour-expansion",
  publishedAt: "2026-11-01T10:00:00Z",
  body: "The article's text.",
});

const noticeExample = () => ({
  requester: { name: "Jane Writer", email: "jane@harbour-gazette.example", role: "author" },
  urls: [EXAMPLE_ARTICLE_URL],
  scope: "urls",
  future: false,
  work: "My article on the harbour expansion, first published by the Harbour Gazette.",
  explanation: "I wrote it, and I never licensed its republication here.",
  goodFaith: true,
  accurate: true,
  signature: "Jane Writer",
});

// Each operation's description, registered with its route below; see described.ts.
const getChallenge = describeRoute({
  operationId: "getChallenge",
  tag: "Notices",
  summary: "Get a proof-of-work challenge",
  description:
    "Filing without an API key costs a proof of work, as the form does: solve one challenge per notice " +
    "and send the solution as the Proof-Of-Work header. Filing with a key needs none. It is not rate limited.",
  responses: { 200: { description: "A fresh challenge.", body: Answers.Challenge } },
});

const ingestArticle = describeRoute({
  operationId: "ingestArticle",
  tag: "Articles",
  summary: "Ingest an article",
  description:
    "Adds or updates (by original URL) an article republished from a feed. An article that a standing " +
    "suppression rule covers is hidden as it arrives.",
  body: { description: "The article as the feed has it.", example: articleExample },
  responses: { 200: { description: "The article as stored, and whether it is hidden.", body: Article.Summary } },
});

const getArticle = describeRoute({
  operationId: "getArticle",
  tag: "Articles",
  summary: "Read an article's record",
  description:
    "Anyone may read the record of an article that is shown. A hidden one answers 451 with the references of the notices that hid it, and nothing of the article.",
  pathParameters: { id: "The article's id (20 hex digits), as in its URL on this site." },
  responses: { 200: { description: "The article.", body: Article.View } },
  refusals: [
    { status: 404, code: "not_found", when: "there is no such article" },
    {
      status: 451,
      code: "unavailable_for_legal_reasons",
      when: 'the article is hidden: the message and the `Link` header (`rel="blocked-by"`, RFC 7725) name the notices',
    },
  ],
});

const fileNotice = describeRoute({
  operationId: "fileNotice",
  tag: "Notices",
  summary: "File a takedown notice",
  description:
    `Without an API key, a notice lists at most ${Notice.MAX_URLS} URLs and waits until its sender confirms ` +
    `their address from the mail we send. With a key that has \`notices:write\`, it may list up to ` +
    `${thousands(Notice.MAX_URLS_WITH_KEY)} URLs and goes straight to review, and its mail goes to the ` +
    "key's owner (and to the requester's address only when it is at the owner's domain). A notice with scope " +
    "`author` or `source` covers one source: URLs from several are refused on `scope`. Either way, people " +
    "decide it; the answer only says it was received.",
  headers: {
    "Proof-Of-Work":
      "Required without an API key: `<challenge>:<nonce>`, where the challenge comes from GET /challenge and " +
      "the SHA-256 of the whole value starts with the challenge's `bits` zero bits. Each challenge is good once.",
  },
  body: {
    description: `The notice. Without an API key, \`urls\` holds at most ${Notice.MAX_URLS} URLs.`,
    example: noticeExample,
  },
  responses: { 202: { description: "Received, and waiting for confirmation or review.", body: Notice.Filed } },
  refusals: [
    {
      status: 422,
      code: "validation_failed",
      when: "without an API key: the Proof-Of-Work header is missing, wrong, expired or already used (issue path `proof`)",
    },
    {
      status: 429,
      code: "rate_limited",
      when: "without an API key: too many notices this hour from this address, or for this email address",
      headers: ["Retry-After"],
    },
  ],
});

const listNotices = describeRoute({
  operationId: "listNotices",
  tag: "Notices",
  summary: "List the notices filed with this key, or every notice",
  description:
    "With `notices:write`, the notices filed with this key, newest first. With `notices:review`, every notice, " +
    "however it was filed: open cases first (pending review, then contested by an appeal or a counter-notice), " +
    "then those awaiting their sender's confirmation, then the decided, each oldest first. A page at a time: " +
    "the status filter is applied to each page after it is read, so a page may hold fewer than `limit` notices " +
    "(even none) and still have a `cursor`.",
  query: {
    schema: Notice.ListQuery,
    descriptions: {
      status: "Only notices with this status.",
      since: "Only notices filed at or after this date-time.",
      cursor: "The `cursor` of the previous page.",
      limit: "Notices read per page: 1 to 100, 25 by default.",
    },
  },
  responses: { 200: { description: "One page of notices.", body: Notice.List } },
  refusals: [
    { status: 422, code: "validation_failed", when: "a filter is not valid, or the cursor belongs to another list" },
  ],
});

const getNotice = describeRoute({
  operationId: "getNotice",
  tag: "Notices",
  summary: "Read a notice's progress",
  description:
    "With the status token from `statusUrl`, any notice; without one, an API key reads the notices it filed, " +
    "and a key with `notices:review` reads any notice with its audit trail (`events`) and internal `notes`.",
  access: { key: "any", statusToken: true },
  pathParameters: { id: "The notice's id." },
  responses: {
    200: {
      description: "The notice, and what became of each URL; to `notices:review`, with its audit trail (NoticeCase).",
      body: [Notice.View, Notice.Case],
    },
  },
  refusals: [
    {
      status: 403,
      code: "invalid_link",
      when: "no status token (and no API key) was sent, or the token is not this notice's",
    },
    { status: 410, code: "expired_link", when: "the status token has expired" },
    {
      status: 404,
      code: "not_found",
      when: "there is no such notice, or this API key did not file it (and has no `notices:review`)",
    },
  ],
});

export const api = new Hono<ApiEnv>()
  // A proof-of-work challenge for anonymous filers (see POST /takedowns). It
  // is signed, not stored, so handing one out costs no storage and needs no
  // limit: registered before the middleware, it never reaches them.
  .get("/challenge", getChallenge, (c) => c.json(Pow.issue() satisfies Answers.Challenge))
  .use(identify, rateLimit, limitApiBody, idempotency)
  .post("/articles", ingestArticle, allow("articles:write"), jsonInput(Article.IngestInput), async (c) => {
    const article = await Article.ingest(c.req.valid("json"));
    return c.json(Article.toSummary(article), 200);
  })
  .get("/articles/:id", getArticle, async (c) => {
    const article = await Article.get(c.req.param("id"));
    if (!article) throw new HttpError(404, "not_found", "There is no such article.");
    if (Article.isHidden(article)) {
      // As the page does (RFC 7725): withheld, by what, and nothing of what it was.
      c.header("Link", article.hiddenBy.map((id) => `<${Links.publicNotice(id)}>; rel="blocked-by"`).join(", "));
      throw new HttpError(
        451,
        "unavailable_for_legal_reasons",
        `This article is withheld under notice ${article.hiddenBy.join(", ")}.`,
      );
    }
    return c.json(Article.toView(article));
  })
  .post(
    "/takedowns",
    fileNotice,
    foldsBadKeyCheck,
    allow("notices:write", { anonymous: true }),
    noStore,
    jsonInput(Notice.KeyedInput),
    async (c) => {
      const principal = c.get("principal");
      // Anonymous systems pay what the form pays.
      const notice = principal
        ? await Notice.file(
            c.req.valid("json"),
            new Date(),
            { id: principal.id, name: principal.name, owner: principal.owner },
            c.get("badKeys")?.gate,
          )
        : await Notice.fileAnonymous(c.req.valid("json"), { ip: clientIp(c), proof: c.req.header("proof-of-work") });
      return c.json(Notice.toFiled(notice), 202);
    },
  )
  .get(
    "/takedowns",
    listNotices,
    allow(["notices:write", "notices:review"]),
    validator("query", Notice.listQuery),
    async (c) => {
      const principal = c.get("principal")!;
      const query = c.req.valid("query");
      const { notices, cursor } = reviews(principal)
        ? await Review.list(query)
        : await Notice.listForKey(principal.id, query);
      return c.json(Notice.toList(notices, cursor));
    },
  )
  // The status link's token opens any notice; without one, a key opens those it filed.
  .get("/takedowns/:id", getNotice, noStore, async (c) => {
    const { id } = c.req.param();
    const token = c.req.query("token");
    const principal = c.get("principal");
    if (token === undefined && reviews(principal)) return c.json(await Review.read(id));
    const notice =
      token === undefined && principal
        ? await Notice.getForKey(id, principal.id)
        : await Notice.withStatusToken(id, token);
    return c.json(Notice.toView(notice));
  })
  .route("/", review)
  .route("/counter-notices", counterNoticeApi)
  .route("/webhooks", webhooks);
