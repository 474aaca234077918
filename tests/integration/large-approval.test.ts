/** A source-wide approval hides by rule: one write, whatever the size of the source. */
import { Article, Notice } from "@takedown/core";
import { describe, expect, it } from "vitest";
import { mapLimit } from "../../packages/core/src/batch";
import { approve, drain, events } from "../support/desk";
import { callsDuring } from "../support/dynamo-calls";
import { confirmedNotice } from "../support/desk";

describe("approving a notice that covers a large source", () => {
  it("hides every article of the source without writing any of them", async () => {
    const { notice, sourceDomain, author, articles } = await confirmedNotice({ overrides: { scope: "source" } });
    const archive = await mapLimit(
      Array.from({ length: 130 }, (_, i) => i),
      16,
      (i) =>
        Article.ingest({
          title: `Archive story ${i}`,
          author,
          sourceName: "Archive",
          sourceDomain,
          originalUrl: `https://${sourceDomain}/archive/${i}`,
          publishedAt: "2026-10-01T00:00:00Z",
        }),
    );

    const { result: answer, calls: requestCalls } = await callsDuring(async () => approve(notice.id));
    expect(answer.status).toBe(200);
    // One write decides; one read shows the operator each URL as it now stands.
    expect(requestCalls.map((c) => c.command)).toEqual(["UpdateItemCommand", "BatchGetItemCommand"]);
    const { calls } = await callsDuring(() => drain());
    const articleWrites = calls.filter(
      (c) => c.command === "UpdateItemCommand" && String(c.input.Key?.pk).startsWith("ARTICLE#"),
    );
    // The rule hides all 131, the listed one too: no article is written.
    expect(articleWrites).toHaveLength(0);

    const stored = await Article.getMany([...articles, ...archive].map((a) => a.id));
    expect(stored.size).toBe(131);
    expect(
      [...stored.values()].every((a) => a.hiddenBy.includes(notice.id) && a.suppressedBy === `source:${sourceDomain}`),
    ).toBe(true);
    const approved = await Notice.get(notice.id);
    expect(events(approved, "rule_created")).toMatchObject([{ rule: `source:${sourceDomain}` }]);
    expect(approved.effectsPending).toBeUndefined();
  });
});
