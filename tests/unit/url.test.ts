import { Url } from "@takedown/core";
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
    for (const bad of ["", "not a url", "javascript:alert(1)", "ftp://a.example/x", "https://nodot/"]) {
      expect(Url.normalize(bad)).toBeUndefined();
    }
  });
});
