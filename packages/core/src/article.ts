import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod/mini";
import { dynamo } from "./aws/dynamo";
import * as Db from "./db";
import * as Ids from "./ids";
import * as Suppression from "./suppression";
import * as Table from "./table";
import { mapLimit, slug } from "./text";
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
  authorKey: string;
  sourceName: string;
  sourceDomain: string;
  originalUrl: string;
  publishedAt: string;
  body?: string;
  /** Notices whose approval hides this article; hidden while any remain. */
  hiddenBy: string[];
  /** The suppression rule that hid it at ingest, if one did. */
  suppressedBy?: string;
  ingestedAt: string;
  updatedAt: string;
};

export function isHidden(article: Article): boolean {
  return article.hiddenBy.length > 0;
}

function fromItem(item: Record<string, unknown>): Article {
  const { pk, sk, gsi1pk, gsi1sk, hiddenBy, ...rest } = item;
  return { ...(rest as Omit<Article, "hiddenBy">), hiddenBy: [...((hiddenBy as Set<string>) ?? [])].sort() };
}

/**
 * Upserts by original URL. The article is written before the suppression
 * rules are read: an approval writes its rule before it looks for articles,
 * so whichever of the two comes second sees the other.
 */
export async function ingest(input: unknown, now = new Date()): Promise<Article> {
  const data = parse(IngestInput, input);
  const normalizedUrl = Url.normalize(data.originalUrl)!;
  const id = Ids.fromUrl(normalizedUrl);
  const authorKey = slug(data.author);
  const result = await dynamo().send(
    new UpdateCommand({
      TableName: Table.name(),
      Key: Table.key.article(id),
      UpdateExpression:
        "SET #type = :type, id = :id, title = :title, author = :author, authorKey = :authorKey, " +
        "sourceName = :sourceName, sourceDomain = :sourceDomain, originalUrl = :originalUrl, " +
        "normalizedUrl = :normalizedUrl, publishedAt = :publishedAt, body = :body, " +
        "gsi1pk = :gsi1pk, gsi1sk = :gsi1sk, updatedAt = :now, ingestedAt = if_not_exists(ingestedAt, :now)",
      ExpressionAttributeNames: { "#type": "type" },
      ExpressionAttributeValues: {
        ":type": "article",
        ":id": id,
        ":title": data.title,
        ":author": data.author,
        ":authorKey": authorKey,
        ":sourceName": data.sourceName,
        ":sourceDomain": data.sourceDomain,
        ":originalUrl": data.originalUrl,
        ":normalizedUrl": normalizedUrl,
        ":publishedAt": data.publishedAt,
        ":body": data.body ?? "",
        ":now": now.toISOString(),
        ...prefixed(Table.bySource.of(data.sourceDomain, authorKey, data.publishedAt, id)),
      },
      ReturnValues: "ALL_NEW",
    }),
  );
  const article = fromItem(result.Attributes!);
  const rule = await Suppression.matching(article.sourceDomain, article.authorKey);
  if (!rule || rule.notices.every((notice) => article.hiddenBy.includes(notice))) return article;
  return (await hide(article.id, rule.notices, rule.id, now)) ?? article;
}

function prefixed(values: Record<string, string>) {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [`:${name}`, value]));
}

export async function get(id: string): Promise<Article | undefined> {
  if (!/^[0-9a-f]{20}$/.test(id)) return undefined;
  const result = await dynamo().send(
    new GetCommand({ TableName: Table.name(), Key: Table.key.article(id) }),
  );
  return result.Item ? fromItem(result.Item) : undefined;
}

export async function getMany(ids: string[]): Promise<Map<string, Article>> {
  const items = await Db.getMany(ids.map(Table.key.article));
  return new Map(items.map(fromItem).map((article) => [article.id, article]));
}

/** Ids of every article from a source, or from one author at that source. */
export async function idsInScope(sourceDomain: string, authorKey?: string, notHiddenBy?: string): Promise<string[]> {
  const items = await Db.queryAll({
    IndexName: Table.bySource.index,
    KeyConditionExpression: authorKey
      ? "gsi1pk = :source AND begins_with(gsi1sk, :author)"
      : "gsi1pk = :source",
    FilterExpression: notHiddenBy ? "NOT contains(hiddenBy, :notice)" : undefined,
    ExpressionAttributeValues: {
      ":source": Table.bySource.partition(sourceDomain),
      ...(authorKey ? { ":author": Table.bySource.authorPrefix(authorKey) } : {}),
      ...(notHiddenBy ? { ":notice": notHiddenBy } : {}),
    },
    ProjectionExpression: "id",
  });
  return items.map((item) => item.id as string);
}

/**
 * How many articles a source has, or one author at it: what an approval of a
 * source- or author-wide notice would hide, told to operators before they
 * approve. Counted by the index (COUNT reads keys only), a page of up to 1 MB
 * at a time.
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
        KeyConditionExpression: authorKey ? "gsi1pk = :source AND begins_with(gsi1sk, :author)" : "gsi1pk = :source",
        ExpressionAttributeValues: {
          ":source": Table.bySource.partition(sourceDomain),
          ...(authorKey ? { ":author": Table.bySource.authorPrefix(authorKey) } : {}),
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
 * Adds the notices to the article's `hiddenBy` set. A set makes it
 * idempotent and lets two notices hide one article at the same moment.
 */
export async function hide(
  id: string,
  notices: string[],
  rule: string | undefined,
  now = new Date(),
): Promise<Article | undefined> {
  try {
    const result = await dynamo().send(
      new UpdateCommand({
        TableName: Table.name(),
        Key: Table.key.article(id),
        UpdateExpression:
          "ADD hiddenBy :notices SET hiddenAt = if_not_exists(hiddenAt, :now)" +
          (rule ? ", suppressedBy = :rule" : ""),
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: {
          ":notices": new Set(notices),
          ":now": now.toISOString(),
          ...(rule ? { ":rule": rule } : {}),
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    return fromItem(result.Attributes!);
  } catch (error) {
    if (Db.isConditionFailure(error)) return undefined;
    throw error;
  }
}

export async function hideAll(ids: string[], notice: string, now = new Date()): Promise<string[]> {
  const hidden = await mapLimit(ids, 16, (id) => hide(id, [notice], undefined, now));
  return hidden.flatMap((article) => (article ? [article.id] : []));
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
