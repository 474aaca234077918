import * as z from "zod/mini";
import { DomainError } from "./errors";
import * as Ids from "./ids";
import * as Links from "./links";
import type * as Sanitize from "./sanitize";
import * as Paths from "./paths";
import * as Store from "./store";
import { change, when } from "./store";
import * as Suppression from "./suppression";
import * as Table from "./table";
import { mapLimit } from "./batch";
import { slug } from "./text";
import * as Url from "./url";
import { dateTime, parse } from "./validation";

const text = (field: string, max: number) =>
  z
    .string({ error: `${field} is required.` })
    .check(
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

/** An article's id: a hash of its normalised original URL (Ids.fromUrl). */
const ID = /^[0-9a-f]{20}$/;

/** An article as it is stored. */
const Stored = z.object({
  id: z.string(),
  title: z.string(),
  author: z.string(),
  /** The first author named in the byline: the article's place in its source's index. */
  authorKey: z.string(),
  /** Every author the byline names; an author rule for any of them covers the article. Absent on articles stored before bylines were split. */
  authorKeys: z.optional(z.array(z.string())),
  sourceName: z.string(),
  sourceDomain: z.string(),
  originalUrl: z.string(),
  publishedAt: z.string(),
  body: z.optional(z.string()),
  /** Sanitised article HTML (Sanitize.html), for articles read from a feed. */
  html: z.optional(z.string()),
  /** Provenance: the feed we first read it from (absent when it was pushed to the API) … */
  firstSeenFeed: z.optional(z.string()),
  /** … and when we first saw it, whichever way it came. */
  firstSeenAt: z.optional(z.string()),
  /** The notices that listed its URL (`hide`); rules add theirs when it is read. */
  hiddenBy: z.optional(z.custom<Set<string>>((value) => value instanceof Set)),
  /** When it was first written here (for a feed item, the same moment as `firstSeenAt`). */
  ingestedAt: z.string(),
  updatedAt: z.string(),
});

/**
 * Articles in the table. A notice that lists the URL of an article we do not
 * have yet leaves a mark at its key (`hide`): an item without a type, so no
 * read takes it for an article.
 */
const articles = Store.entity({ type: "article", schema: Stored, key: Table.key.article });

/** A GUID a source's feed carried, and the article it became; `ingested` once that article is written. */
const guids = Store.entity({
  type: "guid",
  schema: z.object({ articleId: z.string(), ingested: z.optional(z.boolean()) }),
  key: (domain: string, guid: string) => Table.key.guid(domain, Ids.derived(guid)),
});

export type Article = Omit<z.output<typeof Stored>, "authorKeys" | "hiddenBy"> & {
  authorKeys: string[];
  /** Approved notices that hide it, by URL or by a rule; hidden while any remain. */
  hiddenBy: string[];
  /** The source or author rule that hides it, if one does. */
  suppressedBy?: string;
};

export function isHidden(article: Article): boolean {
  return article.hiddenBy.length > 0;
}

/** An article as the API answers: where it is here, and whether it is hidden and by what. */
export const Summary = z.strictObject({
  id: z.string().check(z.regex(ID), z.describe("Derived from the article's original URL.")),
  url: z.url().check(z.describe("The article on this site.")),
  hidden: z.boolean().check(z.describe("True once an approved notice covers it; the page then answers 451.")),
  suppressedBy: z.optional(
    z.string().check(z.describe("The suppression rule that hid it at ingest (`source:…` or `author:…`).")),
  ),
  hiddenBy: z.optional(
    z.array(z.string()).check(z.describe("The approved notices that hide it; present when hidden.")),
  ),
});
export type Summary = z.output<typeof Summary>;

/** A shown article's record, as the API answers. */
export const View = z.strictObject({
  ...Summary.shape,
  ...z.pick(Stored, { title: true, author: true, sourceName: true, sourceDomain: true, originalUrl: true }).shape,
  publishedAt: dateTime,
});
export type View = z.output<typeof View>;

export function toSummary(article: Article): Summary {
  const hidden = isHidden(article);
  return {
    id: article.id,
    url: Links.article(article.id),
    hidden,
    ...(article.suppressedBy ? { suppressedBy: article.suppressedBy } : {}),
    ...(hidden ? { hiddenBy: article.hiddenBy } : {}),
  };
}

export function toView(article: Article): View {
  const { title, author, sourceName, sourceDomain, originalUrl, publishedAt } = article;
  return { ...toSummary(article), title, author, sourceName, sourceDomain, originalUrl, publishedAt };
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
export function provenance(article: Pick<Article, "firstSeenFeed" | "firstSeenAt" | "ingestedAt">): {
  feed?: string;
  at: string;
} {
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

/** What the listing indexes carry of an article (`recent`); a read by key has all of it. */
type Listed = Pick<z.output<typeof Stored>, (typeof Table.recent.fields)[number]>;

/** An article as read: the notices that listed its URL, joined by the rules in force that cover it. */
function read({ hiddenBy, ...stored }: Listed & Partial<z.output<typeof Stored>>, rules: Suppression.RuleSet): Article {
  // Articles stored before bylines were split name their first author only.
  const article = { ...stored, authorKeys: stored.authorKeys ?? [stored.authorKey] };
  const covering = rules.covering({ ...article, firstSeenAt: provenance(article).at });
  const notices = new Set([...(hiddenBy ?? []), ...covering.map((rule) => rule.notice)]);
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
  const at = now.toISOString();
  const authorKey = authorKeys[0]!;
  const [stored, rules] = await Promise.all([
    articles.upsertAndGet(Table.key.article(id), [
      ...change.fields({
        id,
        title: data.title,
        author: data.author,
        authorKey,
        authorKeys,
        sourceName: data.sourceName,
        sourceDomain: data.sourceDomain,
        originalUrl: data.originalUrl,
        normalizedUrl,
        publishedAt: data.publishedAt,
        body: data.body ?? "",
        ...Table.bySource.of(data.sourceDomain, authorKey, data.publishedAt, id),
        updatedAt: at,
        ...Table.recent.of(data.sourceDomain, data.publishedAt, id),
      }),
      change.setFrom("ingestedAt", "ingestedAt", at),
      change.setFrom("firstSeenAt", "firstSeenAt", at),
      ...(html ? [change.set("html", html)] : []),
      ...(origin ? [change.setFrom("firstSeenFeed", "firstSeenFeed", origin.feed)] : []),
    ]),
    Suppression.current(),
  ]);
  if (origin?.guid) await guidIngested(data.sourceDomain, origin.guid);
  return read(stored!, rules);
}

/**
 * Records that a source's GUID became this article, unless it already became
 * another: then that one's id comes back, and the item is not ingested again
 * under the new link a publisher gave it. `takeOver` claims it regardless.
 */
async function claimGuid(domain: string, guid: string, id: string, takeOver = false): Promise<string> {
  const key = guids.key(domain, guid);
  const claimed = await guids.put(
    key,
    { articleId: id },
    takeOver ? {} : { condition: when.or(when.new(), when.eq("articleId", id)) },
  );
  if (claimed) return id;
  return (await guids.get(key, { consistent: true }))?.articleId ?? id;
}

/**
 * Marks the claim done once the article is written. Until then the poller
 * does not count the GUID as seen, so an ingest that failed between the
 * claim and the article is tried again at the next read.
 */
async function guidIngested(domain: string, guid: string): Promise<void> {
  await guids.update(guids.key(domain, guid), [change.set("ingested", true)]);
}

/**
 * Which of a source's GUIDs became articles already: one BatchGetItem per
 * 100, so reading a feed again costs reads, not writes.
 */
export async function seenGuids(domain: string, seen: string[]): Promise<Set<string>> {
  const claims = await Store.getEach(
    Object.fromEntries(seen.map((guid) => [guid, [guids, guids.key(domain, guid)] as const])),
  );
  return new Set(seen.filter((guid) => claims[guid]?.ingested));
}

export type Page = { articles: Article[]; next?: string };

/** The listing's cursor is the index's LastEvaluatedKey; one from another listing is refused. */
function startKey(cursor: string, partition: string): Store.Cursor {
  const message = "This page link is not valid; start from the first page.";
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    const parsed = z.safeParse(z.record(z.string(), z.string()), key);
    if (parsed.success && Object.values(parsed.data).includes(partition)) return parsed.data;
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
export async function recent({
  source,
  limit = 20,
  after,
}: {
  source?: string;
  limit?: number;
  after?: string;
}): Promise<Page> {
  const index = source ? Table.recent.bySourceIndex : Table.recent.index;
  const partition = source ? Table.recent.sourcePartition(source) : Table.recent.partition;
  const found: Article[] = [];
  let start = after ? startKey(after, partition) : undefined;
  const rules = Suppression.current();
  for (let round = 0; round < 5 && found.length < limit; round++) {
    const page = await articles.pageFields(
      { index, partition, newestFirst: true, limit: limit - found.length },
      Table.recent.fields,
      start,
    );
    const ruled = await rules;
    found.push(...(await visible(page.items.map((item) => read(item, ruled)))));
    start = page.next;
    if (!start) break;
  }
  return { articles: found, next: start ? Buffer.from(JSON.stringify(start)).toString("base64url") : undefined };
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
  if (!ID.test(id)) return undefined;
  return (await getMany([id])).get(id);
}

/**
 * Articles by id, with the rules in force, in one round trip per 100.
 * `consistent` for a reader that must see writes of a moment ago (the
 * dispatcher telling what the effects it just applied did).
 */
export async function getMany(ids: string[], { consistent = false } = {}): Promise<Map<string, Article>> {
  return (await getManyAlong(ids, { keys: [], entities: {} }, { consistent })).articles;
}

/** Where a batch read finds the articles beside what else it asked for: a name no caller gives its entities. */
const ARTICLES = "articles";

/** As `getMany`, with items of other entities read in the same batch (`along`), parsed by theirs. */
export async function getManyAlong<E extends Record<string, Store.Reader>>(
  ids: string[],
  along: { keys: Store.Key[]; entities: E },
  { consistent = false } = {},
) {
  const { found, rules } = await Suppression.readWith(
    [...ids.map(articles.key), ...along.keys],
    { ...along.entities, [ARTICLES]: articles },
    consistent,
  );
  return { articles: new Map(found[ARTICLES].map((stored) => [stored.id, read(stored, rules)])), found };
}
/**
 * How many articles a source has, or one author at it: what an approval of a
 * source- or author-wide notice would hide, told to operators before they
 * approve. Counted on the index, whose items carry only what lists read, a
 * page of up to 1 MB at a time.
 */
export async function countInScope(sourceDomain: string, authorKey?: string): Promise<number> {
  return Store.count({
    index: Table.bySource.index,
    partition: Table.bySource.partition(sourceDomain),
    // An author rule covers co-authored articles too, which the index files under their first author.
    filter: authorKey ? when.contains("authorKeys", authorKey) : undefined,
  });
}

/**
 * Hides the articles at these ids for a notice that lists their URLs. A set
 * makes it idempotent and lets two notices hide one article at once. An id
 * we have no article for keeps the mark, so the article is hidden the moment
 * it is ingested.
 */
export async function hide(ids: string[], notice: string): Promise<void> {
  await mapLimit(ids, 16, (id) => articles.update(articles.key(id), [change.add("hiddenBy", new Set([notice]))]));
}

/**
 * Takes a notice's mark off these articles (a reversal, a withdrawal). Each
 * stays hidden while another notice's mark, or a rule, still covers it.
 * Idempotent, and it creates nothing where no article or mark is stored.
 */
export async function unhide(ids: string[], notice: string): Promise<void> {
  await mapLimit(ids, 16, (id) =>
    articles.update(articles.key(id), [change.delete("hiddenBy", new Set([notice]))], { condition: when.stored() }),
  );
}

/** Where a URL given in a notice would find its article: ours or the source's. */
export function idForUrl(url: string, publicUrl: string): string | undefined {
  const normalized = Url.normalize(url);
  if (!normalized) return undefined;
  const site = Url.normalize(publicUrl);
  const ours =
    site && normalized.startsWith(`${site}/`)
      ? Paths.match(Paths.routes.article, normalized.slice(site.length))?.id
      : undefined;
  return ours && ID.test(ours) ? ours : Ids.fromUrl(normalized);
}
