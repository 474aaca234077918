/**
 * The fewest DynamoDB calls each operation's access pattern allows: the
 * floor column of the table. docs/performance.md explains each line; change
 * both together. `n` is the URLs a notice lists, `k` the mails a dispatcher
 * run sends, `r` the rules an approval leaves, `s` the sources its articles
 * come from.
 *
 * The access patterns include what issue 9 made each request do on purpose:
 * every call with a key (the ingest token too) checks the caller's address
 * against the bad-key limit (1 GetItem beside the key's own write, or a key
 * in the batch read a keyed filing makes anyway); an anonymous notice reads
 * and records the one notice awaiting its mailbox.
 */
const batchGets = (keys: number) => Math.ceil(keys / 100);

export const floors = {
  /**
   * The bad-key check (1 GetItem), the pipeline's counter (1 UpdateItem), one
   * upsert that answers with the article (ReturnValues), and the rule-set
   * version beside it (1 BatchGetItem) to answer whether a rule hides it.
   */
  ingest: () => 4,
  /** A signed challenge with its expiry in it needs no storage. */
  challenge: () => 0,
  /**
   * The address's counter (1 UpdateItem), the spent proof (1 PutItem), the
   * notice awaiting the mailbox (1 GetItem), the email's counter (1
   * UpdateItem), the URLs' articles with the rule-set version (1
   * BatchGetItem per 100 keys), the notice (1 PutItem), the mailbox's
   * awaiting item (1 PutItem). The notice's search terms are the
   * dispatcher's to write (`firstRun`), not the filing's. Through the JSON API, every anonymous call also counts against
   * the per-address API limit (1 UpdateItem).
   */
  fileAnonymous: (n: number, via: "form" | "json") => 6 + batchGets(n + 1) + (via === "json" ? 1 : 0),
  /**
   * The key's write (1 UpdateItem: it checks the secret, counts the call on
   * the key's item and answers with the key), the articles with the bad-key
   * check and the rule-set version (1 BatchGetItem per 100 keys), the notice.
   */
  fileKeyed: (n: number) => 1 + batchGets(n + 2) + 1,
  /** One conditional UpdateItem: the transition, with its review mail queued in it. */
  confirm: () => 1,
  /**
   * One conditional UpdateItem: the decision, with `effectsPending` and its
   * mail queued in it; then one BatchGetItem for the page that shows the
   * operator each listed URL as it now stands.
   */
  decide: () => 2,
  /**
   * Claim (lease), one UpdateItem per listed URL, one conditional UpdateItem
   * per source recording the approval on its record (the queue's "approved
   * before" flag reads it: issue 13), one BatchGetItem of what the decision
   * mail shows (the articles, the rule-set version, the recipient's
   * suppression entry), release (which records the effects and the mail).
   * `s` is the sources the notice's articles come from.
   */
  effectsByUrl: (n: number, s = 1) => 1 + n + s + 1 + 1,
  /**
   * Claim, the rules (1 BatchWriteItem per 25), then the rule-set version (1
   * PutItem, after the rules so a reader who sees it finds them), a count of
   * what each rule covers for the decision mail (1 Query each, COUNT on the
   * index), the approval on its source's record (1 UpdateItem: an author- or
   * source-wide notice names one source), the mail's batch read, release.
   * The rule covers the listed articles too: no article is written.
   */
  effectsByRule: (r: number) => 1 + Math.ceil(r / 25) + 1 + r + 1 + 1 + 1,
  /** Claim, the decision mail's batch read, release (which records the mail). */
  effectsOfRejection: () => 3,
  /** Claim, one batch read of the recipients' suppression entries, one record per mail but the last, release. */
  mail: (k: number) => 1 + 1 + (k - 1) + 1,
  /** As `mail`, the batch read also fetching the notice's articles, the rule-set version and the sender's record. */
  reviewMail: (k: number, articles: number) => 1 + batchGets(articles + 1 + k + 1) + (k - 1) + 1,
  /**
   * What the dispatcher's first run on a notice adds to its mail: the
   * notice's `t` search terms (its address, its organisation's words, its
   * articles: issue 13's console search looks them up instead of walking the
   * notices), 1 BatchWriteItem per 25.
   */
  firstRun: (t: number) => Math.ceil(t / 25),
  /** The article and the rule-set version in one BatchGetItem. */
  view: () => 1,
  /** The notice (1 GetItem), then its articles with the version (1 BatchGetItem per 100). */
  statusPage: (n: number) => 1 + batchGets(n + 1),
};
