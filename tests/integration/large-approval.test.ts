/** A source-wide approval over more articles than its log lists by id. */
import { Article, Links, Moderation, Notice } from "@takedown/core";
import { describe, expect, it } from "vitest";
import { mapLimit } from "../../packages/core/src/text";
import { ingestSource, noticeInput } from "../support/fixtures";

const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;

describe("approving a notice that covers a large source", () => {
  it("hides every article and records the count, with a bounded list of ids", async () => {
    const { articles, sourceDomain, author } = await ingestSource(1);
    const extra = Moderation.LISTED_IDS + 30;
    await mapLimit(Array.from({ length: extra }, (_, i) => i), 16, (i) =>
      Article.ingest({
        title: `Archive story ${i}`,
        author,
        sourceName: "Archive",
        sourceDomain,
        originalUrl: `https://${sourceDomain}/archive/${i}`,
        publishedAt: "2026-10-01T00:00:00Z",
      }),
    );
    const input = noticeInput([articles[0]!.originalUrl], { scope: "source" });
    const filed = await Notice.file(input);
    await Notice.confirm(filed.id, tokenOf(Links.act(filed.id, "confirm", input.requester.email)));
    const approved = await Notice.decide(
      filed.id,
      "approved",
      tokenOf(Links.act(filed.id, "approve", "ops-one@syndication.example")),
      undefined,
    );

    const [hidden] = approved.events.filter((e) => e.type === "articles_hidden");
    expect(hidden).toMatchObject({ count: extra + 1 });
    expect(hidden!.type === "articles_hidden" && hidden!.articleIds).toHaveLength(Moderation.LISTED_IDS);
    expect(approved.effectsPending).toBeUndefined();
    const ids = await Article.idsInScope(sourceDomain);
    const stored = await Article.getMany(ids);
    expect([...stored.values()].every(Article.isHidden)).toBe(true);
  });
});
