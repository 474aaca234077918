/**
 * The poller against a real HTTP server on 127.0.0.1 serving feeds of every
 * format, well-formed and hostile: what it publishes, what it refuses, and
 * how politely it reads.
 */
import { Article, Poll, Source } from "@takedown/core";
import { app } from "@takedown/web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFeedServer, type FeedServer } from "../support/feed-server";
import { unique } from "../support/fixtures";
import * as Feeds from "../support/feeds/formats";
import { itemsOf } from "../support/desk";
import { beforeEachCall, callsDuring } from "../support/dynamo-calls";

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(() => server.close());

/** A fresh source (its own domain) reading the feed at `path`. */
async function sourceWith(url: string, mode: "full" | "excerpt" = "full") {
  const domain = `feed-${unique()}.example`;
  await Source.add({ name: `Outlet ${domain}`, domain, feeds: [url], mode });
  return domain;
}

/** Polls one source's feeds as the job does, loopback allowed (the server stands in for the internet). */
async function poll(domain: string, now = new Date(), options: Poll.Options = {}) {
  const source = (await Source.get(domain))!;
  return Promise.all(source.feeds.map((feed) => Poll.pollOne(source, feed, now, { allowLoopback: true, ...options })));
}

async function articlesOf(domain: string) {
  return (await Article.recent({ source: domain, limit: 100 })).articles;
}

async function page(id: string) {
  return (await app.request(`/articles/${id}`)).text();
}

describe("every format publishes", () => {
  it("RSS 2.0: content:encoded, dc:creator, entities and HTML in titles, a GUID that is not a URL, relative links, a missing date", async () => {
    const url = server.xml(`/rss2-${unique()}.xml`, Feeds.rss2(server.origin));
    const domain = await sourceWith(url);
    const now = new Date("2026-11-30T12:00:00Z");
    const [result] = await poll(domain, now);
    expect(result).toMatchObject({ ok: true, fresh: 2, refused: [] });

    const articles = await articlesOf(domain);
    const ferry = articles.find((a) => a.originalUrl.includes("/news/ferry"))!;
    expect(ferry).toMatchObject({
      title: "Ferry timetable & fares: winter edition",
      author: "Maya Lindqvist",
      publishedAt: "2026-11-24T08:30:00.000Z",
      sourceDomain: domain,
    });
    const undated = articles.find((a) => a.originalUrl === `${server.origin}/culture/night-market`)!;
    expect(undated.publishedAt).toBe(now.toISOString());
    expect(undated.author).toBe(`Outlet ${domain}`);

    const full = (await Article.get(ferry.id))!;
    expect(full).toMatchObject({ firstSeenFeed: url, firstSeenAt: now.toISOString() });
    expect(full.html).toContain(
      `<a href="${server.origin}/news/council" rel="nofollow noopener noreferrer">Council page</a>`,
    );
    expect(full.html).toContain("Second édition paragraph.");
    expect(await page(ferry.id)).toContain("<strong>Tuesday</strong>");
  });

  it("RSS 1.0 (RDF) and Atom 1.0, with xml:base resolving relative links", async () => {
    const rdf = server.xml(`/rdf-${unique()}.rdf`, Feeds.rss1(server.origin));
    const atom = server.xml(`/atom-${unique()}.atom`, Feeds.atom(server.origin));
    const [rdfSource, atomSource] = [await sourceWith(rdf), await sourceWith(atom)];
    await Promise.all([poll(rdfSource), poll(atomSource)]);

    expect(await articlesOf(rdfSource)).toMatchObject([
      { title: "Small firms brace for winter bills", author: "Ada Okafor", publishedAt: "2026-11-25T06:00:00.000Z" },
    ]);
    const [entry] = await articlesOf(atomSource);
    expect(entry).toMatchObject({
      title: "Chess club turns fifty",
      author: "Tomasz Wren",
      originalUrl: `${server.origin}/blog/posts/chess-club`,
    });
    expect((await Article.get(entry!.id))!.html).toContain(`href="${server.origin}/about"`);
  });

  it("reads a feed in the charset its XML declaration names", async () => {
    const xml = `<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>L</title><item><title>Café in Malmö</title><link>https://latin.example/cafe</link></item></channel></rss>`;
    const url = server.route(`/latin-${unique()}.xml`, (_request, response) =>
      response.writeHead(200, { "content-type": "application/rss+xml" }).end(Buffer.from(xml, "latin1")),
    );
    const domain = await sourceWith(url);
    await poll(domain);
    expect((await articlesOf(domain)).map((a) => a.title)).toEqual(["Café in Malmö"]);
  });

  it("publishes excerpts only for a source added as such", async () => {
    const url = server.xml(`/rss2-${unique()}.xml`, Feeds.rss2(server.origin));
    const domain = await sourceWith(url, "excerpt");
    await poll(domain);
    const ferry = (await articlesOf(domain)).find((a) => a.originalUrl.includes("/news/ferry"))!;
    const html = (await Article.get(ferry.id))!.html;
    expect(html).toBe("<p>Short version.</p>");
  });
});

describe("hostile feeds", () => {
  it("strips script, event handlers, styles, frames and javascript: links, and refuses an item whose link runs code", async () => {
    const url = server.xml(`/hostile-${unique()}.xml`, Feeds.hostile(server.origin));
    const domain = await sourceWith(url);
    const [result] = await poll(domain);
    expect(result).toMatchObject({ ok: true, fresh: 1 });
    expect(result!.refused).toEqual(["A link that runs code: link is not http(s)"]);

    const [article] = await articlesOf(domain);
    expect(article!.title).toBe("Innocent headline");
    const stored = (await Article.get(article!.id))!;
    for (const html of [stored.html!, await page(article!.id)]) {
      expect(html).not.toMatch(
        /<script|onerror|onclick|onmouseover|javascript:|<iframe|<img|<svg|<style|<form|<object|style=/i,
      );
    }
    expect(stored.html).toContain(
      `<a href="https://safe.example/ok" rel="nofollow noopener noreferrer">a safe link</a>`,
    );
    expect(stored.html).toContain("<p>Hello world</p>");
  });

  it("refuses a feed that claims a gigabyte, without reading it, and one that sends more than the cap", async () => {
    const huge = server.route(`/huge-${unique()}.xml`, (_request, response) => {
      response.writeHead(200, { "content-type": "application/xml", "content-length": String(1024 ** 3) });
      response.write("<rss>");
      // Never finishes: the poller must not wait for the gigabyte.
    });
    const endless = server.route(`/endless-${unique()}.xml`, (_request, response) => {
      response.writeHead(200, { "content-type": "application/xml" });
      const chunk = `<!-- ${"x".repeat(64 * 1024)} -->`;
      const timer = setInterval(() => response.write(chunk), 1);
      response.on("close", () => clearInterval(timer));
    });
    const domain = await sourceWith(huge);
    await Source.add({ name: `Outlet ${domain}`, domain, feeds: [endless] });
    const started = Date.now();
    const results = await poll(domain, new Date(), { maxBytes: 1024 * 1024 });
    expect(results.map((r) => r.error).sort()).toEqual(["too_large", "too_large"]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await articlesOf(domain)).toEqual([]);
    const feeds = (await Source.get(domain))!.feeds;
    expect(feeds.map((feed) => [feed.lastError, feed.failures])).toEqual([
      ["too_large", 1],
      ["too_large", 1],
    ]);
  });

  it("refuses malformed XML and records why", async () => {
    const domain = await sourceWith(server.xml(`/broken-${unique()}.xml`, Feeds.malformed));
    const [result] = await poll(domain);
    expect(result).toMatchObject({ ok: false, error: "malformed" });
    expect(await articlesOf(domain)).toEqual([]);
  });

  it("with the private-address rule on, follows no redirect to a private address, nor reads loopback at all", async () => {
    const toMetadata = server.route(`/moved-${unique()}.xml`, (_request, response) =>
      response.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end(),
    );
    const toIntranet = server.route(`/moved-${unique()}.xml`, (_request, response) =>
      response.writeHead(301, { location: "http://10.1.2.3/feed.xml" }).end(),
    );
    const domain = await sourceWith(toMetadata);
    await Source.add({ name: `Outlet ${domain}`, domain, feeds: [toIntranet] });
    // Loopback stands in for the public internet here; every private range is refused as in production.
    const results = await poll(domain, new Date(), { allowLoopback: true });
    expect(results.map((r) => r.error)).toEqual(["private_address", "private_address"]);

    const direct = server.xml(`/direct-${unique()}.xml`, Feeds.rss1(server.origin));
    const seen = server.requests.length;
    const [production] = await poll(await sourceWith(direct), new Date(), { allowLoopback: false });
    expect(production).toMatchObject({ ok: false, error: "private_address" });
    expect(server.requests.length).toBe(seen);
  });

  it("gives up on a feed whose host's resolver never answers, within the timeout", async () => {
    const domain = await sourceWith("https://silent-dns.example/feed.xml");
    const started = Date.now();
    const [result] = await poll(domain, new Date(), { resolve: () => new Promise(() => {}), timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, error: "timeout" });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("refuses schemes other than http(s) at registration", async () => {
    await expect(
      Source.add({ name: "Files", domain: `files-${unique()}.example`, feeds: ["file:///etc/passwd"] }),
    ).rejects.toMatchObject({ code: "validation_failed" });
  });
});

describe("polite polling", () => {
  it("reads again with If-None-Match, ingests nothing new on 304, and waits as long as the feed's ttl asks", async () => {
    const path = `/polite-${unique()}.xml`;
    const url = server.xml(path, Feeds.rss2(server.origin));
    const domain = await sourceWith(url);
    const first = new Date("2026-11-30T12:00:00Z");
    await poll(domain, first);
    let [feed] = (await Source.get(domain))!.feeds;
    // <ttl>60</ttl> minutes is longer than FEED_POLL_SECONDS (900 by default), so it wins.
    expect(feed!.nextPollAt).toBe("2026-11-30T13:00:00.000Z");
    expect(feed).toMatchObject({ itemsSeen: 2, lastNew: 2, failures: 0, lastSuccessAt: first.toISOString() });

    // Not due yet: the job leaves it alone.
    expect(
      (await Poll.run(new Date("2026-11-30T12:30:00Z"), { allowLoopback: true })).map((r) => r.feed),
    ).not.toContain(url);

    const [again] = await poll(domain, new Date("2026-11-30T13:00:00Z"));
    expect(again).toMatchObject({ ok: true, fresh: 0 });
    const conditional = server.requests.filter((r) => r.path === path);
    expect(conditional.at(-1)!.headers["if-none-match"]).toBeTruthy();
    [feed] = (await Source.get(domain))!.feeds;
    expect(feed!.lastNew).toBe(0);
  });

  it("caps a feed's own hint: a ttl of a month still means a read within 12 hours", () => {
    expect(Poll.nextAfterSuccess(900, [30 * 24 * 3600])).toBe(12 * 3600);
    expect(Poll.nextAfterSuccess(900, [60])).toBe(900);
    expect(Poll.nextAfterSuccess(900, [undefined, 3600])).toBe(3600);
  });

  it("backs off exponentially per feed on errors, and a success resets it", async () => {
    const path = `/flaky-${unique()}.xml`;
    let failing = true;
    const url = server.route(path, (_request, response) => {
      if (failing) return void response.writeHead(503).end();
      response.writeHead(200, { "content-type": "application/rss+xml" }).end(Feeds.rss1(server.origin));
    });
    const domain = await sourceWith(url);
    const at = (minutes: number) => new Date(Date.UTC(2026, 10, 30, 12, minutes));
    const waits: number[] = [];
    let now = at(0);
    for (let i = 0; i < 3; i++) {
      await poll(domain, now);
      const [feed] = (await Source.get(domain))!.feeds;
      waits.push((Date.parse(feed!.nextPollAt!) - now.getTime()) / 1000);
      now = new Date(feed!.nextPollAt!);
    }
    expect(waits).toEqual([1800, 3600, 7200]);
    let [feed] = (await Source.get(domain))!.feeds;
    expect(feed).toMatchObject({ failures: 3, lastError: "http_503" });

    failing = false;
    await poll(domain, now);
    [feed] = (await Source.get(domain))!.feeds;
    expect(feed).toMatchObject({ failures: 0, lastSuccessAt: now.toISOString(), lastError: "http_503" });
  });

  it("waits as long as a 429's Retry-After asks, when that is longer than the backoff", async () => {
    const url = server.route(`/busy-${unique()}.xml`, (_request, response) =>
      response.writeHead(429, { "retry-after": "7200" }).end(),
    );
    const domain = await sourceWith(url);
    const now = new Date("2026-11-30T12:00:00Z");
    const [result] = await poll(domain, now);
    expect(result).toMatchObject({ ok: false, error: "http_429" });
    expect((await Source.get(domain))!.feeds[0]!.nextPollAt).toBe("2026-11-30T14:00:00.000Z");
    expect(Poll.nextAfterFailure(900, 1, 10 * 24 * 3600)).toBe(24 * 3600);
  });

  it("does not let one slow feed hold up the others", async () => {
    const slow = server.route(`/slow-${unique()}.xml`, () => {
      // Never answers.
    });
    const quick = server.xml(`/quick-${unique()}.xml`, Feeds.rss1(server.origin));
    const domain = await sourceWith(slow);
    await Source.add({ name: `Outlet ${domain}`, domain, feeds: [quick] });
    const source = (await Source.get(domain))!;
    const finished: string[] = [];
    const started = Date.now();
    await Promise.all(
      source.feeds.map((feed) =>
        Poll.pollOne(source, feed, new Date(), { allowLoopback: true, timeoutMs: 1_500 }).then((r) => {
          finished.push(`${r.feed === quick ? "quick" : "slow"}:${r.ok ? "ok" : r.error}`);
        }),
      ),
    );
    expect(finished).toEqual(["quick:ok", "slow:timeout"]);
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});

describe("ingest", () => {
  it("takes an item once per GUID, even when its link changes later", async () => {
    const path = `/moving-${unique()}.xml`;
    let link = "/news/first-link";
    const url = server.route(path, (_request, response) =>
      response
        .writeHead(200, { "content-type": "application/rss+xml" })
        .end(
          `<rss version="2.0"><channel><title>M</title><item><title>Same story</title><link>${server.origin}${link}</link><guid isPermaLink="false">story-42</guid></item></channel></rss>`,
        ),
    );
    const domain = await sourceWith(url);
    await poll(domain);
    link = "/news/renamed-link";
    const [second] = await poll(domain);
    expect(second!.fresh).toBe(0);
    expect((await articlesOf(domain)).map((a) => a.originalUrl)).toEqual([`${server.origin}/news/first-link`]);
  });

  it("tries an item again at the next read when its ingest failed after the GUID was claimed", async () => {
    const domain = await sourceWith(server.xml(`/halfway-${unique()}.xml`, Feeds.rss1(server.origin)));
    let failed = false;
    const stop = beforeEachCall((call) => {
      if (!failed && call.command === "UpdateItemCommand" && String(call.input.Key?.pk).startsWith("ARTICLE#")) {
        failed = true;
        throw Object.assign(new Error("Throughput exceeded"), { name: "ProvisionedThroughputExceededException" });
      }
    });
    try {
      const [first] = await poll(domain);
      expect(first).toMatchObject({ ok: false, error: "internal_error" });
    } finally {
      stop();
    }
    expect(await articlesOf(domain)).toEqual([]);
    const [second] = await poll(domain, new Date(Date.now() + 3_600_000));
    expect(second).toMatchObject({ ok: true, fresh: 1 });
    expect((await articlesOf(domain)).map((a) => a.title)).toEqual(["Small firms brace for winter bills"]);
  });

  it("ingests a long feed in batches of 100, and reading it again unchanged costs reads only", async () => {
    const items = Array.from(
      { length: 250 },
      (_, i) =>
        `<item><title>Item ${i}</title><link>https://bulk.example/${i}</link><guid>bulk-${i}</guid><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate></item>`,
    ).join("");
    // No ETag, no Last-Modified: every read gets the whole feed again.
    const url = server.route(`/bulk-${unique()}.xml`, (_request, response) =>
      response
        .writeHead(200, { "content-type": "application/rss+xml" })
        .end(`<rss version="2.0"><channel><title>Bulk</title>${items}</channel></rss>`),
    );
    const domain = await sourceWith(url);
    const {
      result: [first],
      calls,
    } = await callsDuring(() => poll(domain));
    expect(first!.fresh).toBe(250);
    const lookups = calls.filter(
      (call) =>
        call.command === "BatchGetItemCommand" &&
        Object.values(call.input.RequestItems as Record<string, { Keys: { pk: string }[] }>)[0]!.Keys[0]!.pk.startsWith(
          "GUID#",
        ),
    );
    expect(
      lookups.map(
        (call) => Object.values(call.input.RequestItems as Record<string, { Keys: unknown[] }>)[0]!.Keys.length,
      ),
    ).toEqual([100, 100, 50]);
    const guids = (await itemsOf("guid")).filter((item) => (item.pk as string).startsWith(`GUID#${domain}#`));
    expect(guids).toHaveLength(250);

    const {
      result: [again],
      calls: rereading,
    } = await callsDuring(() => poll(domain));
    expect(again!.fresh).toBe(0);
    // The helper's Source.get, one GUID lookup per 100 items, and the feed's status: no article written.
    expect(rereading.map((call) => call.command)).toEqual([
      "QueryCommand",
      ...Array(3).fill("BatchGetItemCommand"),
      "UpdateItemCommand",
    ]);
  }, 60_000);
});
