/**
 * The fewest DynamoDB calls each operation's access pattern allows: the
 * floor column of the table. docs/performance.md explains each line; change
 * both together. `n` is the URLs a notice lists, `k` the mails a dispatcher
 * run sends, `r` the rules an approval leaves.
 */
const batchGets = (keys: number) => Math.ceil(keys / 100);

export const floors = {
  /** The pipeline's counter (1 UpdateItem, as every /api/v1 call) and one upsert that answers with the article (ReturnValues); rules apply when it is read. */
  ingest: () => 2,
  /** A signed challenge with its expiry in it needs no storage. */
  challenge: () => 0,
  /**
   * The address's counter, which also records the spent proof (1 UpdateItem);
   * the email's counter (1 UpdateItem); the URLs' articles with the rule-set
   * version (1 BatchGetItem per 100 keys); the notice (1 PutItem).
   */
  fileAnonymous: (n: number) => 2 + batchGets(n + 1) + 1,
  /** The key (1 GetItem), its counter (1 UpdateItem), the articles and version, the notice. */
  fileKeyed: (n: number) => 2 + batchGets(n + 1) + 1,
  /** One conditional UpdateItem: the transition, with its review mail queued in it. */
  confirm: () => 1,
  /** One conditional UpdateItem: the decision, with `effectsPending` and its mail queued in it. */
  decide: () => 1,
  /** Claim (lease), one UpdateItem per listed URL, release (which records effects and the last mail). */
  effectsByUrl: (n: number) => 1 + n + 1,
  /**
   * Claim, the rules (1 BatchWriteItem per 25), then the rule-set version (1
   * PutItem, after the rules so a reader who sees it finds them), release.
   * The listed URLs' articles are covered by the rules: no per-article write.
   */
  effectsByRule: (r: number) => 1 + Math.ceil(r / 25) + 1 + 1,
  /** Claim and release; the decision mail is recorded in the release. */
  effectsOfRejection: () => 2,
  /** Claim, one record per mail but the last, release (which records the last). */
  mail: (k: number) => 1 + (k - 1) + 1,
  /** As `mail`, plus one BatchGetItem for the notice's articles, the rule-set version and the sender's record. */
  reviewMail: (k: number, articles: number) => 1 + batchGets(articles + 2) + (k - 1) + 1,
  /** The article and the rule-set version in one BatchGetItem. */
  view: () => 1,
  /** The notice (1 GetItem), then its articles with the version (1 BatchGetItem per 100). */
  statusPage: (n: number) => 1 + batchGets(n + 1),
};
