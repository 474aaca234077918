import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod/mini";
import { dynamo } from "./aws/dynamo";
import * as Db from "./db";
import { DomainError } from "./errors";
import * as Ids from "./ids";
import type * as Sanitize from "./sanitize";
import * as Suppression from "./suppression";
import * as Table from "./table";
import { mapLimit } from "./batch";
import { slug } from "./text";
import * as Url from "./url";
import { parse } from "./validation";

const text = (field: string, max: number) =>
  z.string({ error: `${field} is required.` }).check(
    z.trim(),
    z.minLength(1, `${field} is required.`),
    z.maxLength(max, `${field} must be at most ${max} characters.`),
  );

export const IngestInput = z.object({
  title: text("Title", 500),
  author: text("Author", 200),
  sourceName: text("Source name", 200),
  sourceDomain: z.pipe(
    text("Source domain", 253),
    z.transform((value, ctx) => {
      const domain = Url.domain(value);
      if (!domain) ctx.issues.push({ code: "custom", message: "Source domain is not a domain.", input: value });
      return domain ?? "";
    }),
  ),
  originalUrl: text("Original URL", 2048).check(
    z.refine((value) => Url.normalize(value) !== undefined, "Original URL must be an http(s) URL."),
  ),
  publishedAt: z.iso.datetime({ offset: true, error: "publishedAt must be an ISO 8601 date-time." }),
  body: z.optional(z.string().check(z.maxLength(200_000, "Body must be at most 200,000 characters."))),
});
export type IngestInput = z.input<typeof IngestInput>;

export type Article = {
  id: string;
  title: string;
  author: string;
  /** The first author named in the byline: the article's place in its source's index. */
  authorKey: string;
  /** Every author the byline names; an author rule for any of them covers the article. */
  authorKeys: string[];
  sourceName: string;
  sourceDomain: string;
  originalUrl: string;
  publishedAt: string;
  body?: string;
  /** Sanitised article HTML (Sanitize.html), for articles read from a feed. */
  html?: string;
  /** Provenance: the feed we first read it from (absent when it was pushed to the API) … */
  firstSeenFeed?: string;
  /** … and when we first saw it, whichever way it came. */
  firstSeenAt?: string;
  /** Approved notices that hide it, by URL or by a rule; hidden while any remain. */
  hiddenBy: string[];
  /** The source or author rule that hides it, if one does. */
  suppressedBy?: string;
  /** When it was first written here (for a feed item, the same moment as `firstSeenAt`). */
  ingestedAt: string;
  updatedAt: string;
};

export function isHidden(article: Article): boolean {
  return article.hiddenBy.length > 0;
}

/**
 * The articles readers may see, in the order given. Every listing, feed and
 * sitemap goes through here and nowhere else decides, so changing how hiding
 * works changes every surface at once.
 */
export async function visible(articles: Article[]): Promise<Article[]> {
  return articles.filter((a) => !isHidden(a));
}

/**
 * Where and when we first saw an article, as operators weigh a notice's
 * claim against it, and as a rule that is not for the future (or only for
 * it) places the article before or after its approval.
 */
export function provenance(article: Pick<Article, "firstSeenFeed" | "firstSeenAt" | "ingestedAt">): { feed?: string; at: string } {
  return { feed: article.firstSeenFeed, at: article.firstSeenAt ?? article.ingestedAt };
}

/** What an article read from a feed carries beyond the push API's input. */
export type Origin = {
  /** The feed's URL: kept as provenance with the time we first saw the item. */
  feed: string;
  /** The item's GUID (or id); an item is ingested once per GUID per source, whatever its link says later. */
  guid?: string;
  /** The item's HTML, sanitised (the type admits nothing else). */
  html?: Sanitize.Html;
};

/**
 * An article as read: the notices that listed its URL, joined by the rules
 * in force that cover it. An item without a title is only the mark a notice
 * left on a URL we had not ingested yet (see `hide`), not an article.
 */
function fromItem(item: Record<string, unknown>, rules: Suppression.RuleSet): Article | undefined {
  if (item.title === undefined) return undefined;
  const { pk, sk, gsi1pk, gsi1sk, gsi3pk, gsi3sk, gsi4pk, gsi4sk, type, normalizedUrl, hiddenBy, hiddenAt, suppressedBy, ...rest } =
    item;
  const stored = rest as Omit<Article, "hiddenBy" | "suppressedBy">;
  // Articles stored before bylines were split name their first author only.
  const article = { ...stored, authorKeys: stored.authorKeys ?? [stored.authorKey] };
  const covering = rules.covering({ ...article, firstSeenAt: provenance(article).at });
  const notices = new Set([...((hiddenBy as Set<string> | undefined) ?? []), ...covering.map((rule) => rule.notice)]);
  return { ...article, hiddenBy: [...notices].sort(), ...(covering[0] ? { suppressedBy: covering[0].id } : {}) };
}

/**
 * Upserts by original URL. Rules apply when an article is read, so ingest
 * neither checks nor copies them: its cost does not grow with the rules in
 * force, and a rule approved a moment later still covers it. An item read
 * from a feed (`origin`) is ingested once per GUID, and keeps where and when
 * we first saw it.
 */
export async function ingest(input: unknown, now = new Date(), origin?: Origin): Promise<Article> {
  const data = parse(IngestInput, input);
  const normalizedUrl = Url.normalize(data.originalUrl)!;
  const id = Ids.fromUrl(normalizedUrl);
  const authorKeys = byline(data.author).map((name) => name.key);
  if (origin?.guid) {
    const first = await claimGuid(data.sourceDomain, origin.guid, id);
    if (first !== id) {
      const earlier = await get(first);
      if (earlier) return earlier;
      // Its claimant stopped before writing it: the GUID is this article's now.
      await claimGuid(data.sourceDomain, origin.guid, id, true);
    }
  }
  const html = origin?.html ?? "";
  const [result, rules] = await Promise.all([
    dynamo().send(
      new UpdateCommand({
        TableName: Table.name(),
        Key: Table.key.article(id),
        UpdateExpression:
          "SET #type = :type, id = :id, title = :title, author = :author, authorKey = :authorKey, " +
          "authorKeys = :authorKeys, sourceName = :sourceName, sourceDomain = :sourceDomain, " +
          "originalUrl = :originalUrl, normalizedUrl = :normalizedUrl, publishedAt = :publishedAt, body = :body, " +
          "gsi1pk = :gsi1pk, gsi1sk = :gsi1sk, updatedAt = :now, ingestedAt = if_not_exists(ingestedAt, :now), " +
          "firstSeenAt = if_not_exists(firstSeenAt, :now), " +
          "gsi3pk = :gsi3pk, gsi3sk = :gsi3sk, gsi4pk = :gsi4pk, gsi4sk = :gsi4sk" +
          (html ? ", html = :html" : "") +
          (origin ? ", firstSeenFeed = if_not_exists(firstSeenFeed, :feed)" : ""),
        ExpressionAttributeNames: { "#type": "type" },
        ExpressionAttributeValues: {
          ":type": "article",
          ":id": id,
          ":title": data.title,
          ":author": data.author,
          ":authorKey": authorKeys[0],
          ":authorKeys": authorKeys,
          ":sourceName": data.sourceName,
          ":sourceDomain": data.sourceDomain,
          ":originalUrl": data.originalUrl,
          ":normalizedUrl": normalizedUrl,
          ":publishedAt": data.publishedAt,
          ":body": data.body ?? "",
          ":now": now.toISOString(),
          ...prefixed(Table.bySource.of(data.sourceDomain, authorKeys[0]!, data.publishedAt, id)),
          ...prefixed(Table.recent.of(data.sourceDomain, data.publishedAt, id)),
          ...(html ? { ":html": html } : {}),
          ...(origin ? { ":feed": origin.feed } : {}),
        },
        ReturnValues: "ALL_NEW",
      }),
    ),
    Suppression.current(),
  ]);
  if (origin?.guid) await guidIngested(data.sourceDomain, origin.guid);
  return fromItem(result.Attributes!, rules)!;
}

/**
 * Records that a source's GUID became this article, unless it already became
 * another: then that one's id comes back, and the item is not ingested again
 * under the new link a publisher gave it. `takeOver` claims it regardless.
 */
async function claimGuid(domain: string, guid: string, id: string, takeOver = false): Promise<string> {
  const key = Table.key.guid(domain, Ids.derived(guid));
  const claimed = await Db.conditional(
    dynamo().send(
      new PutCommand({
        TableName: Table.name(),
        Item: { ...key, type: "guid", articleId: id },
        ...(takeOver ? {} : { ConditionExpression: "attribute_not_exists(pk) OR articleId = :id", ExpressionAttributeValues: { ":id": id } }),
      }),
    ),
  );
  if (claimed) return id;
  const existing = await dynamo().send(new GetCommand({ TableName: Table.name(), Key: key, ConsistentRead: true }));
  return (existing.Item?.articleId as string | undefined) ?? id;
}

/**
 * Marks the claim done once the article is written. Until then the poller
 * does not count the GUID as seen, so an ingest that failed between the
 * claim and the article is tried again at the next read.
 */
async function guidIngested(domain: string, guid: string): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: Table.name(),
      Key: Table.key.guid(domain, Ids.derived(guid)),
      UpdateExpression: "SET ingested = :true",
      ExpressionAttributeValues: { ":true": true },
    }),
  );
}

/**
 * Which of a source's GUIDs became articles already: one BatchGetItem per
 * 100, so reading a feed again costs reads, not writes.
 */
export async function seenGuids(domain: string, guids: string[]): Promise<Set<string>> {
  const byKey = new Map(guids.map((guid) => [Table.key.guid(domain, Ids.derived(guid)).pk, guid]));
  const items = await Db.getMany(guids.map((guid) => Table.key.guid(domain, Ids.derived(guid))));
  return new Set(items.filter((item) => item.ingested).map((item) => byKey.get(item.pk as string)!));
}

export type Page = { articles: Article[]; next?: string };

/** The listing's cursor is the index's LastEvaluatedKey; one from another listing is refused. */
function startKey(cursor: string, partition: string): Record<string, unknown> {
  const message = "This page link is not valid; start from the first page.";
  try {
    const key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Record<string, unknown>;
    if (Object.values(key).every((value) => typeof value === "string") && Object.values(key).includes(partition)) return key;
  } catch {
    // Refused below, as any other cursor that is not ours.
  }
  throw new DomainError("validation_failed", message, { issues: [{ path: "after", message }] });
}

/**
 * Recent visible articles, newest first: every source, or one. A page may
 * need more than one query when hidden articles fall in it; at most a few,
 * so a source hidden in bulk cannot make one page read without end.
 */
export async function recent({ source, limit = 20, after }: { source?: string; limit?: number; after?: string }): Promise<Page> {
  const index = source ? Table.recent.bySourceIndex : Table.recent.index;
  const partition = source ? Table.recent.sourcePartition(source) : Table.recent.partition;
  const articles: Article[] = [];
  let start = after ? startKey(after, partition) : undefined;
  const rules = Suppression.current();
  for (let round = 0; round < 5 && articles.length < limit; round++) {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: Table.name(),
        IndexName: index,
        KeyConditionExpression: `${index}pk = :partition`,
        ExpressionAttributeValues: { ":partition": partition },
        ScanIndexForward: false,
        Limit: limit - articles.length,
        ExclusiveStartKey: start,
      }),
    );
    const ruled = await rules;
    articles.push(...(await visible((page.Items ?? []).flatMap((item) => fromItem(item, ruled) ?? []))));
    start = page.LastEvaluatedKey;
    if (!start) break;
  }
  return { articles, next: start ? Buffer.from(JSON.stringify(start)).toString("base64url") : undefined };
}

function prefixed(values: Record<string, string>) {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [`:${name}`, value]));
}

/**
 * The authors a byline names: "Maya Lindqvist and Tomasz Wren", "A & B",
 * "A, B with C". A byline whose parts slug to nothing is one author.
 */
export function byline(author: string): { name: string; key: string }[] {
  const names = author
    .split(/\s*(?:,|&|\band\b|\bwith\b)\s*/i)
    .map((name) => ({ name, key: slug(name) }))
    .filter((name) => name.key);
  const unique = [...new Map(names.map((name) => [name.key, name])).values()];
  return unique.length ? unique : [{ name: author, key: slug(author) }];
}

export async function get(id: string): Promise<Article | undefined> {
  if (!/^[0-9a-f]{20}$/.test(id)) return undefined;
  return (await getMany([id])).get(id);
}

/**
 * Articles by id, with the rules in force, in one round trip per 100.
 * `consistent` for a reader that must see writes of a moment ago (the
 * dispatcher telling what the effects it just applied did).
 */
export async function getMany(ids: string[], { consistent = false } = {}): Promise<Map<string, Article>> {
  return (await getManyAlong(ids, [], { consistent })).articles;
}

/** As `getMany`, with other items read in the same batch (`along`), which come back as they are. */
export async function getManyAlong(
  ids: string[],
  along: { pk: string; sk: string }[],
  { consistent = false } = {},
): Promise<{ articles: Map<string, Article>; others: Record<string, unknown>[] }> {
  const { items, rules } = await Suppression.readWith([...ids.map(Table.key.article), ...along], consistent);
  const isArticle = (item: Record<string, unknown>) => String(item.pk).startsWith(Table.key.article("").pk);
  const articles = items.filter(isArticle).flatMap((item) => fromItem(item, rules) ?? []);
  return { articles: new Map(articles.map((article) => [article.id, article])), others: items.filter((item) => !isArticle(item)) };
}

/**
 * How many articles a source has, or one author at it: what an approval of a
 * source- or author-wide notice would hide, told to operators before they
 * approve. Counted on the index, whose items carry only what lists read, a
 * page of up to 1 MB at a time.
 */
export async function countInScope(sourceDomain: string, authorKey?: string): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: Table.name(),
        IndexName: Table.bySource.index,
        Select: "COUNT",
        KeyConditionExpression: "gsi1pk = :source",
        // An author rule covers co-authored articles too, which the index files under their first author.
        FilterExpression: authorKey ? "contains(authorKeys, :author)" : undefined,
        ExpressionAttributeValues: {
          ":source": Table.bySource.partition(sourceDomain),
          ...(authorKey ? { ":author": authorKey } : {}),
        },
        ExclusiveStartKey: start,
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

/**
 * Hides the articles at these ids for a notice that lists their URLs. A set
 * makes it idempotent and lets two notices hide one article at once. An id
 * we have no article for keeps the mark, so the article is hidden the moment
 * it is ingested.
 */
export async function hide(ids: string[], notice: string): Promise<void> {
  await mapLimit(ids, 16, (id) =>
    dynamo().send(
      new UpdateCommand({
        TableName: Table.name(),
        Key: Table.key.article(id),
        UpdateExpression: "ADD hiddenBy :notice",
        ExpressionAttributeValues: { ":notice": new Set([notice]) },
      }),
    ),
  );
}

/** Where a URL given in a notice would find its article: ours or the source's. */
export function idForUrl(url: string, publicUrl: string): string | undefined {
  const normalized = Url.normalize(url);
  if (!normalized) return undefined;
  const site = Url.normalize(publicUrl);
  const ours = normalized.match(/^[^/]+(?:\/.*)?\/articles\/([0-9a-f]{20})$/);
  if (ours && normalized.startsWith(`${site}/`)) return ours[1];
  return Ids.fromUrl(normalized);
}
