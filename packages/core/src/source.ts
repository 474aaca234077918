/**
 * The sites we republish and their feeds. A source is its own partition:
 * the source item (name, domain, full text or excerpts, paused) with one
 * item per feed beside it, which also carries that feed's HTTP validators and
 * the status operators read (last success, last error, items seen).
 */
import * as z from "zod/mini";
import { DomainError } from "./errors";
import * as Ids from "./ids";
import * as Store from "./store";
import { change, when } from "./store";
import * as Table from "./table";
import * as Url from "./url";
import { parse } from "./validation";

const Mode = z.enum(["full", "excerpt"], "Mode is full or excerpt.");

const FeedStatus = z.object({
  id: z.string(),
  url: z.string(),
  sourceDomain: z.string(),
  etag: z.optional(z.string()),
  lastModified: z.optional(z.string()),
  /** Not read again before this (ISO); absent until the first poll. */
  nextPollAt: z.optional(z.string()),
  /** Failures in a row; the backoff doubles with each. */
  failures: z.number(),
  lastPolledAt: z.optional(z.string()),
  lastSuccessAt: z.optional(z.string()),
  lastErrorAt: z.optional(z.string()),
  lastError: z.optional(z.string()),
  /** Items read from the feed, in all, and the new ones the last poll ingested. */
  itemsSeen: z.number(),
  lastNew: z.optional(z.number()),
  /** Items the last poll refused, and why (a `javascript:` link…). */
  lastRefused: z.optional(z.array(z.string())),
});
export type FeedStatus = z.output<typeof FeedStatus>;

const Stored = z.object({
  domain: z.string(),
  name: z.string(),
  mode: Mode,
  paused: z.boolean(),
  createdAt: z.string(),
});
export type Source = z.output<typeof Stored> & { feeds: FeedStatus[] };

/** The source item, first in its partition by sort key. */
const sources = Store.entity({ type: "source", schema: Stored, key: Table.key.source });
/** Its feeds, beside it. */
const feeds = Store.entity({ type: "feed", schema: FeedStatus, key: Table.key.feed });

const feedUrl = z.string().check(
  z.trim(),
  z.refine(
    (value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol),
    "A feed must be a full http(s):// URL.",
  ),
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
  feeds: z
    .array(feedUrl)
    .check(z.minLength(1, "Give at least one --feed."), z.maxLength(20, "At most 20 feeds per source.")),
  mode: z._default(Mode, "full"),
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
  await sources.upsert(sources.key(data.domain), [
    ...change.fields({ name: data.name, domain: data.domain, mode: data.mode }),
    change.setFrom("paused", "paused", false),
    change.setFrom("createdAt", "createdAt", at),
    ...change.fields(Table.sources.of(data.domain, "SOURCE")),
  ]);
  await Promise.all(
    [...new Set(data.feeds)].map((url) => {
      const id = feedId(url);
      return feeds.put(
        feeds.key(data.domain, id),
        { id, url, sourceDomain: data.domain, failures: 0, itemsSeen: 0 },
        { condition: when.new(), index: Table.sources.of(data.domain, `FEED#${id}`) },
      );
    }),
  );
  return (await get(data.domain))!;
}

/** Sources with their feeds; a feed whose source is gone is left out. */
function group(read: { sources: z.output<typeof Stored>[]; feeds: FeedStatus[] }): Source[] {
  const bySource = new Map(read.sources.map((source): [string, Source] => [source.domain, { ...source, feeds: [] }]));
  for (const feed of read.feeds) bySource.get(feed.sourceDomain)?.feeds.push(feed);
  return [...bySource.values()];
}

/**
 * Every source with its feeds, by domain: gsi1 says which items they are
 * (it carries only what the lists of other items read), one batch read
 * per 100 fetches them.
 */
export async function list(): Promise<Source[]> {
  const keys = await Store.keys({ index: Table.sources.index, partition: Table.sources.partition });
  return group(await Store.getManyEach(keys, { sources, feeds }));
}

export async function get(domain: string): Promise<Source | undefined> {
  return group(await Store.queryEach({ partition: sources.key(domain).pk, consistent: true }, { sources, feeds }))[0];
}

const unknown = (domain: string) => new DomainError("not_found", `There is no source ${domain}.`);

/** Stops (or restarts) reading a source's feeds. What was published stays as it is. */
export async function pause(domain: string, paused = true): Promise<void> {
  const done = await sources.update(sources.key(domain), [change.set("paused", paused)], { condition: when.stored() });
  if (!done) throw unknown(domain);
}

/** Removes a source and its feeds. Its articles stay, and so do the rules that cover it. */
export async function remove(domain: string): Promise<void> {
  const source = await get(domain);
  if (!source) throw unknown(domain);
  await Store.removeMany([sources.key(domain), ...source.feeds.map((feed) => feeds.key(domain, feed.id))]);
}

export type PollOutcome =
  | { ok: true; nextPollAt: Date; etag?: string; lastModified?: string; seen: number; fresh: number; refused: string[] }
  | { ok: false; nextPollAt: Date; error: string };

/** Records one poll of a feed in one write: its validators, when to read it next, and its status. */
export async function recordPoll(feed: FeedStatus, outcome: PollOutcome, now: Date): Promise<void> {
  const at = now.toISOString();
  const plan = outcome.ok
    ? [
        ...change.fields({
          lastPolledAt: at,
          nextPollAt: outcome.nextPollAt.toISOString(),
          lastSuccessAt: at,
          failures: 0,
          lastNew: outcome.fresh,
          lastRefused: outcome.refused.slice(0, 20),
        }),
        ...(outcome.etag ? [change.set("etag", outcome.etag)] : []),
        ...(outcome.lastModified ? [change.set("lastModified", outcome.lastModified)] : []),
        change.add("itemsSeen", outcome.seen),
      ]
    : [
        ...change.fields({
          lastPolledAt: at,
          nextPollAt: outcome.nextPollAt.toISOString(),
          lastErrorAt: at,
          lastError: outcome.error,
        }),
        change.add("failures", 1),
      ];
  // A feed removed while it was being read is not brought back by its status.
  await feeds.update(feeds.key(feed.sourceDomain, feed.id), plan, { condition: when.stored() });
}
