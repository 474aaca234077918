/**
 * Many people acting on the same things at the same moment: one decision per
 * notice whoever clicks, every approval of a shared article counted, and no
 * article from a blocked source slipping through while the block is applied.
 */
import { Article, config, Links, Notice } from "@takedown/core";
import { app } from "@takedown/web";
import { describe, expect, it } from "vitest";
import { approve, confirmedNotice, deliveries, drain, events, mailAbout, OPERATORS, press, tokenOf } from "../support/desk";
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
    figure("concurrency.one-notice-50-clicks", { requests: 50, ok: 1, gone: 49, decisions: 1, decisionMails: 1, won: action, ms });
  });
});

describe("two notices covering one article, decided at the same moment", () => {
  it("records both decisions and leaves the article hidden, naming both notices", async () => {
    const first = await confirmedNotice();
    const article = first.articles[0]!;
    const second = await Notice.file(noticeInput([Links.article(article.id)]));
    const email = second.requester.email;
    await Notice.confirm(second.id, tokenOf(Links.act(second.id, "confirm", email)));

    const [a, b] = await Promise.all([approve(first.notice.id), approve(second.id, OPERATORS[1])]);
    expect([a.status, b.status]).toEqual([200, 200]);
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
   * The ingest writes the article, then reads the rules; the approval writes
   * its rule, then scans the source. Each round forces one interleaving with
   * gates on the two sides' DynamoDB calls, or lets them run free.
   */
  const ruleCall = (command: string, domain: string) => (c: string, input: string) =>
    c === command && input.includes(`RULE#SOURCE#${domain}`);
  /** Holds the calls `waiting` matches until one that `first` matches has been answered. */
  function ordered(first: ReturnType<typeof ruleCall>, waiting: ReturnType<typeof ruleCall>) {
    let answered!: () => void;
    const done = new Promise<void>((resolve) => (answered = resolve));
    return [
      intoDynamo({ when: first, effect: { notify: () => answered() } }),
      intoDynamo({ when: waiting, effect: { hold: done } }),
    ];
  }
  const ORDERS = {
    /** The dangerous one: the ingest reads no rule, so the approval's scan must find the article. */
    "ingest reads before the rule lands": (domain: string) =>
      ordered(ruleCall("BatchGetItemCommand", domain), ruleCall("UpdateItemCommand", domain)),
    /** The ingest's rule check waits until the rule is stored. */
    "rule lands before the ingest reads": (domain: string) =>
      ordered(ruleCall("UpdateItemCommand", domain), ruleCall("BatchGetItemCommand", domain)),
    /**
     * The same, on DynamoDB's schedule: the index the scan reads does not show
     * the new article yet. The approval's second look hides it.
     */
    "ingest reads before the rule lands, index lagging": (domain: string, freshId: string) => [
      ...ordered(ruleCall("BatchGetItemCommand", domain), ruleCall("UpdateItemCommand", domain)),
      intoDynamo({
        when: (c, i) => c === "QueryCommand" && i.includes(`SOURCE#${domain}`),
        effect: { alter: (output) => (output.Items = output.Items.filter((item: { id: string }) => item.id !== freshId)) },
        times: 1,
      }),
    ],
    "free-running": () => [],
  };

  it("never leaves the new article visible (where the index lags, past the rescan), over every interleaving", async () => {
    const ROUNDS = 16;
    const orders = Object.keys(ORDERS) as (keyof typeof ORDERS)[];
    const tally: Record<string, { rounds: number; hiddenAtIngest: number; hiddenByApproval: number; hiddenByRescan: number }> = {};
    for (let round = 0; round < ROUNDS; round++) {
      const order = orders[round % orders.length]!;
      const { notice, sourceDomain, tag } = await confirmedNotice({ overrides: { scope: "source", future: true } });
      const url = `https://${sourceDomain}/news/breaking-${round}`;
      const gates = ORDERS[order](sourceDomain, Article.idForUrl(url, config().publicUrl)!);
      try {
        const [decided, fresh] = await Promise.all([
          approve(notice.id),
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
        const counts = (tally[order] ??= { rounds: 0, hiddenAtIngest: 0, hiddenByApproval: 0, hiddenByRescan: 0 });
        counts.rounds++;
        if ((await app.request(`/articles/${fresh.id}`)).status !== 451) {
          // Only a lagging index leaves it up, and only until the rescan.
          expect(order, `round ${round}`).toBe("ingest reads before the rule lands, index lagging");
          await drain(Date.now() + Notice.RESCAN_AFTER_MS);
          counts.hiddenByRescan++;
        } else if (fresh.suppressedBy) counts.hiddenAtIngest++;
        else counts.hiddenByApproval++;
        expect((await app.request(`/articles/${fresh.id}`)).status, `${order}, round ${round}`).toBe(451);
      } finally {
        gates.forEach((gate) => gate.remove());
      }
    }
    expect(tally["ingest reads before the rule lands"]!.hiddenByApproval).toBe(ROUNDS / 4);
    expect(tally["rule lands before the ingest reads"]!.hiddenAtIngest).toBe(ROUNDS / 4);
    expect(tally["ingest reads before the rule lands, index lagging"]!.hiddenByRescan).toBe(ROUNDS / 4);
    figure("concurrency.source-approval-vs-ingest", { rounds: ROUNDS, visibleAfterRescan: 0, ...tally });
  });
});
