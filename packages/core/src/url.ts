/**
 * One article, one key: the same page reached with or without `www.`, over
 * http or https, with a trailing slash, a fragment or a newsletter's tracking
 * parameters must resolve to the same article.
 */
const TRACKING_PARAMS = new Set([
  "fbclid",
  "gclid",
  "dclid",
  "gbraid",
  "wbraid",
  "msclkid",
  "yclid",
  "twclid",
  "ttclid",
  "igshid",
  "mc_cid",
  "mc_eid",
  "_ga",
  "_gl",
  "mkt_tok",
  "ref_src",
  "ref_url",
  "s_cid",
]);

function isTracking(param: string): boolean {
  const name = param.toLowerCase();
  return name.startsWith("utm_") || TRACKING_PARAMS.has(name);
}

/** Parses what a person would paste, scheme optional. */
export function parse(input: string): URL | undefined {
  const trimmed = input.trim();
  if (!trimmed || /\s/.test(trimmed)) return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    if (!url.hostname.includes(".") && url.hostname !== "localhost") return undefined;
    return url;
  } catch {
    return undefined;
  }
}

/** `host/path?sorted-query`, without scheme, `www.`, fragment or tracking. */
export function normalize(input: string): string | undefined {
  const url = parse(input);
  if (!url) return undefined;
  // Every leading `www.` goes, but never the last label before the domain:
  // the result must parse again to itself.
  const host = url.hostname
    .toLowerCase()
    .replace(/\.$/, "")
    .replace(/^(?:www\.)+(?=[^.]+\.)/, "");
  // The scheme is dropped, so 80 and 443 are both defaults: kept, either one
  // would be read against https and vanish when normalised again.
  const port = url.port && url.port !== "80" && url.port !== "443" ? `:${url.port}` : "";
  const path = url.pathname.replace(/\/+$/, "");
  const params = [...url.searchParams].filter(([name]) => !isTracking(name));
  params.sort(([a, x], [b, y]) => (a === b ? x.localeCompare(y) : a.localeCompare(b)));
  const query = params.length ? `?${new URLSearchParams(params)}` : "";
  return `${host}${port}${path}${query}`;
}

/** The bare domain a source publishes from, for grouping and rules. */
export function domain(input: string): string | undefined {
  const normalized = normalize(input);
  return normalized?.split(/[/:?]/)[0];
}
