/**
 * Every surface forgets: once an operator approves a notice, its articles
 * leave the front page, the source's page, /feed.xml and /sitemap.xml in the
 * same request cycle, and a source-wide notice keeps the source's next feed
 * items off them too.
 */
import { Article, config, Dispatch, Links, Notice, Poll, Source } from "@takedown/core";
import { app } from "@takedown/web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approve, drain, mailAbout, OPERATORS, tokenOf } from "../support/desk";
import { startFeedServer, type FeedServer } from "../support/feed-server";
import { noticeInput, unique } from "../support/fixtures";

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(() => server.close());

const item = (origin: string, n: number) =>
  `<item><title>Story ${n}</title><link>${origin}/news/${n}</link><guid>story-${n}</guid><pubDate>${new Date(Date.UTC(2026, 10, n)).toUTCString()}</pubDate><description>Text ${n}</description></item>`;

/** What each public surface shows, fetched as a reader (or a crawler) would. */
async function surfaces(domain: string) {
  const read = async (path: string) => (await app.request(path)).text();
  return {
    front: await read("/"),
    source: await read(`/sources/${domain}`),
    feed: await read("/feed.xml"),
    sitemap: await read("/sitemap.xml"),
  };
}

describe("the site's listings", () => {
  it("list a polled feed's articles on the front page, the source's page, the RSS feed and the sitemap", async () => {
    const domain = `gazette-${unique()}.example`;
    let items = [1, 2].map((n) => item(server.origin, n)).join("");
    const url = server.route(`/surfaces-${unique()}.xml`, (_request, response) =>
      response
        .writeHead(200, { "content-type": "application/rss+xml" })
        .end(`<rss version="2.0"><channel><title>G</title>${items}</channel></rss>`),
    );
    await Source.add({ name: "The Gazette", domain, feeds: [url] });
    const poll = async () => {
      const source = (await Source.get(domain))!;
      await Poll.pollOne(source, source.feeds[0]!, new Date(), { allowLoopback: true });
    };
    await poll();
    const [newer, older] = (await Article.recent({ source: domain })).articles;
    expect([newer!.title, older!.title]).toEqual(["Story 2", "Story 1"]);

    const before = await surfaces(domain);
    for (const text of Object.values(before)) {
      expect(text).toContain(`/articles/${newer!.id}`);
      expect(text).toContain(`/articles/${older!.id}`);
    }
    expect(before.sitemap).toContain(`/sources/${domain}`);

    // A source-wide notice for the future, filed against one article, confirmed, approved.
    const input = noticeInput([newer!.originalUrl], { scope: "source", future: true });
    const filed = await Notice.file(input);
    await Notice.confirmAnonymous(filed.id, tokenOf(Links.act(filed.id, "confirm", input.requester.email)));
    expect((await approve(filed.id)).status).toBe(200);
    // The approval's write wakes the dispatcher (the table's stream on AWS), which applies it once:
    // from then on every surface reads the source's rule, with no article rewritten.
    await Dispatch.deliver(filed.id);

    const after = await surfaces(domain);
    for (const [surface, text] of Object.entries(after)) {
      expect(text, surface).not.toContain(`/articles/${newer!.id}`);
      expect(text, surface).not.toContain(`/articles/${older!.id}`);
    }
    expect((await app.request(`/articles/${newer!.id}`)).status).toBe(451);

    // The source's next item is read (provenance kept) but stays unpublished.
    items += item(server.origin, 3);
    await poll();
    const third = (await Article.get(Article.idForUrl(`${server.origin}/news/3`, config().publicUrl)!))!;
    expect(third).toMatchObject({ title: "Story 3", firstSeenFeed: url });
    expect(Article.isHidden(third)).toBe(true);
    expect((await app.request(`/articles/${third.id}`)).status).toBe(451);
    for (const text of Object.values(await surfaces(domain))) expect(text).not.toContain(`/articles/${third.id}`);
  });

  it("pages a source's articles, and refuses a page link that is not its own", async () => {
    const domain = `paged-${unique()}.example`;
    for (let n = 1; n <= 25; n++) {
      await Article.ingest({
        title: `Paged ${n}`,
        author: "A",
        sourceName: "Paged",
        sourceDomain: domain,
        originalUrl: `https://${domain}/${n}`,
        publishedAt: new Date(Date.UTC(2026, 9, n)).toISOString(),
      });
    }
    const first = await app.request(`/sources/${domain}`);
    const html = await first.text();
    expect(html.match(/data-article=/g)).toHaveLength(20);
    const next = html.match(/href="(\/sources\/[^"]+\?after=[^"]+)" rel="next"/)![1]!;
    const second = await (await app.request(next.replace(/&amp;/g, "&"))).text();
    expect(second.match(/data-article=/g)).toHaveLength(5);
    expect(second).toContain("Paged 1<");

    const foreign = Buffer.from(JSON.stringify({ gsi4pk: "RECENT#other.example" })).toString("base64url");
    expect((await app.request(`/sources/${domain}?after=${foreign}`)).status).toBe(422);
    expect((await app.request("/sources/no-such-source.example")).status).toBe(404);
  });
});

describe("provenance for operators", () => {
  it("shows, per matched article, the feed and the time we first saw it, in the review mail and on the decision page", async () => {
    const domain = `first-${unique()}.example`;
    const url = server.xml(
      `/provenance-${unique()}.xml`,
      `<rss version="2.0"><channel><title>P</title>${item(server.origin, 7)}</channel></rss>`,
    );
    await Source.add({ name: "First Publisher", domain, feeds: [url] });
    const source = (await Source.get(domain))!;
    await Poll.pollOne(source, source.feeds[0]!, new Date("2026-11-07T09:15:00Z"), { allowLoopback: true });
    const pushed = await Article.ingest(
      {
        title: "Pushed",
        author: "B",
        sourceName: "Push",
        sourceDomain: domain,
        originalUrl: `https://${domain}/pushed`,
        publishedAt: "2026-11-08T00:00:00Z",
      },
      new Date("2026-11-08T10:00:00Z"),
    );

    const input = noticeInput([`${server.origin}/news/7`, pushed.originalUrl]);
    const filed = await Notice.file(input);
    await Notice.confirmAnonymous(filed.id, tokenOf(Links.act(filed.id, "confirm", input.requester.email)));
    await drain();
    const review = (await mailAbout(filed.id)).find(
      (mail) => mail.destination.to.includes(OPERATORS[0]!) && !/was (approved|rejected)/.test(mail.subject),
    )!;
    expect(review.body.text).toContain(`first seen 7 November 2026, 09:15 UTC in the feed ${url}`);
    expect(review.body.text).toContain("first seen 8 November 2026, 10:00 UTC pushed to the API");

    const link = new URL(Links.act(filed.id, "approve", OPERATORS[0]!));
    const decisionPage = await (await app.request(link.pathname + link.search)).text();
    expect(decisionPage).toContain(`first seen 7 November 2026, 09:15 UTC in the feed ${url}`);
  });
});
