/**
 * What an approval keeps hiding, read back as a reader of the site would:
 * URLs we did not have yet, co-authored bylines, and the line between "now"
 * and "now and in the future".
 */
import { Article, Links, Notice, Suppression, Table } from "@takedown/core";
import { dynamo } from "@takedown/core/aws/dynamo";
import { app } from "@takedown/web";
import { describe, expect, it } from "vitest";
import { approve, drain, tokenOf } from "../support/desk";
import { ingestSource, noticeInput, unique } from "../support/fixtures";

async function approved(input: Notice.Input) {
  const filed = await Notice.file(input);
  await Notice.confirmAnonymous(filed.id, tokenOf(Links.act(filed.id, "confirm", input.requester.email)));
  expect((await approve(filed.id)).status).toBe(200);
  await drain();
  return filed;
}

const story = (sourceDomain: string, author: string, path: string) => ({
  title: `Story ${path}`,
  author,
  sourceName: "Harbour Gazette",
  sourceDomain,
  originalUrl: `https://${sourceDomain}/${path}`,
  publishedAt: "2026-11-20T08:00:00Z",
});

const statusOf = async (id: string) => (await app.request(`/articles/${id}`)).status;

describe("rules a reader meets", () => {
  it("an approved URL we had not ingested yet is withheld the moment it arrives", async () => {
    const { sourceDomain } = await ingestSource(1);
    const later = `https://${sourceDomain}/news/not-yet-${unique()}`;
    const notice = await approved(noticeInput([later]));
    expect(notice.urls[0]).toMatchObject({ url: later });
    expect(notice.urls[0]!.articleId).toBeUndefined();
    // The mark the approval left at that URL's key is not an article: nothing to show yet.
    const id = Article.idForUrl(later, "https://elsewhere.example")!;
    expect(await Article.get(id)).toBeUndefined();
    expect(await statusOf(id)).toBe(404);

    const arrived = await Article.ingest(story(sourceDomain, "Someone Else", new URL(later).pathname.slice(1)));
    expect(arrived.hiddenBy).toEqual([notice.id]);
    expect(await statusOf(arrived.id)).toBe(451);
  });

  it("an author rule covers any author a byline names", async () => {
    const sourceDomain = `byline-${unique()}.example`;
    const own = await Article.ingest(story(sourceDomain, "Maya Lindqvist", "own"));
    await approved(
      noticeInput([own.originalUrl], {
        scope: "author",
        future: true,
        requester: { name: "Maya Lindqvist", email: `maya-${unique()}@rights.example`, role: "author" },
        signature: "Maya Lindqvist",
      }),
    );
    const bylines = [
      "Maya Lindqvist and Tomasz Wren",
      "Tomasz Wren & Maya Lindqvist",
      "Ana Ruiz, Maya Lindqvist with Tomasz Wren",
      "Tomasz Wren",
    ];
    const statuses = [];
    for (const [i, byline] of bylines.entries()) {
      statuses.push(await statusOf((await Article.ingest(story(sourceDomain, byline, `co-${i}`))).id));
    }
    expect(statuses).toEqual([451, 451, 451, 200]);
  });

  it("a co-author's notice blocks that co-author, not the whole byline", async () => {
    const sourceDomain = `coauthor-${unique()}.example`;
    const shared = await Article.ingest(story(sourceDomain, "Tomasz Wren and Maya Lindqvist", "shared"));
    const notice = await approved(
      noticeInput([shared.originalUrl], {
        scope: "author",
        future: true,
        requester: { name: "Maya Lindqvist", email: `maya-${unique()}@rights.example`, role: "author" },
        signature: "Maya Lindqvist",
      }),
    );
    expect(notice.subjects).toMatchObject([{ author: "Maya Lindqvist", authorKey: "maya-lindqvist" }]);
    expect(await statusOf((await Article.ingest(story(sourceDomain, "Tomasz Wren", "solo"))).id)).toBe(200);
    expect(await statusOf((await Article.ingest(story(sourceDomain, "Maya Lindqvist", "hers"))).id)).toBe(451);
  });

  it("a source-wide notice without the future hides what we had, and not what comes later", async () => {
    const { sourceDomain, articles } = await ingestSource(2);
    await approved(noticeInput([articles[0]!.originalUrl], { scope: "source", future: false }));
    expect(await Promise.all(articles.map((a) => statusOf(a.id)))).toEqual([451, 451]);
    const later = await Article.ingest(story(sourceDomain, "Anyone", "later"));
    expect(later.hiddenBy).toEqual([]);
    expect(await statusOf(later.id)).toBe(200);
  });
});

describe("rules written by another process", () => {
  it("are seen by this one's next read, and this one's own rules too", async () => {
    const elsewhere = await ingestSource(1);
    const here = await ingestSource(1);
    expect(await statusOf(elsewhere.articles[0]!.id)).toBe(200);
    // Another Lambda approves a notice over `elsewhere`: its rule and a new version land behind our back.
    const rule = {
      id: Suppression.ruleId(elsewhere.sourceDomain),
      kind: "source",
      sourceDomain: elsewhere.sourceDomain,
      notice: "n-elsewhere",
      createdAt: new Date().toISOString(),
    };
    await dynamo().send("PutItem", {
      TableName: Table.name(),
      Item: { ...Table.rules.of(rule.id, rule.notice), type: "rule", ...rule },
    });
    await dynamo().send("PutItem", {
      TableName: Table.name(),
      Item: { ...Table.rules.version, type: "rules-version", version: `v-${unique()}` },
    });
    // This process then approves one over `here`, from the rule set it knew before.
    await approved(noticeInput([here.articles[0]!.originalUrl], { scope: "source", future: true }));
    expect(await statusOf(here.articles[0]!.id)).toBe(451);
    expect(await statusOf(elsewhere.articles[0]!.id)).toBe(451);
  });
});
