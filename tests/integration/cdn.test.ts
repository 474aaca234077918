/**
 * Cdn.invalidate through the same CloudFront client that runs on AWS, against
 * the local stand-in that records what CloudFront was asked to forget.
 */
import { config, Dispatch, Notice } from "@takedown/core";
import * as Cdn from "@takedown/core/cdn";
import { describe, expect, inject, it } from "vitest";
import { invalidations } from "../../packages/local/src/cdn";
import { approve, confirmedNotice, reject } from "../support/desk";

const recorded = () => invalidations(inject("cdnEndpoint"), config().cdnDistributionId!);

describe("Cdn.invalidate", () => {
  it("asks CloudFront to forget each path once, batched, a new invalidation every time", async () => {
    const before = (await recorded()).length;
    await Cdn.invalidate(["/articles/a1", "/articles/a2", "/articles/a1", "/sources/gazette.example/*"]);
    await Cdn.invalidate(["/articles/a1"]);
    const made = (await recorded()).slice(before);
    expect(made.map((i) => i.paths)).toEqual([
      ["/articles/a1", "/articles/a2", "/sources/gazette.example/*"],
      ["/articles/a1"],
    ]);
    expect(new Set(made.map((i) => i.callerReference)).size).toBe(2);
  });

  it("splits what is over CloudFront's limit into as few calls as it allows", async () => {
    const before = (await recorded()).length;
    const paths = Array.from({ length: Cdn.MAX_PATHS + 5 }, (_, i) => `/articles/bulk-${i}`);
    await Cdn.invalidate(paths);
    const made = (await recorded()).slice(before);
    expect(made.map((i) => i.paths.length)).toEqual([Cdn.MAX_PATHS, 5]);
    expect(made.flatMap((i) => i.paths)).toEqual(paths);
  });

  it("calls nothing for no paths, and refuses a path CloudFront would reject", async () => {
    const before = (await recorded()).length;
    await Cdn.invalidate([]);
    await expect(Cdn.invalidate(["articles/no-slash"])).rejects.toThrow(/start with "\/"/);
    expect((await recorded()).length).toBe(before);
  });
});

describe("an approval, once the dispatcher applies it", () => {
  const approved = async (overrides: Partial<Notice.Input>) => {
    const { notice, articles, sourceDomain } = await confirmedNotice({ articles: 2, overrides });
    const before = (await recorded()).length;
    expect((await approve(notice.id)).status).toBe(200);
    expect((await recorded()).length).toBe(before);
    await Dispatch.deliver(notice.id);
    return { made: (await recorded()).slice(before), articles, sourceDomain };
  };

  it("makes the CDN forget the listed article's page, its source's pages and the listings", async () => {
    const { made, articles, sourceDomain } = await approved({});
    expect(made.map((i) => i.paths)).toEqual([
      [`/articles/${articles[0]!.id}`, `/sources/${sourceDomain}*`, "/", "/feed.xml", "/sitemap.xml"],
    ]);
  });

  it("makes it forget every article page when a source rule hides more than the notice lists", async () => {
    const { made, sourceDomain } = await approved({ scope: "source", future: true });
    expect(made.map((i) => i.paths)).toEqual([
      ["/articles/*", `/sources/${sourceDomain}*`, "/", "/feed.xml", "/sitemap.xml"],
    ]);
  });

  it("asks nothing of the CDN for a rejection", async () => {
    const { notice } = await confirmedNotice();
    const before = (await recorded()).length;
    expect((await reject(notice.id)).status).toBe(200);
    await Dispatch.deliver(notice.id);
    expect((await recorded()).length).toBe(before);
  });
});

describe("a reversal, once the dispatcher applies it", () => {
  it("makes the CDN forget the pages the approval had changed, so the article shows again", async () => {
    const { notice, articles, sourceDomain } = await confirmedNotice({ articles: 2 });
    await approve(notice.id);
    await Dispatch.deliver(notice.id);
    await Notice.reverse(notice.id, "ops-two@syndication.example", { reason: "Licensed after all." });
    const before = (await recorded()).length;
    await Dispatch.deliver(notice.id);
    expect((await recorded()).slice(before).map((i) => i.paths)).toEqual([
      [`/articles/${articles[0]!.id}`, `/sources/${sourceDomain}*`, "/", "/feed.xml", "/sitemap.xml"],
    ]);
  });
});
