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
import * as z from "zod/mini";
import * as Ids from "./ids";
import * as Store from "./store";
import { change, when } from "./store";
import * as Table from "./table";

const Stored = z.object({
  id: z.string(),
  kind: z.enum(["source", "author"]),
  sourceDomain: z.string(),
  authorKey: z.optional(z.string()),
  /** The approved notice that asked for it. */
  notice: z.string(),
  /**
   * Set when the notice did not ask for the future: the rule then covers
   * only what we had first seen by the time it was approved.
   */
  until: z.optional(z.string()),
  /**
   * Set when the notice asked for its listed URLs "now and in the future":
   * the rule blocks what their authors publish after the approval, and
   * leaves their earlier articles that were not listed.
   */
  from: z.optional(z.string()),
  createdAt: z.string(),
  /** Set when its notice was reversed or withdrawn: the rule then covers nothing. */
  endedAt: z.optional(z.string()),
});
export type Rule = z.output<typeof Stored>;

/** One item per rule and notice, in the rules' partition. */
const rules = Store.entity({ type: "rule", schema: Stored, key: Table.rules.of });

/** The rule set's version: every rule write puts a new one after its rules. */
const version = Store.entity({
  type: "rules-version",
  schema: z.object({ version: z.string() }),
  key: () => Table.rules.version,
});

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
        (rule) =>
          !rule.endedAt &&
          (!rule.until || article.firstSeenAt <= rule.until) &&
          (!rule.from || article.firstSeenAt >= rule.from),
      ),
    );
  }
}

const cache = new Map<string, RuleSet>();

/** Loads under way, by table and version: reads that arrive together share one. */
const loading = new Map<string, Promise<RuleSet>>();

/**
 * The rule set as of `current` (its version), read again only if it changed
 * since this process last read it. `current` comes from the caller's own
 * batch read.
 * Many reads that see a new version at once (a feed's items ingested in a
 * batch) wait for one load rather than each reading every rule.
 */
async function at(current: string | undefined): Promise<RuleSet> {
  const table = Table.name();
  const known = cache.get(table);
  if (known && known.version === current) return known;
  const key = `${table}\u0000${current}`;
  const pending =
    loading.get(key) ??
    rules
      .query({ partition: Table.rules.partition, sort: { beginsWith: Table.rules.prefix }, consistent: true })
      .then((found) => {
        const loaded = new RuleSet(current, found);
        cache.set(table, loaded);
        return loaded;
      })
      .finally(() => loading.delete(key));
  loading.set(key, pending);
  return pending;
}

/** Where a read finds the version beside what it asked for: a name no caller gives its entities. */
const VERSION = "ruleSetVersion";

/**
 * Items by key of the given entities, with the rules in force, in one round
 * trip: the rule set's version rides in the same batch read.
 */
export async function readWith<E extends Record<string, Store.Reader>>(
  keys: Store.Key[],
  entities: E,
  consistent = false,
) {
  const found = await Store.getManyEach([...keys, version.key()], { ...entities, [VERSION]: version }, { consistent });
  return { found, rules: await at(found[VERSION][0]?.version) };
}

/** The rules in force, for a write that reads nothing else (ingest). */
export async function current(): Promise<RuleSet> {
  return (await readWith([], {})).rules;
}

/**
 * Puts the rules and then a new version of the rule set, so that a reader
 * who sees the new version also finds the rules. Idempotent: a rule's key is
 * its target and notice, so writing it again changes nothing.
 */
export async function put(added: Rule[]): Promise<void> {
  if (!added.length) return;
  await rules.putMany(added.map((rule) => ({ key: rules.key(rule.id, rule.notice), value: rule })));
  const table = Table.name();
  const known = cache.get(table);
  const next = Ids.newId();
  // When the version this process knows is still the current one, the new
  // set is the known one plus these rules: kept without reading them back.
  // Otherwise someone else changed the set too, and the next read loads it.
  const swapped =
    known?.version !== undefined &&
    (await version.put(version.key(), { version: next }, { condition: when.eq("version", known.version) }));
  if (swapped) cache.set(table, known.with(added, next));
  else await version.put(version.key(), { version: next });
}

/**
 * Ends a notice's rules, so what they hid is shown again (unless another
 * notice still covers it), then puts a new version of the rule set so every
 * process reads them again. Nothing is deleted: the rule keeps when it ended.
 * Idempotent: a rule already ended keeps its first end.
 */
export async function end(ids: string[], notice: string, now: Date): Promise<void> {
  if (!ids.length) return;
  const at = now.toISOString();
  await Promise.all(
    ids.map((id) =>
      rules.update(rules.key(id, notice), [change.setFrom("endedAt", "endedAt", at)], { condition: when.stored() }),
    ),
  );
  await version.put(version.key(), { version: Ids.newId() });
}
