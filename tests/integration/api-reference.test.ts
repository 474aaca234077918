/**
 * The API reference renders the document's descriptions itself, with the
 * Markdown they use: paragraphs, `- ` lists and `code` (docs/browser.md says
 * why not a renderer from npm). A description that reaches for more (a
 * link, emphasis, a heading) would reach readers as raw Markdown: this
 * fails first, so the renderer grows with the document.
 */
import { app } from "@takedown/web";
import { describe, expect, it } from "vitest";

/** What a reader sees: the page's text without its markup. */
const readable = (html: string) =>
  html
    .replace(/<(script|style|textarea)\b[\s\S]*?<\/\1>/g, "")
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

describe("the API reference's prose", () => {
  it("shows no Markdown left unrendered", async () => {
    const text = readable(await (await app.request("/api/docs")).text());
    expect(text.length).toBeGreaterThan(5_000);
    const raw = [
      ["backtick", /`/],
      ["emphasis", /\*\*?\S|__\S/],
      ["link", /\]\(/],
      ["heading", /^\s*#{1,6} /m],
      ["numbered list", /^\s*\d+\. /m],
    ] as const;
    for (const [name, pattern] of raw) expect(pattern.test(text), `${name}: ${text.match(pattern)?.[0]}`).toBe(false);
  });
});
