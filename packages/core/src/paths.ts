/**
 * The site's paths, each spelled once: the patterns the web app registers
 * its pages under (Hono's syntax, `:name` and `:name{a|b}`), and the paths
 * core builds from them for links, mail and the CDN. Moving a page is a
 * change here; the route and every link to it follow.
 */

export const routes = {
  home: "/",
  feed: "/feed.xml",
  sitemap: "/sitemap.xml",
  source: "/sources/:domain",
  article: "/articles/:id",
  publicNotice: "/notices/:id",
  form: "/takedown",
  status: "/takedowns/:id",
  /** Every page under a notice's own path, for the middleware they share. */
  notices: "/takedowns/*",
  /** The confirmation page a mailed link opens; only its button acts. */
  act: "/takedowns/:id/:action{confirm|approve|reject}",
  confirm: "/takedowns/:id/confirm",
  decide: "/takedowns/:id/:action{approve|reject}",
  resend: "/takedowns/:id/resend",
  /** The requester's appeal (DSA Art. 20); the path keeps the name of the objection it replaced, so old links work. */
  contest: "/takedowns/:id/contest",
  withdraw: "/takedowns/:id/withdraw",
  answer: "/takedowns/:id/answer",
  /** The counter-notice form (`?article=`), linked from every 451 page. */
  counterNotice: "/counter-notice",
  /** Every page under a counter-notice's own path, for the middleware they share. */
  counterNotices: "/counter-notices/*",
  counterNoticeConfirm: "/counter-notices/:id/confirm",
  /** The notice's requester reports a court action, with the notice's status token. */
  courtAction: "/counter-notices/court-action/:notice",
  /** The operators' console: its queue, and every page under it (the pattern matches `/console` too), which all need a session. */
  console: "/console",
  consolePages: "/console/*",
  signIn: "/console/sign-in",
  /** The page a mailed sign-in link opens; only its button signs in. */
  signInLink: "/console/sign-in/link",
  signOut: "/console/sign-out",
  search: "/console/search",
  case: "/console/notices/:id",
  caseAction: "/console/notices/:id/:action{decide|reverse|restore|request-info|confirm-rule|note|assign}",
  grounds: "/console/grounds",
} as const;

type Params<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? { [K in Bare<Name>]: string } & Params<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? { [K in Bare<Name>]: string }
    : Record<never, never>;
type Bare<Name extends string> = Name extends `${infer Base}{${string}` ? Base : Name;

const PARAM = /:(\w+)(?:\{([^}]*)\})?/g;

/** The path a route pattern names for these values, each encoded as one segment. */
export function fill<P extends string>(pattern: P, params: Params<P>): string {
  const values: Record<string, string> = params;
  return pattern.replace(PARAM, (_, name: string) => encodeURIComponent(values[name]!));
}

/** The values a path gives a route pattern's parameters, or `undefined` when the pattern does not match it. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const literal = (text: string) => text.replace(/[.*+?^$()[\]\\|{}]/g, "\\$&");
  const names: string[] = [];
  let regex = "";
  let last = 0;
  for (const param of pattern.matchAll(PARAM)) {
    names.push(param[1]!);
    // `:action{approve|reject}` admits only those values, as the route does.
    regex += literal(pattern.slice(last, param.index)) + (param[2] ? `(${param[2]})` : "([^/]+)");
    last = param.index + param[0].length;
  }
  regex += literal(pattern.slice(last));
  const found = new RegExp(`^${regex}$`).exec(path);
  if (!found) return undefined;
  return Object.fromEntries(names.map((name, i) => [name, decoded(found[i + 1]!)]));
}

/** A segment as typed when it is not valid percent-encoding: a path from outside must not throw. */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export const article = (id: string) => fill(routes.article, { id });
export const source = (domain: string) => fill(routes.source, { domain });
export const publicNotice = (id: string) => fill(routes.publicNotice, { id });
export const status = (id: string) => fill(routes.status, { id });
export const act = (id: string, action: "confirm" | "approve" | "reject") => fill(routes.act, { id, action });
export const resend = (id: string) => fill(routes.resend, { id });
export const contest = (id: string) => fill(routes.contest, { id });
export const withdraw = (id: string) => fill(routes.withdraw, { id });
export const answer = (id: string) => fill(routes.answer, { id });
export const counterNoticeConfirm = (id: string) => fill(routes.counterNoticeConfirm, { id });
export const courtAction = (notice: string) => fill(routes.courtAction, { notice });
export const caseOf = (id: string) => fill(routes.case, { id });
export const caseAction = (
  id: string,
  action: "decide" | "reverse" | "restore" | "request-info" | "confirm-rule" | "note" | "assign",
) => fill(routes.caseAction, { id, action });

/** The paths of the pages that show articles: what a CDN must forget when one is hidden or restored. */
export const pages = {
  article,
  /** Every article page: a source or author rule covers articles we do not list one by one. */
  allArticles: `${article("")}*`,
  /** A source's page, every page of it. */
  source: (domain: string) => `${source(domain)}*`,
  /** The pages that list recent articles from every source. */
  listings: [routes.home, routes.feed, routes.sitemap],
};
