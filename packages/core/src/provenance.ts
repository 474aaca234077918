/**
 * Where and when we first saw an article, said the same way in the review
 * mail and on the operators' notice pages: a notice claiming authorship of
 * something another source published first shows it beside the claim.
 */
import * as Article from "./article";
import { date, reveal } from "./text";

/** "first seen 24 November 2026, 08:30 UTC in the feed https://…/rss.xml", or "… pushed to the API". */
export function describe(article: Article.Article): string {
  const { feed, at } = Article.provenance(article);
  return `first seen ${date(at)} ${feed ? `in the feed ${reveal(feed)}` : "pushed to the API"}`;
}
