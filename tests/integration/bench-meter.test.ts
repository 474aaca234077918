/**
 * The bench's meter counts what the app asks of DynamoDB, with the units
 * dynalite reports: if dynalite stopped answering ConsumedCapacity, or the
 * middleware stopped seeing calls, every unit in the table would read 0.
 */
import { Article, Notice } from "@takedown/core";
import { afterAll, expect, it } from "vitest";
import { install, measure } from "../../bench/meter";
import { ingestSource, noticeInput } from "../support/fixtures";

const stop = install();
afterAll(stop);

it("counts a page view as one batch read, with the read units dynalite bills", async () => {
  const { articles } = await ingestSource(1);
  await Article.get(articles[0]!.id);
  const { tally } = await measure(() => Article.get(articles[0]!.id));
  // The article and the rule set's version, eventually consistent: half a unit each.
  expect(tally).toMatchObject({ calls: 1, byCommand: { BatchGetItem: 1 }, rcu: 1, wcu: 0 });
});

it("bills a write by the larger of the old and the new item, a unit per KB", async () => {
  const { tally } = await measure(() =>
    Article.ingest({
      title: "A long one",
      author: "Bench Writer",
      sourceName: "Bench",
      sourceDomain: "bench-meter.example",
      originalUrl: "https://bench-meter.example/long",
      publishedAt: "2026-11-01T00:00:00Z",
      body: "x".repeat(3_000),
    }),
  );
  expect(tally.byCommand.UpdateItem).toBe(1);
  expect(tally.wcu).toBe(4);
});

it("adds the index writes: a new notice enters the due index and the operators' queue, keys only", async () => {
  const { articles } = await ingestSource(1);
  const { tally } = await measure(() => Notice.file(noticeInput([articles[0]!.originalUrl])));
  expect(tally.byCommand.PutItem).toBe(1);
  expect(tally.indexWcu).toEqual({ gsi2: 1, gsi5: 1 });
});
