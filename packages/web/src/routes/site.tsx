/**
 * What a syndication site shows besides each article: the front page, a page
 * per source, its RSS feed and its sitemap. All of them list through
 * `Article.recent`, which only ever returns what `Article.visible` lets
 * through, so a hidden article leaves every one of them at once.
 */
import * as Article from "@takedown/core/article";
import * as Links from "@takedown/core/links";
import * as Paths from "@takedown/core/paths";
import * as Source from "@takedown/core/source";
import * as Url from "@takedown/core/url";
import { config } from "@takedown/core/config";
import { Hono } from "hono";
import { HttpError } from "../errors";
import { FrontPage, SourcePage } from "../views/listing";

const FEED_ITEMS = 50;
/** The sitemap lists the most recent visible articles, well under the protocol's 50,000 URLs. */
const SITEMAP_ARTICLES = 1_000;

const escapeXml = (value: string) =>
  value.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);

/** Every visible article up to `limit`, page after page. */
async function recentUpTo(limit: number, source?: string): Promise<Article.Article[]> {
  const articles: Article.Article[] = [];
  let after: string | undefined;
  do {
    const page = await Article.recent({ source, after, limit: Math.min(100, limit - articles.length) });
    articles.push(...page.articles);
    after = page.next;
  } while (after && articles.length < limit);
  return articles;
}

export const site = new Hono()
  .get(Paths.routes.home, async (c) => {
    return c.html(<FrontPage page={await Article.recent({ after: c.req.query("after") })} />);
  })
  .get(Paths.routes.source, async (c) => {
    const domain = Url.domain(c.req.param("domain"));
    if (!domain || domain !== c.req.param("domain")) throw new HttpError(404, "not_found", "There is no such source.");
    const [source, page] = await Promise.all([
      Source.get(domain),
      Article.recent({ source: domain, after: c.req.query("after") }),
    ]);
    if (!source && !page.articles.length && !c.req.query("after"))
      throw new HttpError(404, "not_found", "There is no such source.");
    return c.html(<SourcePage domain={domain} name={source?.name ?? page.articles[0]?.sourceName} page={page} />);
  })
  .get(Paths.routes.feed, async (c) => {
    const base = config().publicUrl;
    const items = (await recentUpTo(FEED_ITEMS)).map(
      (article) => `
    <item>
      <title>${escapeXml(article.title)}</title>
      <link>${escapeXml(Links.article(article.id))}</link>
      <guid isPermaLink="true">${escapeXml(Links.article(article.id))}</guid>
      <pubDate>${new Date(article.publishedAt).toUTCString()}</pubDate>
      <dc:creator>${escapeXml(article.author)}</dc:creator>
      <category>${escapeXml(article.sourceName)}</category>
    </item>`,
    );
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Takedown Desk: latest articles</title>
    <link>${escapeXml(`${base}/`)}</link>
    <atom:link href="${escapeXml(`${base}${Paths.routes.feed}`)}" rel="self" type="application/rss+xml"/>
    <description>Articles republished from other outlets' public feeds, credited to their source.</description>
    <ttl>15</ttl>${items.join("")}
  </channel>
</rss>
`;
    return c.body(xml, 200, { "Content-Type": "application/rss+xml; charset=utf-8" });
  })
  .get(Paths.routes.sitemap, async (c) => {
    const base = config().publicUrl;
    const [articles, sources] = await Promise.all([recentUpTo(SITEMAP_ARTICLES), Source.list()]);
    const urls = [
      `  <url><loc>${escapeXml(`${base}/`)}</loc></url>`,
      ...sources.map((source) => `  <url><loc>${escapeXml(`${base}${Paths.source(source.domain)}`)}</loc></url>`),
      ...articles.map(
        (article) =>
          `  <url><loc>${escapeXml(Links.article(article.id))}</loc><lastmod>${escapeXml(article.updatedAt)}</lastmod></url>`,
      ),
    ];
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls.join("\n")}
</urlset>
`;
    return c.body(xml, 200, { "Content-Type": "application/xml; charset=utf-8" });
  });
