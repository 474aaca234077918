/**
 * The feed poller: every feed that is due is read (conditionally), parsed,
 * and its new items ingested through `Article.ingest`, the push API's own
 * path, so suppression rules apply to them exactly as to pushed articles. A
 * source whose notice was approved source-wide is still read (provenance is
 * kept) but what arrives from it is hidden at ingest.
 *
 * Run by a schedule on AWS (packages/functions/src/poll.ts) and by a timer
 * in `npm start`; both call `run`.
 */
import * as Article from "./article";
import { config } from "./config";
import { DomainError } from "./errors";
import * as Feed from "./feed";
import * as Log from "./logger";
import * as Source from "./source";
import { chunk, mapLimit } from "./batch";

/** Feeds read at once: a slow one holds one of these, never the others. */
const FEEDS_AT_ONCE = 8;
/** Items checked against the GUIDs already seen with one BatchGetItem, then ingested a few at a time. */
const BATCH = 100;
const INGESTS_AT_ONCE = 8;
/** A feed's own ttl or Cache-Control may slow polling down to this, never speed it up past FEED_POLL_SECONDS. */
const MAX_HINT_SECONDS = 12 * 3600;
/** Backoff doubles with each failure in a row, up to a day. */
const MAX_BACKOFF_SECONDS = 24 * 3600;

export type Result = { feed: string; source: string; ok: boolean; fresh: number; refused: string[]; error?: string };

export type Options = Partial<Pick<Feed.FetchOptions, "allowLoopback" | "timeoutMs" | "maxBytes" | "resolve">>;

/** Seconds until a feed is read again after a success, the feed's hints honoured within bounds. */
export function nextAfterSuccess(base: number, hints: (number | undefined)[]): number {
  const hint = Math.max(0, ...hints.filter((h): h is number => h !== undefined));
  return Math.min(Math.max(base, hint), Math.max(base, MAX_HINT_SECONDS));
}

/** Seconds until a failing feed is read again: the backoff, or longer where the feed's Retry-After asks, up to a day. */
export function nextAfterFailure(base: number, failures: number, retryAfterSeconds = 0): number {
  const cap = Math.max(base, MAX_BACKOFF_SECONDS);
  return Math.min(Math.max(base * 2 ** failures, retryAfterSeconds), cap);
}

const after = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000);

/** Reads every feed that is due, at most FEEDS_AT_ONCE at a time. */
export async function run(now = new Date(), options: Options = {}): Promise<Result[]> {
  const sources = await Source.list();
  const due = sources
    .filter((source) => !source.paused)
    .flatMap((source) => source.feeds.map((feed) => ({ source, feed })))
    .filter(({ feed }) => !feed.nextPollAt || feed.nextPollAt <= now.toISOString());
  return mapLimit(due, FEEDS_AT_ONCE, ({ source, feed }) => pollOne(source, feed, now, options));
}

/** Reads one feed and records the outcome; never throws, so one feed cannot stop the run. */
export async function pollOne(
  source: Source.Source,
  feed: Source.FeedStatus,
  now: Date,
  options: Options = {},
): Promise<Result> {
  const base = config().feedPollSeconds;
  try {
    const fetched = await Feed.fetchFeed(
      feed.url,
      { etag: feed.etag, lastModified: feed.lastModified },
      { allowLoopback: config().allowLoopbackFeeds, ...options },
    );
    if (fetched.status === "not-modified") {
      const nextPollAt = after(now, nextAfterSuccess(base, [fetched.maxAgeSeconds]));
      await Source.recordPoll(feed, { ok: true, nextPollAt, seen: 0, fresh: 0, refused: [] }, now);
      return { feed: feed.url, source: source.domain, ok: true, fresh: 0, refused: [] };
    }
    const parsed = Feed.parse(fetched.body, fetched.url, source.mode);
    const { fresh, refused } = await ingestItems(source, feed, parsed, now);
    const nextPollAt = after(now, nextAfterSuccess(base, [parsed.ttlSeconds, fetched.maxAgeSeconds]));
    await Source.recordPoll(
      feed,
      {
        ok: true,
        nextPollAt,
        etag: fetched.etag,
        lastModified: fetched.lastModified,
        seen: parsed.items.length,
        fresh,
        refused,
      },
      now,
    );
    return { feed: feed.url, source: source.domain, ok: true, fresh, refused };
  } catch (error) {
    const code = error instanceof Feed.FeedError ? error.code : "internal_error";
    if (!(error instanceof Feed.FeedError))
      Log.error("feed poll failed", { source: source.domain, feed: feed.id, name: (error as Error).name });
    const retryAfter = error instanceof Feed.FeedError ? error.retryAfterSeconds : undefined;
    const nextPollAt = after(now, nextAfterFailure(base, feed.failures + 1, retryAfter));
    await Source.recordPoll(feed, { ok: false, nextPollAt, error: code }, now).catch(() => undefined);
    return { feed: feed.url, source: source.domain, ok: false, fresh: 0, refused: [], error: code };
  }
}

/** New items only (by GUID, or link where there is none), in batches of BATCH. */
async function ingestItems(source: Source.Source, feed: Source.FeedStatus, parsed: Feed.Parsed, now: Date) {
  const refused = parsed.refused.map(({ title, reason }) => `${title || "untitled"}: ${reason}`);
  let fresh = 0;
  for (const batch of chunk(parsed.items, BATCH)) {
    const guidOf = (item: Feed.Item) => item.guid ?? item.url;
    const seen = await Article.seenGuids(source.domain, batch.map(guidOf));
    await mapLimit(
      batch.filter((item) => !seen.has(guidOf(item))),
      INGESTS_AT_ONCE,
      async (item) => {
        const input = {
          title: item.title,
          author: item.author ?? source.name,
          sourceName: source.name,
          sourceDomain: source.domain,
          originalUrl: item.url,
          // An item without a date is dated when we first saw it.
          publishedAt: item.publishedAt ?? now.toISOString(),
          body: item.text,
        };
        try {
          await Article.ingest(input, now, { feed: feed.url, guid: guidOf(item), html: item.html });
          fresh++;
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          refused.push(`${item.title}: ${error.message}`);
        }
      },
    );
  }
  return { fresh, refused };
}
