/**
 * Parsing and cleaning without the network: the variations real publishers
 * ship, and what a hostile one might put in titles, links and content.
 */
import { Feed, Sanitize } from "@takedown/core";
import { describe, expect, it } from "vitest";

const FEED_URL = "https://outlet.example/feeds/main.xml";
const rss = (items: string, channel = "") =>
  `<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>O</title>${channel}${items}</channel></rss>`;

describe("Feed.parse", () => {
  // A title is read as HTML, as publishers escape it: "&amp;amp;" in the XML is an escaped "&".
  it("reads entities, CDATA and HTML in titles as plain text", () => {
    const { items } = Feed.parse(
      rss(`<item><title><![CDATA[Caf&eacute; <b>opens</b> &amp; closes]]></title><link>https://outlet.example/a</link></item>
           <item><title>Fish &amp;amp; chips &#8212; &lt;i&gt;cheaper&lt;/i&gt;</title><link>https://outlet.example/b</link></item>`),
      FEED_URL,
      "full",
    );
    expect(items.map((item) => item.title)).toEqual(["Café opens & closes", "Fish & chips — cheaper"]);
  });

  it("keeps a GUID that is not a URL, resolves a relative link against the feed, and leaves a missing date to the poller", () => {
    const [item] = Feed.parse(
      rss(`<item><title>T</title><link>../news/1</link><guid isPermaLink="false">urn:outlet:1</guid></item>`),
      FEED_URL,
      "full",
    ).items;
    expect(item).toMatchObject({ guid: "urn:outlet:1", url: "https://outlet.example/news/1", publishedAt: undefined });
  });

  it("falls back to a GUID that is a URL when there is no link, and refuses an item with no http(s) link at all", () => {
    const parsed = Feed.parse(
      rss(`<item><title>By guid</title><guid>https://outlet.example/by-guid</guid></item>
           <item><title>Data</title><link>data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;</link></item>
           <item><title>Nothing</title><description>x</description></item>`),
      FEED_URL,
      "full",
    );
    expect(parsed.items.map((item) => item.url)).toEqual(["https://outlet.example/by-guid"]);
    expect(parsed.refused).toEqual([
      { title: "Data", reason: "link is not http(s)" },
      { title: "Nothing", reason: "no link" },
    ]);
  });

  it("prefers content:encoded in full mode and the description as excerpt, and reads the author from dc:creator", () => {
    const xml = rss(
      `<item><title>T</title><link>https://outlet.example/t</link><dc:creator>Ines Ferreira</dc:creator><description>Short.</description><content:encoded><![CDATA[<p>Long <em>text</em>.</p>]]></content:encoded></item>`,
    );
    expect(Feed.parse(xml, FEED_URL, "full").items[0]).toMatchObject({
      html: "<p>Long <em>text</em>.</p>",
      text: "Long text.",
      author: "Ines Ferreira",
    });
    expect(Feed.parse(xml, FEED_URL, "excerpt").items[0]).toMatchObject({ html: "<p>Short.</p>", text: "Short." });
  });

  it("reads the channel's ttl, in minutes", () => {
    expect(Feed.parse(rss("", "<ttl>45</ttl>"), FEED_URL, "full").ttlSeconds).toBe(2700);
    expect(Feed.parse(rss(""), FEED_URL, "full").ttlSeconds).toBeUndefined();
  });

  it("refuses what is not a feed", () => {
    for (const text of ["<html><body>Not a feed</body></html>", "{}", "<rss><channel><item><title>x</ti"]) {
      expect(() => Feed.parse(text, FEED_URL, "full")).toThrow(expect.objectContaining({ code: "malformed" }));
    }
  });
});

describe("Sanitize.html", () => {
  const clean = (html: string) => Sanitize.html(html, "https://outlet.example/news/item");

  it("keeps text structure and links, made absolute and marked external", () => {
    expect(
      clean(`<h2>Head</h2><p>A <a href="../about" title="x">link</a> <q>quoted</q></p><ul><li>one</li></ul>`),
    ).toBe(
      `<h2>Head</h2><p>A <a href="https://outlet.example/about" rel="nofollow noopener noreferrer">link</a> <q>quoted</q></p><ul><li>one</li></ul>`,
    );
  });

  it.each([
    [`<script>alert(1)</script><p>ok</p>`, "<p>ok</p>"],
    [`<p onclick="alert(1)" style="color:red" class="x" id="y">ok</p>`, "<p>ok</p>"],
    [`<a href="javascript:alert(1)">x</a>`, "<a>x</a>"],
    [`<a href="&#106;avascript:alert(1)">x</a>`, "<a>x</a>"],
    [`<a href=" vbscript:msgbox(1)">x</a>`, "<a>x</a>"],
    [`<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>`, "<a>x</a>"],
    [`<img src="https://tracker.example/p.gif" onerror="alert(1)">`, ""],
    [`<iframe src="https://evil.example"></iframe><object data="x"></object><embed src="x">`, ""],
    [`<svg onload="alert(1)"><script>alert(2)</script></svg>`, ""],
    [
      `<style>*{display:none}</style><link rel="stylesheet" href="x.css"><meta http-equiv="refresh" content="0;url=https://evil.example">`,
      "",
    ],
    [`<form action="https://evil.example"><input name="q"><button>go</button></form>`, "go"],
    [`<base href="https://evil.example/"><p>ok</p>`, "<p>ok</p>"],
    [`<p>1 &lt; 2 &amp; <b>bold</b></p>`, "<p>1 &lt; 2 &amp; <b>bold</b></p>"],
  ])("cleans %s", (dirty, expected) => {
    expect(clean(dirty)).toBe(expected);
  });
});
