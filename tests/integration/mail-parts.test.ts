/**
 * Every kind of mail the desk sends arrives with a plain-text part and an
 * HTML part saying the same thing; whatever a sender, an operator or a feed
 * typed is escaped in the HTML (as on the pages: one JSX renderer) and reads
 * as typed in the text.
 */
import { Mail, type Article, type Notice } from "@takedown/core";
import { describe, expect, it } from "vitest";
import { inbox } from "../support/mailbox";
import { unique } from "../support/fixtures";

/** Markup, both quotes and an ampersand, tagged with the field it was typed into. */
const hostile = (field: string) => `<script>alert("${field}")</script> & '${field}'`;
const escaped = (field: string) => `&lt;script&gt;alert(&quot;${field}&quot;)&lt;/script&gt; &amp; &#39;${field}&#39;`;

const tag = unique();
const operator = `ops-${tag}@syndication.example`;
const requesterEmail = `jane-${tag}@harbour-gazette.example`;

const article: Article.Article = {
  id: "a1",
  title: hostile("title"),
  author: hostile("author"),
  authorKey: "maya",
  authorKeys: ["maya"],
  sourceName: hostile("sourceName"),
  sourceDomain: "harbour-gazette.example",
  originalUrl: "https://harbour-gazette.example/a1",
  publishedAt: "2026-11-01T10:00:00.000Z",
  hiddenBy: [],
  ingestedAt: "2026-11-01T10:00:00.000Z",
  updatedAt: "2026-11-01T10:00:00.000Z",
};

const notice = {
  id: `n${tag}`,
  createdAt: "2026-12-01T01:09:57.805Z",
  requester: {
    name: hostile("name"),
    email: requesterEmail,
    role: "publisher",
    organization: hostile("organization"),
    address: hostile("address"),
    phone: hostile("phone"),
  },
  scope: "urls",
  future: false,
  urls: [
    { url: "https://harbour-gazette.example/a1", articleId: "a1" },
    { url: `https://elsewhere.example/?q=${hostile("url")}` },
  ],
  subjects: [
    { sourceDomain: "harbour-gazette.example", sourceName: "Harbour Gazette", authorKey: "maya", author: "Maya" },
  ],
  work: hostile("work"),
  explanation: hostile("explanation"),
  signature: hostile("signature"),
  status: "rejected",
  decision: { action: "rejected", by: operator, at: "2026-12-01T02:00:00.000Z", reason: hostile("reason") },
  events: [{ type: "contested", at: "2026-12-01T03:00:00.000Z", by: requesterEmail, objection: hostile("objection") }],
  filedWith: { id: "k1", name: hostile("keyName") },
  outbox: {},
  version: 1,
} as unknown as Notice.Notice;

const context: Mail.Context = { articles: new Map([["a1", article]]), suppressed: new Set() };

/** Each kind, and the fields people typed that it shows. */
const kinds = {
  receipt: { email: Mail.compose("receipt", notice, undefined, context), fields: [] },
  review: {
    email: Mail.compose("review", notice, operator, context),
    fields: [
      "name",
      "organization",
      "address",
      "phone",
      "signature",
      "url",
      "title",
      "author",
      "sourceName",
      "work",
      "explanation",
      "keyName",
    ],
  },
  decision: { email: Mail.compose("decision", notice, undefined, context), fields: ["name", "reason", "url"] },
  contest: { email: Mail.compose("contest", notice, operator, context), fields: ["name", "reason", "objection"] },
  deadNotice: { email: Mail.deadNotice(notice.id, operator, hostile("error"), 5), fields: ["error"] },
};

describe("every kind of mail", () => {
  it.each(Object.entries(kinds))(
    "%s arrives with a text and an HTML part, what was typed escaped in the HTML and as typed in the text",
    async (kind, { email, fields }) => {
      const subject = `${email.subject} [${kind}]`;
      await Mail.send({ ...email, subject }, { notice: notice.id, kind });
      const [to] = email.to;
      const sent = (await inbox(to!)).find((mail) => mail.subject === subject);
      expect(sent, `${kind} reached the mailbox`).toBeDefined();
      const { text = "", html = "" } = sent!.body;
      expect(text.trim(), "text part").not.toBe("");
      expect(html, "HTML part").toMatch(/^<!doctype html><html lang="en"><body/);

      expect(html).not.toMatch(/<script|alert\("/);
      for (const field of fields) {
        expect(html, `${field} in the HTML`).toContain(escaped(field));
        expect(text, `${field} in the text`).toContain(hostile(field));
      }
      // The text part is text: no markup, no entity a reader would see.
      expect(text).not.toMatch(/<\/?(p|a|h3|div|span|time)\b|&(amp|lt|gt|quot|#39);/);
      // Links are kept in both parts.
      for (const [, href] of html.matchAll(/<a href="([^"]+)"/g))
        expect(text).toContain(href!.replaceAll("&amp;", "&"));
    },
  );

  it("shows the same words in both parts", () => {
    const { email } = kinds.review;
    const read = (html: string) =>
      html
        .replace(/<\/?(p|h3|div|body)\b[^>]*>/g, " ")
        .replace(/<[^>]+>/g, "")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, "&");
    const words = (value: string) =>
      value
        .replace(/https?:\/\/\S+/g, "")
        .split(/[\s:]+/)
        .filter(Boolean);
    expect(words(read(email.html))).toEqual(words(email.text));
  });
});
