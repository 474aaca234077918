import { describe, expect, it } from "vitest";
import { idForUrl } from "../../packages/core/src/article";
import * as Ids from "../../packages/core/src/ids";
import * as Paths from "../../packages/core/src/paths";

describe("the site's paths", () => {
  it("build links that the routes registered under the same patterns answer", () => {
    const built: [string, string, Record<string, string>][] = [
      [Paths.routes.article, Paths.article("0123456789abcdef0123"), { id: "0123456789abcdef0123" }],
      [Paths.routes.source, Paths.source("news.example"), { domain: "news.example" }],
      [Paths.routes.publicNotice, Paths.publicNotice("n1"), { id: "n1" }],
      [Paths.routes.status, Paths.status("n1"), { id: "n1" }],
      [Paths.routes.act, Paths.act("n1", "confirm"), { id: "n1", action: "confirm" }],
      [Paths.routes.decide, Paths.act("n1", "reject"), { id: "n1", action: "reject" }],
      [Paths.routes.resend, Paths.resend("n1"), { id: "n1" }],
      [Paths.routes.contest, Paths.contest("n1"), { id: "n1" }],
    ];
    for (const [route, path, params] of built) expect(Paths.match(route, path)).toEqual(params);
    expect(Paths.article("0123456789abcdef0123")).toBe("/articles/0123456789abcdef0123");
  });

  it("do not answer a path that only resembles a route", () => {
    expect(Paths.match(Paths.routes.decide, Paths.act("n1", "confirm"))).toBeUndefined();
    expect(Paths.match(Paths.routes.article, "/archive/articles/0123456789abcdef0123")).toBeUndefined();
    expect(Paths.match(Paths.routes.feed, "/feedXxml")).toBeUndefined();
    expect(Paths.match(Paths.routes.article, "/articles/%E0%A4%A")).toEqual({ id: "%E0%A4%A" });
  });

  it("tell a CDN every page that shows an article", () => {
    expect(Paths.pages.allArticles).toBe("/articles/*");
    expect(Paths.pages.source("news.example")).toBe("/sources/news.example*");
    expect(Paths.pages.listings).toEqual(["/", "/feed.xml", "/sitemap.xml"]);
  });
});

describe("a URL in a notice", () => {
  const site = "https://desk.example";
  const id = "0123456789abcdef0123";

  it("names our article when it is our article's page", () => {
    expect(idForUrl(`${site}/articles/${id}`, site)).toBe(id);
    expect(idForUrl(`https://desk.example/path/articles/${id}`, "https://desk.example/path")).toBe(id);
  });

  it("names the article by its original URL anywhere else, on our site or another", () => {
    expect(idForUrl(`${site}/elsewhere/articles/${id}`, site)).toBe(
      Ids.fromUrl(`desk.example/elsewhere/articles/${id}`),
    );
    expect(idForUrl(`https://other.example/articles/${id}`, site)).toBe(Ids.fromUrl(`other.example/articles/${id}`));
    expect(idForUrl(`${site}/articles/not-an-id`, site)).toBe(Ids.fromUrl("desk.example/articles/not-an-id"));
  });
});
