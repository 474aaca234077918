/**
 * What people read, decided without I/O: each listed URL's state from the
 * notice and its articles, the rules an approval names, dates, names and
 * who is mailed.
 */
import { type Notice, Present, reveal, type Article } from "@takedown/core";
import { load } from "@takedown/core/config";
import { signs, slug } from "@takedown/core/text";
import { describe, expect, it } from "vitest";

const article = (id: string, hiddenBy: string[] = [], sourceDomain = "harbour-gazette.example"): Article.Article => ({
  id,
  title: `Story ${id}`,
  author: "Maya Lindqvist",
  authorKey: "maya-lindqvist",
  authorKeys: ["maya-lindqvist"],
  sourceName: "Harbour Gazette",
  sourceDomain,
  originalUrl: `https://${sourceDomain}/${id}`,
  publishedAt: "2026-11-01T10:00:00.000Z",
  hiddenBy,
  ingestedAt: "2026-11-01T10:00:00.000Z",
  updatedAt: "2026-11-01T10:00:00.000Z",
});

const subject = {
  sourceDomain: "harbour-gazette.example",
  sourceName: "Harbour Gazette",
  authorKey: "maya-lindqvist",
  author: "Maya Lindqvist",
};

const notice = (overrides: Partial<Notice.Notice>): Notice.Notice =>
  ({
    id: "n1",
    createdAt: "2026-12-01T01:09:57.805Z",
    requester: { name: "Jane", email: "rights@harbour-gazette.example", role: "publisher" },
    scope: "urls",
    future: false,
    urls: [],
    subjects: [subject],
    status: "pending_review",
    events: [],
    outbox: {},
    version: 1,
    ...overrides,
  }) as Notice.Notice;

describe("each listed URL's state", () => {
  const articles = new Map([
    ["a1", article("a1", ["n1"])],
    ["a2", article("a2", ["n0"])],
    ["a3", article("a3")],
  ]);
  const urls = [
    { url: "https://harbour-gazette.example/a1", articleId: "a1" },
    { url: "https://harbour-gazette.example/a1?utm_source=x", articleId: "a1" },
    { url: "https://harbour-gazette.example/a2", articleId: "a2" },
    { url: "https://harbour-gazette.example/a3", articleId: "a3" },
    { url: "https://nowhere.example/x" },
  ];
  const states = (status: Notice.Status) => Present.urlRows(notice({ status, urls }), articles).map((row) => row.state);

  it("follows the notice's status and the article's real state, counting a repeated article once", () => {
    expect(states("approved")).toEqual(["hidden_by_this", "repeat", "hidden_by_other", "being_hidden", "not_found"]);
    expect(states("rejected")).toEqual(["hidden_by_this", "repeat", "hidden_by_other", "kept", "not_found"]);
    expect(states("awaiting_confirmation").slice(2)).toEqual(["hidden_by_other", "awaiting_confirmation", "not_found"]);
    expect(states("pending_review")[3]).toBe("awaiting_decision");
    const rows = Present.urlRows(notice({ status: "approved", urls }), articles);
    expect(Present.tally(rows)).toMatchObject({ hidden_by_this: 1, repeat: 1, hidden_by_other: 1, not_found: 1 });
    expect(Present.stateText(rows[2]!)).toBe("already hidden under notice n0");
  });
});

describe("what a decision did, in distinct articles", () => {
  const urls = [
    { url: "https://harbour-gazette.example/a1", articleId: "a1" },
    { url: "https://harbour-gazette.example/a1?utm_source=x", articleId: "a1" },
    { url: "https://harbour-gazette.example/a2", articleId: "a2" },
  ];
  const decided = (action: "approved" | "rejected", articles: Map<string, Article.Article>) => {
    const n = notice({
      status: action,
      urls,
      decision: { action, by: "ops@x.example", at: "2026-12-01T02:00:00.000Z" },
    });
    return Present.decisionOutcome(n, Present.urlRows(n, articles));
  };

  it("counts what this approval hid apart from what another notice hides as well", () => {
    const approved = new Map([
      ["a1", article("a1", ["n1"])],
      ["a2", article("a2", ["n0", "n1"])],
    ]);
    expect(decided("approved", approved)).toBe(
      "1 article is no longer shown because of it. 1 listed article is hidden under notice n0 as well.",
    );
  });

  it("does not say a rejection left up what another notice hides", () => {
    const rejected = new Map([
      ["a1", article("a1")],
      ["a2", article("a2", ["n0"])],
    ]);
    expect(decided("rejected", rejected)).toBe(
      "This decision removed nothing. 1 listed article stays up. 1 listed article is hidden under notice n0.",
    );
  });
});

describe("the rules an approval leaves, in words", () => {
  it("names the author rule that 'the listed articles, in the future' creates, and the source rule", () => {
    expect(Present.futureRules(notice({ future: true }))).toEqual([
      "future articles by Maya Lindqvist at harbour-gazette.example",
    ]);
    expect(Present.futureRules(notice({ future: true, scope: "source" }))).toEqual([
      "future articles from harbour-gazette.example",
    ]);
    expect(Present.futureRules(notice({ future: false }))).toEqual([]);
    expect(Present.scopeLine(notice({ future: true, scope: "source" }))).toBe(
      "every article from harbour-gazette.example, now and in the future",
    );
  });

  it("reads stored rule ids back in words", () => {
    expect(Present.describeRuleId("author:harbour-gazette.example/maya-lindqvist", [subject])).toBe(
      "articles by Maya Lindqvist at harbour-gazette.example",
    );
    expect(Present.describeRuleId("source:harbour-gazette.example", [subject])).toBe(
      "articles from harbour-gazette.example",
    );
  });

  it("tells operators, per source, what approving hides now and leaves for the future", () => {
    const other = { ...subject, sourceDomain: "valley-ledger.example", sourceName: "Valley Ledger" };
    const n = notice({
      future: true,
      subjects: [subject, other],
      urls: [
        { url: "https://harbour-gazette.example/a3", articleId: "a3" },
        { url: "https://valley-ledger.example/b1", articleId: "b1" },
      ],
    });
    const articles = new Map([
      ["a3", article("a3")],
      ["b1", article("b1", [], "valley-ledger.example")],
    ]);
    expect(Present.checkLines(n).map((line) => line.warning)).toEqual([false, true]);
    expect(Present.approvalPlan(n, Present.urlRows(n, articles), new Map())).toEqual([
      "harbour-gazette.example: hides 1 article now; blocks future articles by Maya Lindqvist at harbour-gazette.example.",
      "valley-ledger.example: hides 1 article now; blocks future articles by Maya Lindqvist at valley-ledger.example.",
    ]);
  });
});

describe("dates, names and recipients", () => {
  it("shows dates as people read them", () => {
    expect(Present.date("2026-12-01T01:09:57.805Z")).toBe("1 December 2026, 01:09 UTC");
  });

  it("mails a keyed notice to the key's owner, and to the requester only at the owner's domain", () => {
    const keyed = (email: string) =>
      notice({
        requester: { name: "J", email, role: "agent" },
        filedWith: { id: "k", name: "Desk", owner: "desk@agency.example" },
      });
    expect(Present.mailTo(keyed("someone@elsewhere.example"))).toEqual(["desk@agency.example"]);
    expect(Present.mailTo(keyed("jane@agency.example"))).toEqual(["desk@agency.example", "jane@agency.example"]);
    expect(Present.mailTo(notice({}))).toEqual(["rights@harbour-gazette.example"]);
  });

  it("takes operators' display names and the desk's address from the settings", () => {
    const config = load({
      OPERATOR_EMAILS: "Ada Okafor <Ada@Desk.example>, bob@desk.example",
      NOTICE_EMAIL: "notices@desk.example",
    });
    expect(config.operatorEmails).toEqual(["ada@desk.example", "bob@desk.example"]);
    expect(config.operatorNames).toEqual({ "ada@desk.example": "Ada Okafor" });
    expect(config.noticeEmail).toBe("notices@desk.example");
    expect(load({}).noticeEmail).toBeUndefined();
  });
});

describe("names compared as written", () => {
  it("signs with /s/, any case and spacing, but not with a different or shortened name", () => {
    expect(signs("/s/ Ada Okafor", "Ada Okafor")).toBe(true);
    expect(signs("/S/ada   OKAFOR ", "Ada Okafor")).toBe(true);
    expect(signs("STRASSE", "Straße")).toBe(true);
    expect(signs("/s/ Ada", "Ada Okafor")).toBe(false);
    expect(signs("Иван Петров", "Мария Иванова")).toBe(false);
    expect(signs("Jose", "José")).toBe(false);
    expect(signs("ＡＤＡ ＯＫＡＦＯＲ", "Ada Okafor")).toBe(true);
  });

  it("keys authors by their own script, so two non-Latin names stay two", () => {
    expect(slug("Мария Иванова")).not.toBe(slug("Иван Петров"));
    expect(slug("李娜")).not.toBe(slug("王芳"));
    expect(slug("Jane  O'Doe")).toBe(slug("jane o doe"));
  });

  it("reveals every invisible or format character", () => {
    expect(reveal("A\u200dB\u2060C\u00adD\u3164E\u115fF\ufe0fG\u202eH")).toBe(
      "A[U+200D]B[U+2060]C[U+00AD]D[U+3164]E[U+115F]F[U+FE0F]G[U+202E]H",
    );
    expect(reveal("line one\nline two\ttab")).toBe("line one\nline two\ttab");
  });
});

describe("who acted, as the audit trail names them", () => {
  it("names operators, the requester, the desk and API keys, by their name when it is known", () => {
    expect(Present.actorName("requester")).toBe("the sender");
    expect(Present.actorName("system")).toBe("the desk");
    expect(Present.actorName("key:k1")).toBe("API key k1");
    expect(Present.actorName("key:k1", new Map([["k1", "Newsroom bot"]]))).toBe('API key "Newsroom bot" (k1)');
    expect(Present.actorName("key:k1 (Rights desk)")).toBe('API key "Rights desk" (k1)');
    expect(Present.keyOf("key:k1 (Rights desk)")).toBe("k1");
    expect(Present.keyOf("ops@x.example")).toBeUndefined();
  });
});
