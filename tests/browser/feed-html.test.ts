/**
 * A hostile feed's article in a real browser: what it carried is rendered as
 * the sanitised text and links it became, under the site's unchanged CSP,
 * with no violation reported, no script run and nothing fetched from
 * anywhere but our own origin.
 */
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserMissing, launch, ORIGIN, PORT, SHOTS } from "../support/browser";
import { startFeedServer, type FeedServer } from "../support/feed-server";
import { unique } from "../support/fixtures";
import * as Feeds from "../support/feeds/formats";

const missing = browserMissing();

describe.skipIf(missing)("feed HTML in a browser", () => {
  let browser: Browser;
  let page: Page;
  let server: { close: () => Promise<void> };
  let feeds: FeedServer;
  const problems: string[] = [];
  const requested: string[] = [];

  beforeAll(async () => {
    const { serve } = await import("../../packages/local/src/serve");
    server = await serve(PORT);
    feeds = await startFeedServer();
    browser = await launch();
    page = await browser.newPage();
    // The page's own report of each violation, recorded before any of its scripts could run.
    await page.addInitScript({
      content: `window.violations = [];
        document.addEventListener("securitypolicyviolation", (event) => window.violations.push(event.violatedDirective + " " + event.blockedURI));`,
    });
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("dialog", (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on("request", (request) => requested.push(request.url()));
  });

  const violations = () => page.evaluate<string[]>("window.violations");

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await feeds?.close();
  });

  it("renders every format's article HTML without any CSP violation", { timeout: 60_000 }, async () => {
    const { Article, Poll, Source } = await import("@takedown/core");
    const domains: string[] = [];
    for (const [name, body] of [
      ["hostile", Feeds.hostile(feeds.origin)],
      ["rss2", Feeds.rss2(feeds.origin)],
      ["rdf", Feeds.rss1(feeds.origin)],
      ["atom", Feeds.atom(feeds.origin)],
    ] as const) {
      const domain = `${name}-${unique()}.example`;
      await Source.add({ name, domain, feeds: [feeds.xml(`/${domain}.xml`, body)] });
      const source = (await Source.get(domain))!;
      await Poll.pollOne(source, source.feeds[0]!, new Date(), { allowLoopback: true });
      domains.push(domain);
    }
    const articles = (await Promise.all(domains.map((source) => Article.recent({ source })))).flatMap(
      (p) => p.articles,
    );
    expect(articles.length).toBe(5);

    for (const article of articles) {
      const response = await page.goto(`${ORIGIN}/articles/${article.id}`);
      expect(response?.status()).toBe(200);
      const csp = response!.headers()["content-security-policy"]!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/unsafe-|\*/);
      await expect.poll(() => page.locator("h1").innerText()).toBe(article.title);
      expect(await violations()).toEqual([]);
    }
    await page.goto(`${ORIGIN}/articles/${articles[0]!.id}`);
    expect(await page.locator(".article-body").innerText()).toContain("Hello world");
    await page.screenshot({ path: resolve(SHOTS, "feed-html.png"), fullPage: true });

    for (const path of ["/", `/sources/${domains[0]}`]) {
      await page.goto(`${ORIGIN}${path}`);
      expect(await violations()).toEqual([]);
    }
    expect(problems).toEqual([]);
    expect(requested.filter((url) => !url.startsWith(ORIGIN))).toEqual([]);
  });
});
