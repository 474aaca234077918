/**
 * Where and when we first saw an article, said the same way in the review
 * mail and on the operators' notice pages: a notice claiming authorship of
 * something another source published first shows it beside the claim.
 */
import * as Article from "./article";
import { reveal } from "./text";

/** "first seen 2026-11-24 08:30 UTC in the feed https://…/rss.xml", or "… pushed to the API". */
export function describe(article: Article.Article): string {
  const { feed, at } = Article.provenance(article);
  const when = `${at.slice(0, 10)} ${at.slice(11, 16)} UTC`;
  return `first seen ${when} ${feed ? `in the feed ${reveal(feed)}` : "pushed to the API"}`;
}
