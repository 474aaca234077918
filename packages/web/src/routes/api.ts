import { Article, Links, Notice } from "@takedown/core";
import { Hono } from "hono";
import { HttpError } from "../errors";
import { ingestAuth, jsonBody, limitBody } from "../middleware";

function articleJson(article: Article.Article) {
  const hidden = Article.isHidden(article);
  return {
    id: article.id,
    url: Links.article(article.id),
    hidden,
    ...(article.suppressedBy ? { suppressedBy: article.suppressedBy } : {}),
    ...(hidden ? { hiddenBy: article.hiddenBy } : {}),
  };
}

function noticeJson(notice: Notice.Notice) {
  return {
    id: notice.id,
    status: notice.status,
    urls: Notice.outcomes(notice),
    ...(notice.decision ? { decision: notice.decision } : {}),
  };
}

export const api = new Hono()
  .use(limitBody)
  .post("/articles", ingestAuth, async (c) => {
    const article = await Article.ingest(await jsonBody(c));
    return c.json(articleJson(article), 200);
  })
  .get("/articles/:id", async (c) => {
    const article = await Article.get(c.req.param("id"));
    if (!article) throw new HttpError(404, "not_found", "There is no such article.");
    const { title, author, sourceName, sourceDomain, originalUrl, publishedAt } = article;
    return c.json({ ...articleJson(article), title, author, sourceName, sourceDomain, originalUrl, publishedAt });
  })
  .post("/takedowns", async (c) => {
    const notice = await Notice.file(await jsonBody(c));
    return c.json({ id: notice.id, status: notice.status, statusUrl: Links.status(notice.id) }, 202);
  })
  .get("/takedowns/:id", async (c) => {
    const notice = await Notice.withStatusToken(c.req.param("id"), c.req.query("token"));
    return c.json(noticeJson(notice));
  });
