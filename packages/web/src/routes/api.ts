import { Article, Links, Notice, Pow, Present } from "@takedown/core";
import { Hono } from "hono";
import { validator } from "hono/validator";
import type * as Answers from "../api-schemas";
import { allow, identify, limitApiBody, rateLimit, type ApiEnv } from "../auth";
import { clientIp } from "../client-ip";
import { HttpError } from "../errors";
import { idempotency } from "../idempotency";
import { jsonInput, noStore } from "../middleware";
import { webhooks } from "./webhooks";

function articleJson(article: Article.Article): Answers.ArticleSummary {
  const hidden = Article.isHidden(article);
  return {
    id: article.id,
    url: Links.article(article.id),
    hidden,
    ...(article.suppressedBy ? { suppressedBy: article.suppressedBy } : {}),
    ...(hidden ? { hiddenBy: article.hiddenBy } : {}),
  };
}

function noticeJson(notice: Notice.Notice): Answers.NoticeView {
  return {
    id: notice.id,
    status: notice.status,
    createdAt: notice.createdAt,
    urls: Notice.outcomes(notice),
    ...(notice.decision ? { decision: Present.publicDecision(notice.decision) } : {}),
  };
}

export const api = new Hono<ApiEnv>()
  // A proof-of-work challenge for anonymous filers (see POST /takedowns). It
  // is signed, not stored, so handing one out costs no storage and needs no
  // limit: registered before the middleware, it never reaches them.
  .get("/challenge", (c) => c.json(Pow.issue() satisfies Answers.Challenge))
  .use(identify, rateLimit, limitApiBody, idempotency)
  .post("/articles", allow("articles:write"), jsonInput<Article.IngestInput>(), async (c) => {
    const article = await Article.ingest(c.req.valid("json"));
    return c.json(articleJson(article), 200);
  })
  .get("/articles/:id", async (c) => {
    const article = await Article.get(c.req.param("id"));
    if (!article) throw new HttpError(404, "not_found", "There is no such article.");
    if (Article.isHidden(article)) {
      // As the page does (RFC 7725): withheld, by what, and nothing of what it was.
      c.header("Link", article.hiddenBy.map((id) => `<${Links.publicNotice(id)}>; rel="blocked-by"`).join(", "));
      throw new HttpError(451, "unavailable_for_legal_reasons", `This article is withheld under notice ${article.hiddenBy.join(", ")}.`);
    }
    const { title, author, sourceName, sourceDomain, originalUrl, publishedAt } = article;
    return c.json({
      ...articleJson(article),
      title,
      author,
      sourceName,
      sourceDomain,
      originalUrl,
      publishedAt,
    } satisfies Answers.ArticleView);
  })
  .post("/takedowns", allow("notices:write", { anonymous: true }), noStore, jsonInput<Notice.Input>(), async (c) => {
    const principal = c.get("principal");
    // Anonymous systems pay what the form pays.
    const notice = principal
      ? await Notice.file(c.req.valid("json"), new Date(), { id: principal.id, name: principal.name, owner: principal.owner })
      : await Notice.fileAnonymous(c.req.valid("json"), { ip: clientIp(c), proof: c.req.header("proof-of-work") });
    return c.json({ id: notice.id, status: notice.status, statusUrl: Links.status(notice.id) } satisfies Answers.NoticeFiled, 202);
  })
  .get("/takedowns", allow("notices:write"), validator("query", Notice.listQuery), async (c) => {
    const { notices, cursor } = await Notice.listForKey(c.get("principal")!.id, c.req.valid("query"));
    const shown = notices.map((notice) => (notice.decision ? { ...notice, decision: Present.publicDecision(notice.decision) } : notice));
    return c.json({ notices: shown, ...(cursor ? { cursor } : {}) } satisfies Answers.NoticeList);
  })
  // The status link's token opens any notice; without one, a key opens those it filed.
  .get("/takedowns/:id", noStore, async (c) => {
    const { id } = c.req.param();
    const token = c.req.query("token");
    const principal = c.get("principal");
    const notice =
      token === undefined && principal
        ? await Notice.getForKey(id, principal.id)
        : await Notice.withStatusToken(id, token);
    return c.json(noticeJson(notice));
  })
  .route("/webhooks", webhooks);
