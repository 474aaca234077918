/**
 * FUTURE_RULES_NEED_SECOND_APPROVAL: an approval hides what the notice lists
 * at once, but a rule that blocks future articles starts only when a second,
 * different operator confirms it.
 */
import { Article, Links, Notice } from "@takedown/core";
import { describe, expect, it } from "vitest";
import { approve, drain, OPERATORS } from "../support/desk";
import { ingestSource, noticeInput } from "../support/fixtures";
import { withSettings } from "../support/settings";

withSettings({ FUTURE_RULES_NEED_SECOND_APPROVAL: "true" });
const [first, second] = OPERATORS as [string, string];

describe("a rule for the future, with a second approval required", () => {
  it("hides the listed article at once, and blocks later articles only once another operator confirms", async () => {
    const { articles, sourceDomain, author } = await ingestSource(1);
    const input = noticeInput([articles[0]!.originalUrl], { future: true });
    const filed = await Notice.file(input);
    await Notice.confirmAnonymous(
      filed.id,
      new URL(Links.act(filed.id, "confirm", input.requester.email)).searchParams.get("token")!,
    );
    await approve(filed.id, first);
    await drain();
    let n = 0;
    const later = () =>
      Article.ingest({
        title: "Later",
        author,
        sourceName: "S",
        sourceDomain,
        originalUrl: `https://www.${sourceDomain}/later-${n++}`,
        publishedAt: "2026-11-20T00:00:00Z",
      });

    expect(Article.isHidden((await Article.get(articles[0]!.id))!)).toBe(true);
    expect(Article.isHidden((await Article.get((await later()).id))!)).toBe(false);
    const approved = await Notice.get(filed.id);
    const [waiting] = Notice.awaitingConfirmation(approved);
    expect(waiting).toMatchObject({ kind: "author", sourceDomain });

    await expect(Notice.confirmRule(filed.id, first, { rule: waiting!.id })).rejects.toMatchObject({
      code: "forbidden",
    });
    await Notice.confirmRule(filed.id, second, { rule: waiting!.id });
    await drain();
    expect(Article.isHidden((await Article.get((await later()).id))!)).toBe(true);
    const confirmed = await Notice.get(filed.id);
    expect(Notice.awaitingConfirmation(confirmed)).toEqual([]);
    expect(
      confirmed.events
        .filter((e) => e.type === "rule_confirmed" || e.type === "rule_created")
        .map((e) => [e.type, e.by]),
    ).toEqual([
      ["rule_confirmed", second],
      ["rule_created", "system"],
    ]);
  });
});
