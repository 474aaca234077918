/**
 * Source- and author-wide rules: what an approved notice hides beyond the
 * URLs it lists. A rule hides at read time: every read of an article checks
 * it against the rules in force, so approving a notice over a source of
 * 100,000 articles writes one item per rule, not one per article, and
 * "now and in the future" needs nothing at ingest. docs/data-model.md.
 *
 * Rules are few (one per approved notice and source or author it names), so
 * each process keeps them all in memory. The rule set carries a version
 * item that every read fetches in the same round trip as its articles; when
 * it has changed, the rules are read again. A new rule is therefore seen by
 * the next read anywhere, not after a cache lifetime.
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "./aws/dynamo";
import * as Db from "./db";
import * as Ids from "./ids";
import * as Table from "./table";

export type Rule = {
  id: string;
  kind: "source" | "author";
  sourceDomain: string;
  authorKey?: string;
  /** The approved notice that asked for it. */
  notice: string;
  /**
   * Set when the notice did not ask for the future: the rule then covers
   * only what we had first seen by the time it was approved.
   */
  until?: string;
  /**
   * Set when the notice asked for its listed URLs "now and in the future":
   * the rule blocks what their authors publish after the approval, and
   * leaves their earlier articles that were not listed.
   */
  from?: string;
  createdAt: string;
};

/** What a rule needs to know of an article. */
export type Covered = { sourceDomain: string; authorKeys: string[]; firstSeenAt: string };

export function ruleId(sourceDomain: string, authorKey?: string): string {
  return authorKey ? `author:${sourceDomain}/${authorKey}` : `source:${sourceDomain}`;
}

/** Rules in force, indexed by the source or author they cover. */
export class RuleSet {
  private readonly byTarget = new Map<string, Rule[]>();

  constructor(
    readonly version: string | undefined,
    private readonly rules: Rule[],
  ) {
    for (const rule of rules) {
      const target = ruleId(rule.sourceDomain, rule.authorKey);
      this.byTarget.set(target, [...(this.byTarget.get(target) ?? []), rule]);
    }
  }

  /** This set with `added` (a rule written again replaces itself), as of `version`. */
  with(added: Rule[], version: string): RuleSet {
    const key = (rule: Rule) => `${rule.id}#${rule.notice}`;
    const kept = this.rules.filter((rule) => !added.some((other) => key(other) === key(rule)));
    return new RuleSet(version, [...kept, ...added]);
  }

  /** The rules that hide an article: the source's, then those of each author in its byline. */
  covering(article: Covered): Rule[] {
    const targets = [ruleId(article.sourceDomain), ...article.authorKeys.map((a) => ruleId(article.sourceDomain, a))];
    return targets.flatMap((target) =>
      (this.byTarget.get(target) ?? []).filter(
        (rule) => (!rule.until || article.firstSeenAt <= rule.until) && (!rule.from || article.firstSeenAt >= rule.from),
      ),
    );
  }
}

const cache = new Map<string, RuleSet>();

function fromItem(item: Record<string, unknown>): Rule {
  const { id, kind, sourceDomain, authorKey, notice, until, from, createdAt } = item as Rule;
  return {
    id,
    kind,
    sourceDomain,
    notice,
    createdAt,
    ...(authorKey ? { authorKey } : {}),
    ...(until ? { until } : {}),
    ...(from ? { from } : {}),
  };
}

/** Loads under way, by table and version: reads that arrive together share one. */
const loading = new Map<string, Promise<RuleSet>>();

/**
 * The rule set as of `version`, read again only if it changed since this
 * process last read it. `version` comes from the caller's own batch read.
 * Many reads that see a new version at once (a feed's items ingested in a
 * batch) wait for one load rather than each reading every rule.
 */
async function at(version: string | undefined): Promise<RuleSet> {
  const table = Table.name();
  const known = cache.get(table);
  if (known && known.version === version) return known;
  const key = `${table}\u0000${version}`;
  const pending =
    loading.get(key) ??
    Db.queryAll({
      KeyConditionExpression: "pk = :rules AND begins_with(sk, :rule)",
      ExpressionAttributeValues: { ":rules": Table.rules.partition, ":rule": Table.rules.prefix },
      ConsistentRead: true,
    })
      .then((items) => {
        const rules = new RuleSet(version, items.map(fromItem));
        cache.set(table, rules);
        return rules;
      })
      .finally(() => loading.delete(key));
  loading.set(key, pending);
  return pending;
}

/**
 * Items by key, with the rules in force, in one round trip: the rule set's
 * version rides in the same batch read.
 */
export async function readWith(
  keys: { pk: string; sk: string }[],
  consistent = false,
): Promise<{ items: Record<string, unknown>[]; rules: RuleSet }> {
  const version = Table.rules.version;
  const found = await Db.getMany([...keys, version], consistent);
  const marker = found.find((item) => item.pk === version.pk && item.sk === version.sk);
  return { items: found.filter((item) => item !== marker), rules: await at(marker?.version as string | undefined) };
}

/** The rules in force, for a write that reads nothing else (ingest). */
export async function current(): Promise<RuleSet> {
  return (await readWith([])).rules;
}

/**
 * Puts the rules and then a new version of the rule set, so that a reader
 * who sees the new version also finds the rules. Idempotent: a rule's key is
 * its target and notice, so writing it again changes nothing.
 */
export async function put(rules: Rule[]): Promise<void> {
  if (!rules.length) return;
  await Db.putMany(rules.map((rule) => ({ ...Table.rules.of(rule.id, rule.notice), type: "rule", ...rule })));
  const table = Table.name();
  const known = cache.get(table);
  const version = Ids.newId();
  const write = (condition?: string) =>
    dynamo().send(
      new PutCommand({
        TableName: table,
        Item: { ...Table.rules.version, version },
        ...(condition ? { ConditionExpression: condition, ExpressionAttributeValues: { ":known": known?.version } } : {}),
      }),
    );
  // When the version this process knows is still the current one, the new
  // set is the known one plus these rules: kept without reading them back.
  // Otherwise someone else changed the set too, and the next read loads it.
  const swapped =
    known?.version !== undefined && (await Db.conditional(write("version = :known"))) !== undefined;
  if (swapped) cache.set(table, known.with(rules, version));
  else await write();
}
