/**
 * Many people acting on the same things at the same moment: one decision per
 * notice whoever clicks, every approval of a shared article counted, and no
 * article from a blocked source slipping through while the block is applied.
 */
import { Article, Dispatch, Links, Notice } from "@takedown/core";
import { app } from "@takedown/web";
import { describe, expect, it } from "vitest";
import {
  approve,
  confirmedNotice,
  deliveries,
  drain,
  events,
  mailAbout,
  OPERATORS,
  press,
  tokenOf,
} from "../support/desk";
import { figure } from "../support/figures";
import { noticeInput, unique } from "../support/fixtures";
import { intoDynamo } from "../fault/inject";

describe("50 operators deciding one notice at once", () => {
  it("records one decision, sends one set of mail, hides once, and tells the other 49 who decided", async () => {
    const { notice, input, articles } = await confirmedNotice({ articles: 2, overrides: { scope: "source" } });
    const started = performance.now();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const operator = OPERATORS[i % 2]!;
        return i % 3
          ? press(Links.act(notice.id, "approve", operator))
          : press(Links.act(notice.id, "reject", operator), { reason: `Reason ${i}` });
      }),
    );
    const ms = Math.round(performance.now() - started);
    const bodies = await Promise.all(responses.map((r) => r.text()));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 410)).toHaveLength(49);

    await drain();
    const decided = await Notice.get(notice.id);
    const { action, by } = decided.decision!;
    for (const [i, body] of bodies.entries()) {
      if (statuses[i] === 410) expect(body).toContain(`already ${action} by ${by}`);
    }
    expect(events(decided, "decided")).toHaveLength(1);
    expect(events(decided, "articles_hidden")).toHaveLength(action === "approved" ? 1 : 0);
    const decisionMail = (await mailAbout(notice.id)).filter((m) => /was (approved|rejected)/.test(m.subject));
    expect(deliveries(decisionMail)).toEqual([`decision → ${input.requester.email}`]);
    for (const article of articles) {
      const stored = (await Article.get(article.id))!;
      expect(stored.hiddenBy).toEqual(action === "approved" ? [notice.id] : []);
    }
    figure("concurrency.one-notice-50-clicks", {
      requests: 50,
      ok: 1,
      gone: 49,
      decisions: 1,
      decisionMails: 1,
      won: action,
      ms,
    });
  });
});

describe("two notices covering one article, decided at the same moment", () => {
  it("records both decisions and leaves the article hidden, naming both notices", async () => {
    const first = await confirmedNotice();
    const article = first.articles[0]!;
    const second = await Notice.file(noticeInput([Links.article(article.id)]));
    const email = second.requester.email;
    await Notice.confirmAnonymous(second.id, tokenOf(Links.act(second.id, "confirm", email)));

    const [a, b] = await Promise.all([approve(first.notice.id), approve(second.id, OPERATORS[1])]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await drain();
    const page = await app.request(`/articles/${article.id}`);
    expect(page.status).toBe(451);
    const blockedBy = page.headers.get("link")!;
    expect(blockedBy).toContain(Links.publicNotice(first.notice.id));
    expect(blockedBy).toContain(Links.publicNotice(second.id));
    expect((await Article.get(article.id))!.hiddenBy).toEqual([first.notice.id, second.id].sort());
    for (const id of [first.notice.id, second.id]) expect((await Notice.get(id)).status).toBe("approved");
  });
});

describe("a source-wide approval racing the ingest of a new article from that source", () => {
  /**
   * A rule hides at read time, so the order in which the approval's rule and
   * the ingest land does not matter. Each round forces one order with gates
   * on the two sides' DynamoDB calls, or lets them run free.
   */
  const rulePut = (domain: string) => (c: string, input: string) =>
    c === "BatchWriteItemCommand" && input.includes(`source:${domain}`);
  const articleWrite = (url: string) => (c: string, input: string) => c === "UpdateItemCommand" && input.includes(url);
  /** Holds the calls `waiting` matches until one that `first` matches has been answered. */
  function ordered(first: (c: string, input: string) => boolean, waiting: (c: string, input: string) => boolean) {
    let answered!: () => void;
    const done = new Promise<void>((resolve) => (answered = resolve));
    return [
      intoDynamo({ when: first, effect: { notify: () => answered() } }),
      intoDynamo({ when: waiting, effect: { hold: done } }),
    ];
  }
  const ORDERS = {
    "the article lands before the rule": (domain: string, url: string) => ordered(articleWrite(url), rulePut(domain)),
    "the rule lands before the article": (domain: string, url: string) => ordered(rulePut(domain), articleWrite(url)),
    "free-running": () => [],
  };

  it("leaves the new article hidden once the approval has taken effect, in every order", async () => {
    const ROUNDS = 9;
    const orders = Object.keys(ORDERS) as (keyof typeof ORDERS)[];
    const tally: Record<string, number> = {};
    for (let round = 0; round < ROUNDS; round++) {
      const order = orders[round % orders.length]!;
      const { notice, sourceDomain, tag } = await confirmedNotice({ overrides: { scope: "source", future: true } });
      const url = `https://${sourceDomain}/news/breaking-${round}`;
      const gates = ORDERS[order](sourceDomain, url);
      try {
        const [decided, fresh] = await Promise.all([
          Promise.resolve(approve(notice.id)).then(async (response) => {
            await Dispatch.deliver(notice.id);
            return response;
          }),
          Article.ingest({
            title: `Breaking ${round}`,
            author: `Someone ${unique()}`,
            sourceName: `Source ${tag}`,
            sourceDomain,
            originalUrl: url,
            publishedAt: new Date().toISOString(),
          }),
        ]);
        expect(decided.status).toBe(200);
        const page = await app.request(`/articles/${fresh.id}`);
        expect(page.status, `${order}, round ${round}`).toBe(451);
        tally[order] = (tally[order] ?? 0) + 1;
      } finally {
        for (const gate of gates) gate.remove();
      }
    }
    expect(Object.values(tally)).toEqual([3, 3, 3]);
    figure("concurrency.source-approval-vs-ingest", { rounds: ROUNDS, visibleAfterApproval: 0, ...tally });
  });
});
