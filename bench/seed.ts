/**
 * Articles written straight into the table, 25 a BatchWriteItem, shaped as
 * `Article.ingest` writes them (`checkShape` compares with a real ingest),
 * for when the bench needs many articles and is not measuring ingest.
 */
import { Article, Table, Url } from "@takedown/core";
import { dynamo } from "../packages/core/src/aws/dynamo";
import { chunk, mapLimit } from "../packages/core/src/batch";
import { articleId, articleInput, ingest, type Story } from "./desk";

export function articleItem(story: Story, now: string): Record<string, unknown> {
  const input = articleInput(story);
  const id = articleId(input.originalUrl);
  const authorKeys = Article.byline(input.author).map((name) => name.key);
  return {
    ...Table.key.article(id),
    type: "article",
    id,
    title: input.title,
    author: input.author,
    authorKey: authorKeys[0],
    authorKeys,
    sourceName: input.sourceName,
    sourceDomain: input.sourceDomain,
    originalUrl: input.originalUrl,
    normalizedUrl: Url.normalize(input.originalUrl),
    publishedAt: input.publishedAt,
    body: input.body,
    ...Table.bySource.of(input.sourceDomain, authorKeys[0]!, input.publishedAt, id),
    ...Table.recent.of(input.sourceDomain, input.publishedAt, id),
    updatedAt: now,
    ingestedAt: now,
    firstSeenAt: now,
  };
}

/** Writes the stories' articles; `onProgress` hears how many are in. */
export async function seed(stories: Story[], onProgress?: (done: number) => void): Promise<void> {
  const now = new Date().toISOString();
  let done = 0;
  await mapLimit(chunk(stories, 25), 8, async (batch) => {
    let pending = batch.map((story) => ({ PutRequest: { Item: articleItem(story, now) } }));
    while (pending.length) {
      const result = await dynamo().send("BatchWriteItem", { RequestItems: { [Table.name()]: pending } });
      pending = (result.UnprocessedItems?.[Table.name()] ?? []) as typeof pending;
    }
    done += batch.length;
    onProgress?.(done);
  });
}

/** Throws unless a seeded item has exactly the attributes, and the keys, an ingested one has. */
export async function checkShape(): Promise<void> {
  const story: Story = { source: `shape-${process.pid}.example`, author: "Shape Writer", i: 0 };
  const { id } = await ingest(story);
  const { Item } = await dynamo().send("GetItem", {
    TableName: Table.name(),
    Key: Table.key.article(id),
    ConsistentRead: true,
  });
  const seeded = articleItem(story, String(Item!.ingestedAt));
  const names = (item: Record<string, unknown>) => Object.keys(item).sort().join(",");
  const keys = (item: Record<string, unknown>) =>
    ["pk", "sk", "gsi1pk", "gsi1sk", "gsi3pk", "gsi3sk", "gsi4pk", "gsi4sk"].map((name) => item[name]).join(" ");
  if (names(seeded) !== names(Item!) || keys(seeded) !== keys(Item!)) {
    throw new Error(`Seeded articles no longer look ingested:\n ingested ${names(Item!)}\n seeded   ${names(seeded)}`);
  }
}
