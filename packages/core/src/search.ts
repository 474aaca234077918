/**
 * What operators find notices by (Queue.search): any spelling of a URL a
 * notice lists, ours or the original (both name the same article id), the
 * requester's address, the start of any word of their organisation, the API
 * key it was filed with (by id or name), or its id. Each term is an item of
 * its own, keyed by the normalised term (Table.search), so a search is a
 * few queries of the terms' partitions and one batch read of what they name,
 * never a walk of the notices. The key's notices are its own list already
 * (Table.byKey).
 *
 * Filing marks the notice `indexPending` and the dispatcher's first run on it
 * writes the terms (every notice is due at once, for its receipt or review
 * mail): filing is what a rights holder waits for and is held to its floor,
 * while an operator finds a notice seconds after it was filed.
 */
import * as z from "zod/mini";
import * as ApiKey from "./api-key";
import * as Article from "./article";
import { config } from "./config";
import * as Ids from "./ids";
import * as Store from "./store";
import * as Table from "./table";
import { slug } from "./text";
import * as Url from "./url";

/** A term of one notice: its partition is the term, its sort key orders the notice within it. */
export const entity = Store.entity({
  type: "search_term",
  schema: z.object({ notice: z.string() }),
  key: Table.key.searchTerm,
});

/** An organisation is found from the start of its first words: this many starting points. */
const ORGANISATION_WORDS = 5;
/** Enough of an organisation's name to tell it by, well under a sort key's 1,024 bytes. */
const ORGANISATION_CHARS = 100;
/** How many notices one term answers at most, newest first; a search says when a term had more. */
export const PER_TERM = 100;

type Searchable = {
  id: string;
  createdAt: string;
  urls: { url: string; articleId?: string }[];
  requester: { email: string; organization?: string };
};

const articleOf = (url: string) => Article.idForUrl(url, config().publicUrl);

/** The organisation's name from each of its first words on, normalised as a search for it is (`slug`). */
function organisationWords(organisation: string | undefined): string[] {
  const words = slug(organisation ?? "")
    .split("-")
    .filter(Boolean);
  return words.slice(0, ORGANISATION_WORDS).map((_, i) => words.slice(i).join("-").slice(0, ORGANISATION_CHARS));
}

/** The keys of a notice's term items: its address and organisation first, then its articles. */
export function terms(notice: Searchable): Store.Key[] {
  const at = (words?: string) => Table.search.sort(notice.createdAt, notice.id, words);
  const articles = [...new Set(notice.urls.flatMap((u) => u.articleId ?? articleOf(u.url) ?? []))];
  return [
    entity.key(Table.search.byEmail(notice.requester.email.toLowerCase()), at()),
    ...organisationWords(notice.requester.organization).map((words) =>
      entity.key(Table.search.organisations, at(words)),
    ),
    ...articles.map((id) => entity.key(Table.search.byArticle(id), at())),
  ];
}

/** Writes terms of the notice `id` (BatchWriteItem, 25 a call): idempotent, so a run that is repeated does no harm. */
export async function write(keys: Store.Key[], id: string): Promise<void> {
  await entity.putMany(keys.map((key) => ({ key, value: { notice: id } })));
}

type Found = { ids: string[]; complete: boolean };

/** The notices in one term's partition (those whose words start so, for organisations), newest first. */
async function inTerm(term: string, prefix?: string): Promise<Found> {
  const page = await entity.pageFields(
    {
      partition: Table.search.partition(term),
      ...(prefix === undefined ? {} : { sort: { beginsWith: prefix } }),
      limit: PER_TERM,
      newestFirst: true,
    },
    ["notice"],
  );
  return { ids: page.items.map((item) => item.notice), complete: !page.next };
}

/** The notices filed with the key `id`, newest first (the key's own list). */
async function ofKey(id: string): Promise<Found> {
  const page = await Store.page(
    {
      index: Table.byKey.index,
      partition: Table.byKey.partition(id),
      fields: ["pk"],
      limit: PER_TERM,
      newestFirst: true,
    },
    undefined,
  );
  const prefix = Table.key.notice("").pk;
  return { ids: page.items.map(({ pk }) => String(pk).slice(prefix.length)), complete: !page.next };
}

/** The keys named `name` (case and spacing aside): keys are few, and their list is one query. */
async function keysNamed(name: string): Promise<Found> {
  const wanted = slug(name);
  const keys = (await ApiKey.list()).filter((key) => slug(key.name) === wanted);
  const found = await Promise.all(keys.map((key) => ofKey(key.id)));
  return { ids: found.flatMap((f) => f.ids), complete: found.every((f) => f.complete) };
}

/**
 * The ids of the notices `q` names, by whatever it can be: an address, a
 * URL, words of an organisation, a key's name or id, a notice's id. Each
 * reading is one query, all at once; `complete` is false when a term named
 * more than PER_TERM notices (the newest are kept).
 */
export async function find(q: string): Promise<Found> {
  const lower = q.toLowerCase();
  const email = lower.includes("@");
  const article = !email && /[./]/.test(q) && Url.normalize(q) ? articleOf(q) : undefined;
  const words = slug(q);
  const lookups: Promise<Found>[] = [
    ...(email ? [inTerm(Table.search.byEmail(lower))] : []),
    ...(article ? [inTerm(Table.search.byArticle(article))] : []),
    ...(!email && words.length >= 3 ? [inTerm(Table.search.organisations, words), keysNamed(q)] : []),
    // A notice's id and a key's have the same shape.
    ...(Ids.plausible(lower) ? [ofKey(lower), Promise.resolve({ ids: [lower], complete: true })] : []),
  ];
  const found = await Promise.all(lookups);
  return { ids: [...new Set(found.flatMap((f) => f.ids))], complete: found.every((f) => f.complete) };
}
