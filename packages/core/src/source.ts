/**
 * The sites we republish and their feeds. A source is its own partition:
 * the source item (name, domain, full text or excerpts, paused) with one
 * item per feed beside it, which also carries that feed's HTTP validators and
 * the status operators read (last success, last error, items seen).
 */
import { BatchWriteCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod/mini";
import { dynamo } from "./aws/dynamo";
import * as Db from "./db";
import { DomainError } from "./errors";
import type { Mode } from "./feed";
import * as Ids from "./ids";
import * as Table from "./table";
import { chunk } from "./batch";
import * as Url from "./url";
import { parse } from "./validation";

export type FeedStatus = {
  id: string;
  url: string;
  sourceDomain: string;
  etag?: string;
  lastModified?: string;
  /** Not read again before this (ISO); absent until the first poll. */
  nextPollAt?: string;
  /** Failures in a row; the backoff doubles with each. */
  failures: number;
  lastPolledAt?: string;
  lastSuccessAt?: string;
  lastErrorAt?: string;
  lastError?: string;
  /** Items read from the feed, in all, and the new ones the last poll ingested. */
  itemsSeen: number;
  lastNew?: number;
  /** Items the last poll refused, and why (a `javascript:` link…). */
  lastRefused?: string[];
};

export type Source = {
  domain: string;
  name: string;
  mode: Mode;
  paused: boolean;
  createdAt: string;
  feeds: FeedStatus[];
};

const feedUrl = z.string().check(
  z.trim(),
  z.refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), "A feed must be a full http(s):// URL."),
);

export const AddInput = z.object({
  name: z.string({ error: "Name is required." }).check(z.trim(), z.minLength(1, "Name is required."), z.maxLength(200)),
  domain: z.pipe(
    z.string({ error: "Domain is required." }),
    z.transform((value, ctx) => {
      const domain = Url.domain(value);
      if (!domain) ctx.issues.push({ code: "custom", message: "Domain is not a domain.", input: value });
      return domain ?? "";
    }),
  ),
  feeds: z.array(feedUrl).check(z.minLength(1, "Give at least one --feed."), z.maxLength(20, "At most 20 feeds per source.")),
  mode: z._default(z.enum(["full", "excerpt"], "Mode is full or excerpt."), "full"),
});
export type AddInput = z.input<typeof AddInput>;

export const feedId = (url: string) => Ids.derived(url);

/**
 * Adds a source, or more feeds to one: name and mode are updated, a feed
 * already there keeps its status. So registering the same feeds again (as
 * `npm start` does on every start) changes nothing.
 */
export async function add(input: unknown, now = new Date()): Promise<Source> {
  const data = parse(AddInput, input);
  const at = now.toISOString();
  await dynamo().send(
    new UpdateCommand({
      TableName: Table.name(),
      Key: Table.key.source(data.domain),
      UpdateExpression:
        "SET #type = :type, #name = :name, #domain = :domain, #mode = :mode, paused = if_not_exists(paused, :false), " +
        "createdAt = if_not_exists(createdAt, :at), gsi1pk = :gsi1pk, gsi1sk = :gsi1sk",
      ExpressionAttributeNames: { "#type": "type", "#name": "name", "#domain": "domain", "#mode": "mode" },
      ExpressionAttributeValues: {
        ":type": "source", ":name": data.name, ":domain": data.domain, ":mode": data.mode, ":false": false, ":at": at,
        ...Object.fromEntries(Object.entries(Table.sources.of(data.domain, "SOURCE")).map(([k, v]) => [`:${k}`, v])),
      },
    }),
  );
  await Promise.all(
    [...new Set(data.feeds)].map((url) => {
      const id = feedId(url);
      return Db.conditional(
        dynamo().send(
          new PutCommand({
            TableName: Table.name(),
            Item: {
              ...Table.key.feed(data.domain, id),
              ...Table.sources.of(data.domain, `FEED#${id}`),
              type: "feed", id, url, sourceDomain: data.domain, failures: 0, itemsSeen: 0,
            },
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        ),
      );
    }),
  );
  return (await get(data.domain))!;
}

function group(items: Record<string, unknown>[]): Source[] {
  const sources = new Map<string, Source>();
  for (const item of items.filter((item) => item.type === "source")) {
    const { domain, name, mode, paused, createdAt } = item as unknown as Source;
    sources.set(domain, { domain, name, mode, paused: Boolean(paused), createdAt, feeds: [] });
  }
  for (const item of items.filter((item) => item.type === "feed")) {
    const { pk, sk, gsi1pk, gsi1sk, type, ...feed } = item;
    sources.get(feed.sourceDomain as string)?.feeds.push(feed as unknown as FeedStatus);
  }
  return [...sources.values()];
}

/**
 * Every source with its feeds, by domain: gsi1 says which items they are
 * (it carries only what the lists of other items read), one batch read
 * per 100 fetches them.
 */
export async function list(): Promise<Source[]> {
  const keys = await Db.queryAll({
    IndexName: Table.sources.index,
    KeyConditionExpression: "gsi1pk = :partition",
    ExpressionAttributeValues: { ":partition": Table.sources.partition },
    ProjectionExpression: "pk, sk",
  });
  const items = await Db.getMany(keys.map(({ pk, sk }) => ({ pk: String(pk), sk: String(sk) })));
  const order = new Map(keys.map(({ pk, sk }, i) => [`${pk}\u0000${sk}`, i]));
  return group(items.sort((a, b) => order.get(`${a.pk}\u0000${a.sk}`)! - order.get(`${b.pk}\u0000${b.sk}`)!));
}

export async function get(domain: string): Promise<Source | undefined> {
  const result = await dynamo().send(
    new QueryCommand({
      TableName: Table.name(),
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": Table.key.source(domain).pk },
      ConsistentRead: true,
    }),
  );
  return group(result.Items ?? [])[0];
}

const unknown = (domain: string) => new DomainError("not_found", `There is no source ${domain}.`);

/** Stops (or restarts) reading a source's feeds. What was published stays as it is. */
export async function pause(domain: string, paused = true): Promise<void> {
  const done = await Db.conditional(
    dynamo().send(
      new UpdateCommand({
        TableName: Table.name(),
        Key: Table.key.source(domain),
        UpdateExpression: "SET paused = :paused",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":paused": paused },
      }),
    ),
  );
  if (!done) throw unknown(domain);
}

/** Removes a source and its feeds. Its articles stay, and so do the rules that cover it. */
export async function remove(domain: string): Promise<void> {
  const source = await get(domain);
  if (!source) throw unknown(domain);
  const keys = [Table.key.source(domain), ...source.feeds.map((feed) => Table.key.feed(domain, feed.id))];
  for (const batch of chunk(keys, 25)) {
    let pending = batch.map((Key) => ({ DeleteRequest: { Key } }));
    while (pending.length) {
      const result = await dynamo().send(new BatchWriteCommand({ RequestItems: { [Table.name()]: pending } }));
      pending = (result.UnprocessedItems?.[Table.name()] ?? []) as typeof pending;
    }
  }
}

export type PollOutcome =
  | { ok: true; nextPollAt: Date; etag?: string; lastModified?: string; seen: number; fresh: number; refused: string[] }
  | { ok: false; nextPollAt: Date; error: string };

/** Records one poll of a feed in one write: its validators, when to read it next, and its status. */
export async function recordPoll(feed: FeedStatus, outcome: PollOutcome, now: Date): Promise<void> {
  const at = now.toISOString();
  const sets = ["lastPolledAt = :at", "nextPollAt = :next"];
  const values: Record<string, unknown> = { ":at": at, ":next": outcome.nextPollAt.toISOString() };
  let add: string;
  if (outcome.ok) {
    sets.push("lastSuccessAt = :at", "failures = :zero", "lastNew = :fresh", "lastRefused = :refused");
    Object.assign(values, { ":zero": 0, ":fresh": outcome.fresh, ":refused": outcome.refused.slice(0, 20), ":seen": outcome.seen });
    if (outcome.etag) sets.push("etag = :etag"), (values[":etag"] = outcome.etag);
    if (outcome.lastModified) sets.push("lastModified = :lastModified"), (values[":lastModified"] = outcome.lastModified);
    add = "itemsSeen :seen";
  } else {
    sets.push("lastErrorAt = :at", "lastError = :error");
    Object.assign(values, { ":error": outcome.error, ":one": 1 });
    add = "failures :one";
  }
  await Db.conditional(
    dynamo().send(
      new UpdateCommand({
        TableName: Table.name(),
        Key: Table.key.feed(feed.sourceDomain, feed.id),
        UpdateExpression: `SET ${sets.join(", ")} ADD ${add}`,
        // A feed removed while it was being read is not brought back by its status.
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: values,
      }),
    ),
  );
}
