/**
 * The links the desk mails and prints: where each one leads, and that the
 * signed ones open what they say for whom they say, for as long as they say.
 */
import { config } from "@takedown/core/config";
import * as Links from "@takedown/core/links";
import * as Token from "@takedown/core/token";
import { describe, expect, it } from "vitest";

const base = () => config().publicUrl;
const tokenIn = (link: string) => new URL(link).searchParams.get("token")!;

describe("links in mail and pages", () => {
  it("lead to the article, the form, and a notice's public page on the site", () => {
    expect(Links.article("a1")).toBe(`${base()}/articles/a1`);
    expect(Links.form()).toBe(`${base()}/takedown`);
    expect(Links.publicNotice("n1")).toBe(`${base()}/notices/n1`);
  });

  it("fill in the form with the article, encoded so that its own query stays inside", () => {
    const article = "https://a.example/x?id=1&utm_source=feed";
    const link = Links.form(article);
    expect(link).toBe(`${base()}/takedown?url=${encodeURIComponent(article)}`);
    expect(new URL(link).searchParams.get("url")).toBe(article);
    expect(Links.form("")).toBe(`${base()}/takedown`);
  });

  it("give the requester a status link that never runs out", () => {
    const link = Links.status("n1");
    expect(link.startsWith(`${base()}/takedowns/n1?token=`)).toBe(true);
    const claim = Token.verify(tokenIn(link), { notice: "n1", action: "status" }, Date.now() + 100 * Token.LIFETIME_MS);
    expect(Token.isFor(claim, "requester")).toBe(true);
  });

  it("give each person an action link for that action alone, working for a week", () => {
    const now = Date.parse("2026-12-01T06:00:00Z");
    for (const action of ["confirm", "approve", "reject"] as const) {
      const link = Links.act("n1", action, "ops@x.example", now);
      expect(link.startsWith(`${base()}/takedowns/n1/${action}?token=`)).toBe(true);
      const claim = Token.verify(tokenIn(link), { notice: "n1", action }, now + Token.LIFETIME_MS);
      expect(Token.isFor(claim, "ops@x.example")).toBe(true);
      expect(claim.expires).toBe(now + Token.LIFETIME_MS);
    }
  });

  it("work from now by default", () => {
    const before = Date.now();
    const { expires } = Token.verify(tokenIn(Links.act("n1", "approve", "ops@x.example")), {
      notice: "n1",
      action: "approve",
    });
    expect(expires! - Token.LIFETIME_MS).toBeGreaterThanOrEqual(before);
    expect(expires! - Token.LIFETIME_MS).toBeLessThanOrEqual(Date.now());
  });
});

describe("the pages a CDN must forget when an article is hidden or restored", () => {
  it("are the article's page, every article page, a source's pages and the listings", () => {
    expect(Links.pages.article("a1")).toBe("/articles/a1");
    expect(Links.pages.allArticles).toBe("/articles/*");
    expect(Links.pages.source("a.example")).toBe("/sources/a.example*");
    expect(Links.pages.listings).toEqual(["/", "/feed.xml", "/sitemap.xml"]);
  });
});
