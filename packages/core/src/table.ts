/**
 * The single table: its shape (shared by the SST stack and the local stack)
 * and every key the code writes or reads. docs/data-model.md lists the access
 * patterns these keys serve; no other module spells out a key.
 */
import { createHash } from "node:crypto";
import { config } from "./config";
import type { QueueState } from "./moderation";

/** What gsi1's lists read; its item types share the index. */
const listed: string[] = [
  // articles by source
  "id",
  "title",
  "author",
  "authorKeys",
  "sourceName",
  "sourceDomain",
  "publishedAt",
  "ingestedAt",
  "hiddenBy",
  // API keys
  "name",
  "scopes",
  "owner",
  "lastUsedAt",
  "revokedAt",
  // notices by key
  "status",
  "createdAt",
  "decision",
  // deliveries by endpoint
  "noticeId",
  "noticeStatus",
  "attempts",
  "lastAttemptAt",
  "lastStatus",
  "lastError",
  "nextAttemptAt",
  "deliveredAt",
  "failedAt",
  "expiresAt",
];

/** The article attributes the listing indexes (gsi3, gsi4) carry besides their keys. */
const LISTED = [
  "id",
  "title",
  "author",
  "authorKey",
  "authorKeys",
  "sourceName",
  "sourceDomain",
  "originalUrl",
  "publishedAt",
  "hiddenBy",
  "ingestedAt",
  "updatedAt",
] as const;

/** The same list, mutable, as the SST stack's index arguments take it. */
const listedArticle: string[] = [...LISTED];

export const definition = {
  fields: {
    pk: "string",
    sk: "string",
    gsi1pk: "string",
    gsi1sk: "string",
    gsi2pk: "string",
    gsi2sk: "string",
    gsi3pk: "string",
    gsi3sk: "string",
    gsi4pk: "string",
    gsi4sk: "string",
    gsi5pk: "string",
    gsi5sk: "string",
  },
  primaryIndex: { hashKey: "pk", rangeKey: "sk" },
  // Each index carries only what its queries read, so a write copies no
  // article body or notice log into an index (docs/data-model.md).
  globalIndexes: {
    gsi1: {
      hashKey: "gsi1pk",
      rangeKey: "gsi1sk",
      projection: listed,
    },
    // The sweep reads only which items are due: the key says what each is.
    gsi2: { hashKey: "gsi2pk", rangeKey: "gsi2sk", projection: "keys-only" },
    // The site's listings (front page, source pages, feed, sitemap): only what they show and what
    // `Article.visible` decides by, never the body.
    gsi3: { hashKey: "gsi3pk", rangeKey: "gsi3sk", projection: listedArticle },
    gsi4: { hashKey: "gsi4pk", rangeKey: "gsi4sk", projection: listedArticle },
    // The operators' queue: the console reads a page of keys, then the notices it shows.
    gsi5: { hashKey: "gsi5pk", rangeKey: "gsi5sk", projection: "keys-only" },
  },
  ttl: "expiresAt",
} as const;

export type IndexName = keyof typeof definition.globalIndexes;

export function name(): string {
  return config().tableName;
}

/** The CreateTable input for engines without SST (dynalite, tests). */
export function createTableInput(tableName = name()) {
  const attribute = (AttributeName: string) => ({ AttributeName, AttributeType: "S" as const });
  const keySchema = (index: { hashKey: string; rangeKey: string }) => [
    { AttributeName: index.hashKey, KeyType: "HASH" as const },
    { AttributeName: index.rangeKey, KeyType: "RANGE" as const },
  ];
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST" as const,
    AttributeDefinitions: Object.keys(definition.fields).map(attribute),
    KeySchema: keySchema(definition.primaryIndex),
    GlobalSecondaryIndexes: Object.entries(definition.globalIndexes).map(([IndexName, index]) => ({
      IndexName,
      KeySchema: keySchema(index),
      Projection:
        index.projection === "keys-only"
          ? { ProjectionType: "KEYS_ONLY" as const }
          : { ProjectionType: "INCLUDE" as const, NonKeyAttributes: [...index.projection] },
    })),
  };
}

/**
 * User input inside a key, kept short: DynamoDB refuses a partition key over
 * 2,048 bytes (an index's sort key over 1,024), and a write refused for its
 * key would fail on every retry. Short values stay as they are, so existing
 * items keep their keys; longer ones are replaced by their hash.
 */
export function bounded(value: string): string {
  if (Buffer.byteLength(value) <= 256) return value;
  return `sha256~${createHash("sha256").update(value).digest("base64url")}`;
}

export const key = {
  article: (id: string) => ({ pk: `ARTICLE#${id}`, sk: "ARTICLE" }),
  notice: (id: string) => ({ pk: `NOTICE#${id}`, sk: "NOTICE" }),
  /** A site we republish, with its feeds beside it in the same partition. */
  source: (domain: string) => ({ pk: `SOURCE#${domain}`, sk: "SOURCE" }),
  /** One feed of a source: its URL, its HTTP validators and its polling status. */
  feed: (domain: string, feedId: string) => ({ pk: `SOURCE#${domain}`, sk: `FEED#${feedId}` }),
  /** A GUID a source's feed item carried, and the article it became: a GUID is ingested once. */
  guid: (domain: string, guidHash: string) => ({ pk: `GUID#${domain}#${guidHash}`, sk: "GUID" }),
  /** A redeemed proof-of-work challenge; kept until the challenge expires. */
  powChallenge: (id: string) => ({ pk: `POW#${id}`, sk: "POW" }),
  /** Which notices for a source operators approved (the first few): the queue's "approved before" flag. */
  sourceApprovals: (domain: string) => ({ pk: `APPROVED#${bounded(domain)}`, sk: "APPROVED" }),
  /** One thing a notice is searched by (`search` below says which), pointing at the notice. */
  searchTerm: (term: string, sort: string) => ({ pk: `SEARCH#${bounded(term)}`, sk: sort }),
  /** What operators concluded about a requester's notices (DSA Art. 23). */
  requester: (email: string) => ({ pk: `REQUESTER#${bounded(email)}`, sk: "REQUESTER" }),
  /** Its own partition, so that what a key owns later (webhooks) can sit beside it. */
  apiKey: (id: string) => ({ pk: `APIKEY#${id}`, sk: "APIKEY" }),
  /** In its key's partition: one query reads a key with its endpoints. */
  webhook: (keyId: string, id: string) => ({ pk: `APIKEY#${keyId}`, sk: `WEBHOOK#${id}` }),
  /** One status change sent to one endpoint, with its attempts. */
  delivery: (id: string) => ({ pk: `DELIVERY#${id}`, sk: "DELIVERY" }),
  /** `caller` is `key:<id>` or `ip:<address>`: one caller cannot replay another's response. */
  idempotency: (caller: string, key: string) => ({
    pk: `IDEMPOTENCY#${bounded(`${caller}#${key}`)}`,
    sk: "IDEMPOTENCY",
  }),
  /** The notice waiting for a mailbox's confirmation (Abuse.mailbox): one at a time. */
  awaitingConfirmation: (mailbox: string) => ({ pk: `AWAITING#${bounded(mailbox)}`, sk: "AWAITING" }),
  /** An address SES bounced for good or that complained: the desk no longer mails it. */
  suppressedAddress: (email: string) => ({ pk: `NOMAIL#${bounded(email)}`, sk: "NOMAIL" }),
  /** A counter-notice: the party whose material a notice removed says it was a mistake (DMCA 512(g)). */
  counterNotice: (id: string) => ({ pk: `COUNTER#${id}`, sk: "COUNTER" }),
  /** A sign-in link asked for at /console, by its id (the link also carries a MAC of it). */
  signIn: (id: string) => ({ pk: `SIGNIN#${id}`, sk: "SIGNIN" }),
  /** An operator's console session, by the hash of its cookie: the table never holds the cookie itself. */
  session: (hash: string) => ({ pk: `SESSION#${hash}`, sk: "SESSION" }),
  /** The endpoints of keys with `notices:review`, which hear of every notice (Webhook.fanOut). */
  reviewWebhooks: () => ({ pk: "SETTINGS", sk: "REVIEW_WEBHOOKS" }),
  /** The statement-of-reasons templates operators edited (Grounds). */
  grounds: () => ({ pk: "SETTINGS", sk: "GROUNDS" }),
  /** One counter per policy, subject and window; a new window is a new item. */
  rateWindow: (policy: string, subject: string, windowStart: number) => ({
    pk: `RATE#${policy}#${bounded(subject)}#${windowStart}`,
    sk: "RATE",
  }),
};

/**
 * Source and author rules, one item per rule and notice, all in one
 * partition: every process reads them whole (they are few) and keeps them
 * until `version` changes. Every rule write puts a new version after it.
 */
export const rules = {
  partition: "RULES",
  prefix: "RULE#",
  of: (ruleId: string, notice: string) => ({ pk: "RULES", sk: `RULE#${ruleId}#${notice}` }),
  version: { pk: "RULES", sk: "VERSION" },
};

/** gsi1 groups articles by source, sorted by author then date. */
export const bySource = {
  index: "gsi1" as const,
  of: (domain: string, author: string, publishedAt: string, id: string) => ({
    gsi1pk: `SOURCE#${domain}`,
    gsi1sk: `AUTHOR#${author}#${publishedAt}#${id}`,
  }),
  partition: (domain: string) => `SOURCE#${domain}`,
  authorPrefix: (author: string) => `AUTHOR#${author}#`,
};

/** gsi1 also lists every API key, oldest first, for operators. */
export const apiKeys = {
  index: "gsi1" as const,
  partition: "APIKEYS",
  of: (createdAt: string, id: string) => ({ gsi1pk: "APIKEYS", gsi1sk: `${createdAt}#${id}` }),
};

/**
 * gsi1 also lists the notices filed with one API key, by creation time (the
 * id breaks ties, so pages never reorder). `gsi1sk >= <ISO date>` is "since".
 */
export const byKey = {
  index: "gsi1" as const,
  partition: (keyId: string) => `KEY#${keyId}`,
  of: (keyId: string, createdAt: string, id: string) => ({ gsi1pk: `KEY#${keyId}`, gsi1sk: `${createdAt}#${id}` }),
};

/** The endpoints in a key's partition (`begins_with(sk, prefix)`). */
export const webhooksOf = {
  partition: (keyId: string) => key.apiKey(keyId).pk,
  prefix: "WEBHOOK#",
};

/** gsi1 also lists an endpoint's deliveries by creation time. */
export const byEndpoint = {
  index: "gsi1" as const,
  partition: (endpointId: string) => `WEBHOOK#${endpointId}`,
  of: (endpointId: string, createdAt: string, id: string) => ({
    gsi1pk: `WEBHOOK#${endpointId}`,
    gsi1sk: `${createdAt}#${id}`,
  }),
};

/** gsi2 is sparse: only items with work still to do (mail, effects, webhook deliveries) are in it. */
export const due = {
  index: "gsi2" as const,
  partition: "DUE",
  at: (when: Date) => ({ gsi2pk: "DUE", gsi2sk: when.toISOString() }),
};

/** gsi1 also lists every source and its feeds, sorted by domain (the source first, then its feeds). */
export const sources = {
  index: "gsi1" as const,
  partition: "SOURCES",
  of: (domain: string, sk: string) => ({ gsi1pk: "SOURCES", gsi1sk: `${domain}#${sk}` }),
};

/** gsi3 lists every article newest first (by publication date); gsi4 the same per source. */
export const recent = {
  index: "gsi3" as const,
  partition: "ARTICLES",
  bySourceIndex: "gsi4" as const,
  /** What both indexes carry of an article: what a listing reads. */
  fields: LISTED,
  sourcePartition: (domain: string) => `RECENT#${domain}`,
  of: (domain: string, publishedAt: string, id: string) => ({
    gsi3pk: "ARTICLES",
    gsi3sk: `${publishedAt}#${id}`,
    gsi4pk: `RECENT#${domain}`,
    gsi4sk: `${publishedAt}#${id}`,
  }),
};

/**
 * gsi1 also lists counter-notices that need someone: `open`, those whose
 * window runs (by when it closes: the window job reads those that closed, the
 * digest those about to); `ready`, those whose window closed and that wait
 * for an operator (by when it closed). A counter-notice leaves when it is done.
 */
export const counterNotices = {
  index: "gsi1" as const,
  open: "COUNTER_WINDOWS" as const,
  ready: "COUNTER_READY" as const,
  of: (partition: "COUNTER_WINDOWS" | "COUNTER_READY", at: string, id: string) => ({
    gsi1pk: partition,
    gsi1sk: `${at}#${id}`,
  }),
};

/**
 * gsi5 is the operators' queue: every notice waits in the partition of its
 * queue state (Moderation.queueOf), oldest first. Its sort key never changes;
 * a write that moves a notice to another state sets the partition alone.
 */
export const queue = {
  index: "gsi5" as const,
  partition: (state: QueueState) => `QUEUE#${state}`,
  of: (state: QueueState, createdAt: string, id: string) => ({
    gsi5pk: `QUEUE#${state}`,
    gsi5sk: `${createdAt}#${id}`,
  }),
};

/**
 * What the console's search finds notices by (Search): an item per term and
 * notice, in the term's partition, oldest first (`<createdAt>#<id>`): the
 * requester's address, and each article a listed URL names (ours or the
 * original: both give the article's id). Organisations share one partition
 * sorted by their words, so the start of any word finds them (`begins_with`).
 */
export const search = {
  byEmail: (email: string) => `email:${email}`,
  byArticle: (articleId: string) => `url:${articleId}`,
  organisations: "org",
  partition: (term: string) => key.searchTerm(term, "").pk,
  /** Where a notice sorts within a term's partition; within the organisations', after the words it is found by. */
  sort: (createdAt: string, id: string, words?: string) =>
    `${words === undefined ? "" : `${words}#`}${createdAt}#${id}`,
};
