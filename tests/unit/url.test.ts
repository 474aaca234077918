import * as Url from "@takedown/core/url";
import { describe, expect, it } from "vitest";

describe("URL normalisation", () => {
  const canonical = "example-news.example/2026/story";
  it.each([
    "https://example-news.example/2026/story",
    "http://www.example-news.example/2026/story/",
    "https://WWW.Example-News.example/2026/story#comments",
    "https://example-news.example/2026/story?utm_source=rss&utm_medium=feed",
    "https://example-news.example/2026/story/?fbclid=abc&gclid=def",
    "example-news.example/2026/story",
  ])("maps %s to the same article", (variant) => {
    expect(Url.normalize(variant)).toBe(canonical);
  });

  it("keeps parameters that identify the page, in a stable order", () => {
    expect(Url.normalize("https://a.example/view?id=7&page=2&utm_campaign=x")).toBe("a.example/view?id=7&page=2");
    expect(Url.normalize("https://a.example/view?page=2&id=7")).toBe("a.example/view?id=7&page=2");
  });

  it("is idempotent", () => {
    const once = Url.normalize("https://www.a.example/x/?b=2&a=1&utm_x=1#f")!;
    expect(Url.normalize(once)).toBe(once);
  });

  it("refuses what is not a web address", () => {
    for (const bad of ["", "   ", "not a url", "javascript:alert(1)", "ftp://a.example/x", "https://nodot/"]) {
      expect(Url.normalize(bad)).toBeUndefined();
    }
  });

  it("keeps a port other than the web's defaults: another port is another site", () => {
    expect(Url.normalize("https://a.example:8080/x")).toBe("a.example:8080/x");
    expect(Url.normalize("a.example:8080/x")).not.toBe(Url.normalize("a.example/x"));
    // Without the scheme, 80 and 443 both mean the site itself.
    expect(Url.normalize("http://a.example:443/x")).toBe("a.example/x");
    expect(Url.normalize("https://a.example:80/x")).toBe("a.example/x");
  });

  it("refuses two addresses pasted on one line instead of reading them as one", () => {
    expect(Url.normalize("https://a.example/x https://b.example/y")).toBeUndefined();
    expect(Url.normalize("a.example/x\tb.example/y")).toBeUndefined();
    // Spaces around one address are only what the paste brought along.
    expect(Url.normalize("  https://a.example/x \n")).toBe("a.example/x");
  });

  it("reads a scheme in any case, and a link to another address inside the path as part of it", () => {
    expect(Url.normalize("HTTPS://a.example/x")).toBe("a.example/x");
    expect(Url.normalize("a.example/share?u=https://b.example/y")).toBe(
      "a.example/share?u=https%3A%2F%2Fb.example%2Fy",
    );
  });

  it("takes localhost, which has no dot, for the local desk", () => {
    expect(Url.normalize("http://localhost:3000/articles/a1")).toBe("localhost:3000/articles/a1");
  });

  it("drops a trailing dot, every leading www. and every trailing slash, but never the name itself", () => {
    expect(Url.normalize("https://a.example./x")).toBe("a.example/x");
    expect(Url.normalize("https://www.www.a.example/x")).toBe("a.example/x");
    expect(Url.normalize("https://www.example/x")).toBe("www.example/x");
    expect(Url.normalize("https://shop.www.a.example/x")).toBe("shop.www.a.example/x");
    expect(Url.normalize("https://a.example/x//")).toBe("a.example/x");
  });

  it.each([
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "twclid",
    "ttclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "mkt_tok",
    "ref_src",
    "ref_url",
    "s_cid",
    "utm_content",
  ])("drops the tracking parameter %s, in any case", (param) => {
    expect(Url.normalize(`https://a.example/x?id=7&${param}=1`)).toBe("a.example/x?id=7");
    expect(Url.normalize(`https://a.example/x?id=7&${param.toUpperCase()}=1`)).toBe("a.example/x?id=7");
  });

  it("keeps a parameter that only ends like a tracking one", () => {
    expect(Url.normalize("https://a.example/x?id_utm_=1")).toBe("a.example/x?id_utm_=1");
  });

  it("orders a repeated parameter's values too", () => {
    expect(Url.normalize("https://a.example/x?tag=b&tag=a")).toBe(Url.normalize("https://a.example/x?tag=a&tag=b"));
  });
});

describe("a source's domain", () => {
  it("is the host alone, without www., port, path or query", () => {
    expect(Url.domain("https://www.a.example:8080/x?y=1")).toBe("a.example");
    expect(Url.domain("https://a.example?y=1")).toBe("a.example");
    expect(Url.domain("not a url")).toBeUndefined();
  });
});
