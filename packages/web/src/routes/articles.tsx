import * as Article from "@takedown/core/article";
import * as Links from "@takedown/core/links";
import * as Paths from "@takedown/core/paths";
import { Hono } from "hono";
import { HttpError } from "../errors";
import { ArticlePage, UnavailablePage } from "../views/article";

export const articles = new Hono().get(Paths.routes.article, async (c) => {
  const article = await Article.get(c.req.param("id"));
  if (!article) throw new HttpError(404, "not_found", "There is no such article.");
  if (!Article.isHidden(article)) return c.html(<ArticlePage article={article} />);
  // RFC 7725: say the content is withheld for legal reasons, and by what.
  c.header("Link", article.hiddenBy.map((id) => `<${Links.publicNotice(id)}>; rel="blocked-by"`).join(", "));
  return c.html(<UnavailablePage article={article} />, 451);
});
