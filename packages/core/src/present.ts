/**
 * What people read about a notice, decided once for the form, the pages, the
 * API and the mails: the state of each listed article, the rules an approval
 * leaves, what an approval would do per source, who is told, who decided and
 * when. Pure, apart from `scopeCounts`, so every wording follows from the
 * notice and the articles as they are now.
 */
import * as Article from "./article";
import { config } from "./config";
import { decidedFor, rulesOf, writesFromSource, type Notice, type Subject } from "./notice";
import type { DecisionRecord } from "./moderation";
import * as Suppression from "./suppression";

export { date } from "./text";

export const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/**
 * Who decided, as requesters read it: the name the operator chose in
 * OPERATOR_EMAILS (`Ada <ada@x>`), or "an operator". Only operators see addresses.
 */
export function operatorName(address: string): string {
  return config().operatorNames[address.toLowerCase()] ?? "an operator";
}

/**
 * Who did something on a notice, by the actor string its events carry: an
 * operator (named as `operatorName` does), the requester, the desk itself,
 * or an API key (`key:<id>`), named from `keyNames` when the caller read it.
 */
export function actorName(by: string, keyNames: ReadonlyMap<string, string> = new Map()): string {
  if (by === "requester") return "the sender";
  if (by === "system") return "the desk";
  const key = keyOf(by);
  if (key) {
    // A filing names its key as `key:<id> (<name>)` (ApiKey.label); later steps as `key:<id>`.
    const name = keyNames.get(key) ?? /^key:\S+ \((.*)\)$/.exec(by)?.[1];
    return `API key ${name ? `"${name}" (${key})` : key}`;
  }
  return operatorName(by);
}

/** The API key an actor string names (`key:<id>`, or a filing's `key:<id> (<name>)`), if it names one. */
export function keyOf(by: string): string | undefined {
  return /^key:(\S+)/.exec(by)?.[1];
}

/**
 * A decision as requesters (and API keys, and webhooks) may read it: who
 * took it by name only, and none of how it was recorded (ground, channel,
 * per-URL detail, which `Notice.outcomes` tells).
 */
export function publicDecision({ action, by, at, reason, unfounded }: DecisionRecord) {
  return { action, by: operatorName(by), at, ...(reason ? { reason } : {}), ...(unfounded ? { unfounded } : {}) };
}

export type Rule = { sourceDomain: string; authorKey?: string };

/** "articles by Maya Lindqvist at harbour-gazette.example", or "articles from harbour-gazette.example". */
export function describeRule(rule: Rule, subjects: Subject[]): string {
  if (!rule.authorKey) return `articles from ${rule.sourceDomain}`;
  const author = subjects.find((s) => s.sourceDomain === rule.sourceDomain && s.authorKey === rule.authorKey)?.author;
  return `articles by ${author ?? rule.authorKey} at ${rule.sourceDomain}`;
}

/** A stored rule id (`author:<domain>/<key>`, `source:<domain>`, Suppression.ruleId) in words. */
export function describeRuleId(id: string, subjects: Subject[]): string {
  const [kind, rest = ""] = id.split(/:(.*)/s);
  const slash = rest.indexOf("/");
  return kind === "author" && slash > 0
    ? describeRule({ sourceDomain: rest.slice(0, slash), authorKey: rest.slice(slash + 1) }, subjects)
    : describeRule({ sourceDomain: rest }, subjects);
}

/** The rules of an approval that block what arrives later (a rule with `until` ends at the approval). */
const lasting = (notice: Notice) => rulesOf(notice).filter((rule) => !rule.until);

/** The future an approval blocks, one phrase per lasting rule `rulesOf` would create. */
export function futureRules(notice: Notice): string[] {
  return lasting(notice).map((rule) => `future ${describeRule(rule, notice.subjects)}`);
}

/** What the notice asks to remove now, named: the listed articles, or every article of an author or source. */
function scopeNow(notice: Notice): string[] {
  if (notice.scope === "urls") return [plural(notice.urls.length, "listed URL")];
  const wide = notice.subjects.map((subject) =>
    notice.scope === "source"
      ? `every article from ${subject.sourceDomain}`
      : `every article by ${subject.author} at ${subject.sourceDomain}`,
  );
  return wide.length ? [...new Set(wide)] : ["every article by the author or source of the listed URLs (none matched)"];
}

/**
 * The whole scope in one line, naming every rule the future part leaves:
 * "every article from x.example, now and in the future", "2 listed URLs, and
 * future articles by Maya Lindqvist at x.example".
 */
export function scopeLine(notice: Notice): string {
  const now = scopeNow(notice).join("; ");
  const future = futureRules(notice);
  if (!notice.future) return `${now}; not future articles`;
  if (!future.length)
    return `${now}; future articles too, but no listed URL matched an article, so no rule can be named`;
  return notice.scope === "source" ? `${now}, now and in the future` : `${now}, and ${future.join("; ")}`;
}

/** What the notice asks for, short enough for a subject line. */
export function asks(notice: Notice): string {
  return notice.future ? scopeLine(notice) : scopeNow(notice).join("; ");
}

/** What a listed URL stands for now, following the notice's state and the article's. */
export type UrlState =
  | "not_found"
  | "repeat"
  | "awaiting_confirmation"
  | "awaiting_decision"
  | "hidden_by_this"
  | "hidden_by_other"
  | "being_hidden"
  | "kept"
  | "restored";

export type UrlRow = { url: string; articleId?: string; article?: Article.Article; state: UrlState; others: string[] };

/**
 * One row per listed URL. Pure over the notice and its articles as read now,
 * so whatever decides an article's hidden state (notices, rules at read time)
 * can feed it.
 */
export function urlRows(notice: Notice, articles: Map<string, Article.Article>): UrlRow[] {
  const seen = new Set<string>();
  return notice.urls.map(({ url, articleId }): UrlRow => {
    const article = articleId ? articles.get(articleId) : undefined;
    if (!articleId || !article) return { url, state: "not_found", others: [] };
    const base = { url, articleId, article };
    if (seen.has(articleId)) return { ...base, state: "repeat", others: [] };
    seen.add(articleId);
    const others = article.hiddenBy.filter((id) => id !== notice.id);
    if (article.hiddenBy.includes(notice.id)) return { ...base, state: "hidden_by_this", others };
    if (others.length) return { ...base, state: "hidden_by_other", others };
    return { ...base, state: waitingState(notice, url), others };
  });
}

/** The state of a listed article this notice does not hide (yet). */
function waitingState(notice: Notice, url: string): UrlState {
  if (notice.status === "awaiting_confirmation") return "awaiting_confirmation";
  if (notice.status === "pending_review" || notice.status === "awaiting_information") return "awaiting_decision";
  const decided = decidedFor(notice, url);
  return decided === "hidden" ? "being_hidden" : decided === "restored" ? "restored" : "kept";
}

/** A row's state in words, starting lower-case; pages capitalise it. */
export function stateText(row: Pick<UrlRow, "state" | "others">): string {
  switch (row.state) {
    case "not_found":
      return "not found on our site";
    case "repeat":
      return "the same article as the URL above";
    case "awaiting_confirmation":
      return "found; reviewed once you confirm your address";
    case "awaiting_decision":
      return "found; awaiting decision";
    case "hidden_by_this":
      return row.others.length
        ? `hidden by this notice, and under notice ${row.others.join(", ")}`
        : "hidden by this notice";
    case "hidden_by_other":
      return `already hidden under notice ${row.others.join(", ")}`;
    case "being_hidden":
      return "being hidden";
    case "kept":
      return "kept: still shown";
    case "restored":
      return "restored: shown again";
  }
}

export const capitalised = (value: string) => value.charAt(0).toUpperCase() + value.slice(1);

/** Distinct articles per state (a URL listed twice counts once). */
export function tally(rows: UrlRow[]): Record<UrlState, number> {
  const counts = Object.fromEntries(
    (
      [
        "not_found",
        "repeat",
        "awaiting_confirmation",
        "awaiting_decision",
        "hidden_by_this",
        "hidden_by_other",
        "being_hidden",
        "kept",
        "restored",
      ] as const
    ).map((state) => [state, 0]),
  ) as Record<UrlState, number>;
  for (const row of rows) counts[row.state]++;
  return counts;
}

/** What a decision did, in distinct articles, told from the articles as they are now; mails and pages say it alike. */
export function decisionOutcome(notice: Notice, rows: UrlRow[]): string {
  const be = (count: number) => (count === 1 ? "is" : "are");
  const shared = rows.filter(
    (r) => r.state === "hidden_by_other" || (r.state === "hidden_by_this" && r.others.length > 0),
  );
  const others = [...new Set(shared.flatMap((r) => r.others))];
  const alsoHidden = shared.length
    ? ` ${plural(shared.length, "listed article")} ${be(shared.length)} hidden under notice ${others.join(", ")}${notice.decision?.action === "approved" ? " as well" : ""}.`
    : "";
  if (notice.decision?.action === "rejected") {
    const kept = rows.filter((r) => r.state === "kept").length;
    return `This decision removed nothing.${kept ? ` ${plural(kept, "listed article")} stay${kept === 1 ? "s" : ""} up.` : ""}${alsoHidden}`;
  }
  const alone = rows.filter(
    (r) => r.state === "being_hidden" || (r.state === "hidden_by_this" && !r.others.length),
  ).length;
  const wide = notice.events.reduce((sum, e) => sum + (e.type === "articles_hidden" ? e.count : 0), 0);
  const now =
    notice.scope !== "urls"
      ? `It covers ${scopeNow(notice).join("; ")}: ${plural(wide, "article")} ${be(wide)} no longer shown because of it.`
      : alone + shared.length === 0
        ? "No listed URL matched an article on our site, so nothing was hidden."
        : `${plural(alone, "article")} ${be(alone)} no longer shown because of it.${alsoHidden}`;
  const future = futureRules(notice);
  return `${now}${future.length ? ` From now on, ${future.join(" and ")} are blocked when they arrive.` : ""}`;
}

/** The sources a notice touches, each with whether the sender's address is at its domain. */
type SourceCheck = { sourceDomain: string; matches: boolean };

function sourceChecks(notice: Notice): SourceCheck[] {
  return [...new Set(notice.subjects.map((s) => s.sourceDomain))].map((sourceDomain) => ({
    sourceDomain,
    matches: writesFromSource(notice, sourceDomain),
  }));
}

/** For operators: who filed a keyed notice, and that nobody confirmed its requester's address. */
export function keyLine(notice: Notice): string | undefined {
  const key = notice.filedWith;
  if (!key) return undefined;
  return `Filed with API key "${key.name}" (${key.id})${key.owner ? `, issued to ${key.owner}` : ""}: the requester's address was typed by the key holder and never confirmed by email.`;
}

/** One line per source for operators: a match, or a warning meant to stop them. */
export function checkLines(notice: Notice): { text: string; warning: boolean }[] {
  const checks = sourceChecks(notice);
  if (!checks.length) {
    return [
      {
        text: "Email domain: no listed URL matched an article, so there is no source to compare with.",
        warning: false,
      },
    ];
  }
  const key = notice.filedWith;
  return checks.map(({ sourceDomain, matches }) =>
    !matches
      ? { text: `WARNING: the sender's email domain does NOT match ${sourceDomain}.`, warning: true }
      : key
        ? {
            text: `WARNING: Email domain matches ${sourceDomain}, but the address was never confirmed: the holder of API key "${key.name}"${key.owner ? ` (owned by ${key.owner})` : ""} typed it.`,
            warning: true,
          }
        : { text: `Email domain matches ${sourceDomain}.`, warning: false },
  );
}

/** How many articles each author or source rule would cover now, by rule id; empty for `urls` notices. */
export async function scopeCounts(notice: Notice): Promise<Map<string, number>> {
  if (notice.scope === "urls") return new Map();
  const scopes = [
    ...new Map(
      notice.subjects.map((s) => {
        const authorKey = notice.scope === "author" ? s.authorKey : undefined;
        return [Suppression.ruleId(s.sourceDomain, authorKey), { sourceDomain: s.sourceDomain, authorKey }] as const;
      }),
    ),
  ];
  const counts = await Promise.all(scopes.map(([, s]) => Article.countInScope(s.sourceDomain, s.authorKey)));
  return new Map(scopes.map(([id], i) => [id, counts[i]!]));
}

/**
 * What approving would do, per source: the articles hidden now and the rules
 * left for the future. For `urls` notices the listed articles not hidden yet;
 * for author- and source-wide ones every article in scope (`scopeCounts`).
 */
export function approvalPlan(notice: Notice, rows: UrlRow[], counts: Map<string, number>): string[] {
  const rules = lasting(notice);
  const lines = sourceChecks(notice).map(({ sourceDomain }) => {
    const now =
      notice.scope === "urls"
        ? rows.filter(
            (r) => r.article?.sourceDomain === sourceDomain && r.state !== "repeat" && r.state !== "hidden_by_other",
          ).length
        : [...counts]
            .filter(([id]) => id === `source:${sourceDomain}` || id.startsWith(`author:${sourceDomain}/`))
            .reduce((sum, [, n]) => sum + n, 0);
    const future = rules
      .filter((rule) => rule.sourceDomain === sourceDomain)
      .map((rule) => `future ${describeRule(rule, notice.subjects)}`);
    return `${sourceDomain}: hides ${plural(now, "article")} now; ${future.length ? `blocks ${future.join(" and ")}` : "blocks nothing in the future"}.`;
  });
  const elsewhere = rows.filter((r) => r.state === "hidden_by_other").length;
  const missing = rows.filter((r) => r.state === "not_found").length;
  return [
    ...lines,
    ...(elsewhere
      ? [
          `${plural(elsewhere, "listed article")} ${elsewhere === 1 ? "is" : "are"} already hidden under another notice.`,
        ]
      : []),
    ...(missing
      ? [
          `${plural(missing, "listed URL")} matched no article of ours: approving hides nothing for ${missing === 1 ? "it" : "them"}.`,
        ]
      : []),
  ];
}

/**
 * Who the notice's mail goes to. A keyed notice's requester address was typed
 * by the key holder and never confirmed: its mail goes to the key's owner,
 * and to that address only when it is at the owner's own domain.
 */
export function mailTo(notice: Notice): string[] {
  const owner = notice.filedWith?.owner;
  if (!owner) return [notice.requester.email];
  const domain = (address: string) => address.split("@")[1]?.toLowerCase();
  return domain(notice.requester.email) === domain(owner) && notice.requester.email !== owner
    ? [owner, notice.requester.email]
    : [owner];
}
