/**
 * Reading one feed: fetching it politely and safely, and turning RSS 2.0,
 * RSS 1.0 (RDF) or Atom 1.0 into items ready for `Article.ingest`.
 *
 * Parsing is @rowanmanning/feed-parser's (docs/feeds.md says why); what it
 * gives is then checked here: a link must be http(s), a title plain text.
 */
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { parseFeed } from "@rowanmanning/feed-parser";
import * as Address from "./address";
import * as Sanitize from "./sanitize";

export type Mode = "full" | "excerpt";

export type Item = {
  guid?: string;
  url: string;
  title: string;
  author?: string;
  /** ISO 8601; absent when the feed gives no date (the poller then uses the time it first saw it). */
  publishedAt?: string;
  /** The item's HTML, sanitised, its links resolved against the item's own. */
  html: Sanitize.Html;
  /** Plain text of the same, for the API's `body`. */
  text: string;
};

export type Parsed = {
  items: Item[];
  /** Items left out, and why (a `javascript:` link, no link at all). */
  refused: { title: string; reason: string }[];
  /** The feed's own `<ttl>`, in seconds, where it has one (RSS 2.0). */
  ttlSeconds?: number;
};

export class FeedError extends Error {
  override name = "FeedError";
  constructor(
    /** Short and stable, for the feed's status: `timeout`, `too_large`, `http_404`, `private_address`, `malformed`… */
    readonly code: string,
    message: string,
    /** What the feed's `Retry-After` asked for (429, 503), in seconds. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** `Retry-After` as seconds from now: a number of seconds or an HTTP date. */
function retryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

const EXCERPT_CHARS = 600;

function httpUrl(value: string | null | undefined, base: string): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value.trim(), base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function excerpt(text: string): string {
  if (text.length <= EXCERPT_CHARS) return text;
  return `${text.slice(0, EXCERPT_CHARS).replace(/\s+\S*$/, "")}…`;
}

/** Parses a feed; throws FeedError("malformed") when nothing can be read from it. */
export function parse(xml: string, feedUrl: string, mode: Mode): Parsed {
  let feed: ReturnType<typeof parseFeed>;
  try {
    feed = parseFeed(xml);
  } catch {
    throw new FeedError("malformed", "The feed is not RSS or Atom that can be read.");
  }
  const items: Item[] = [];
  const refused: Parsed["refused"] = [];
  for (const item of feed.items) {
    const title = Sanitize.text(item.title ?? "").slice(0, 500);
    const url = httpUrl(item.url, feedUrl) ?? httpUrl(item.id, feedUrl);
    if (!url) {
      refused.push({ title, reason: item.url ? "link is not http(s)" : "no link" });
      continue;
    }
    const full = item.content ?? item.description ?? "";
    const html = mode === "full" ? full : (item.description ?? "");
    const text = mode === "full" ? Sanitize.text(full) : excerpt(Sanitize.text(html || full));
    const author = item.authors.map((a) => Sanitize.text(a.name ?? "")).find(Boolean);
    const date = item.published ?? item.updated;
    items.push({
      guid: item.id?.trim() || undefined,
      url,
      title: title || excerpt(text).slice(0, 120) || url,
      author: author?.slice(0, 200),
      publishedAt: date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined,
      // Relative links in content resolve against xml:base where the feed sets one, else the item's link.
      html: Sanitize.html(mode === "full" ? html : `<p>${escapeText(text)}</p>`, item.element.baseUrl ?? url),
      text: text.slice(0, 200_000),
    });
  }
  const ttl = xml.match(/<ttl>\s*(\d{1,6})\s*<\/ttl>/i);
  return { items, refused, ttlSeconds: ttl ? Number(ttl[1]) * 60 : undefined };
}

function escapeText(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

export type Validators = { etag?: string; lastModified?: string };

export type Fetched =
  | { status: "not-modified"; maxAgeSeconds?: number }
  | { status: "ok"; body: string; url: string; etag?: string; lastModified?: string; maxAgeSeconds?: number };

export type FetchOptions = {
  /** Loopback addresses allowed (the local stack's sample feeds); never on AWS. */
  allowLoopback: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  resolve?: Address.Resolve;
};

const MAX_REDIRECTS = 5;
export const TIMEOUT_MS = 10_000;
export const MAX_BYTES = 5 * 1024 * 1024;

function maxAge(cacheControl: string | undefined): number | undefined {
  const match = cacheControl?.match(/(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/i);
  return match ? Number(match[1]) : undefined;
}

/** The body's text, in the charset the response or the XML declaration names (UTF-8 otherwise). */
function decode(bytes: Buffer, contentType: string | undefined): string {
  const declared =
    contentType?.match(/charset\s*=\s*"?([\w.:-]+)/i)?.[1] ??
    bytes
      .subarray(0, 200)
      .toString("latin1")
      .match(/<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)/i)?.[1];
  try {
    return new TextDecoder(declared ?? "utf-8").decode(bytes);
  } catch {
    return new TextDecoder("utf-8").decode(bytes);
  }
}

const isLoopback = (address: string) => /^127\.|^::1$|^::ffff:127\./i.test(address);

/**
 * The addresses a hop may connect to: all public (the webhooks' rule,
 * address.ts), or loopback where the local stack allows it; a private one
 * among them refuses the hop.
 */
async function admitted(
  url: URL,
  { allowLoopback, resolve = Address.systemResolve }: FetchOptions,
  signal: AbortSignal,
) {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  let addresses: Awaited<ReturnType<typeof resolve>>;
  try {
    // The timeout covers a resolver that never answers, too.
    addresses = await Promise.race([
      resolve(host),
      new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true })),
    ]);
  } catch {
    if (signal.aborted) throw new FeedError("timeout", "The feed did not answer in time.");
    throw new FeedError("dns_failed", `${host} could not be resolved.`);
  }
  const allowed = (address: string) => Address.isPublic(address) || (allowLoopback && isLoopback(address));
  if (!addresses.length || !addresses.every(({ address }) => allowed(address))) {
    throw new FeedError("private_address", `${host} is a private, loopback or reserved address.`);
  }
  return Address.pinnedLookup(addresses);
}

/**
 * One GET, every hop (redirects included) checked: http(s) only, and only to
 * addresses `admitted`, with the connection pinned to the addresses checked so
 * that DNS cannot answer differently in between. The timeout covers the
 * whole exchange and the body stops at `maxBytes`, however it is sent.
 */
export async function fetchFeed(feedUrl: string, validators: Validators, options: FetchOptions): Promise<Fetched> {
  const { timeoutMs = TIMEOUT_MS, maxBytes = MAX_BYTES } = options;
  const signal = AbortSignal.timeout(timeoutMs);
  let url = new URL(feedUrl);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new FeedError("bad_scheme", `Only http(s) feeds are read, not ${url.protocol}`);
    }
    const lookup = await admitted(url, options, signal);
    const answer = await get(url, validators, { lookup, signal, maxBytes });
    if (answer.location) {
      url = new URL(answer.location, url);
      continue;
    }
    return answer.fetched;
  }
  throw new FeedError("too_many_redirects", `More than ${MAX_REDIRECTS} redirects.`);
}

type Answer = { location?: string; fetched: Fetched };

function get(
  url: URL,
  validators: Validators,
  { lookup, signal, maxBytes }: { lookup: LookupFunction; signal: AbortSignal; maxBytes: number },
): Promise<Answer> {
  const client = url.protocol === "https:" ? https : http;
  const headers: Record<string, string> = {
    "user-agent": "TakedownDesk-Feeds/1 (+syndication; polite polling)",
    accept:
      "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1",
    "accept-encoding": "identity",
    ...(validators.etag ? { "if-none-match": validators.etag } : {}),
    ...(validators.lastModified ? { "if-modified-since": validators.lastModified } : {}),
  };
  return new Promise<Answer>((resolve, reject) => {
    const fail = (error: unknown) => {
      const { name, code } = (error ?? {}) as NodeJS.ErrnoException;
      if (error instanceof FeedError) reject(error);
      else if (name === "AbortError" || name === "TimeoutError" || signal.aborted)
        reject(new FeedError("timeout", "The feed did not answer in time."));
      else reject(new FeedError(code ?? "fetch_failed", `The feed could not be read (${code ?? name}).`));
    };
    const request = client.get(url, { headers, lookup, signal }, (response) => {
      const status = response.statusCode ?? 0;
      const age = maxAge(response.headers["cache-control"]);
      if (status >= 300 && status < 400 && status !== 304 && response.headers.location) {
        response.resume();
        return resolve({ location: response.headers.location, fetched: { status: "not-modified" } });
      }
      if (status === 304) {
        response.resume();
        return resolve({ fetched: { status: "not-modified", maxAgeSeconds: age } });
      }
      if (status !== 200) {
        response.resume();
        return fail(
          new FeedError(
            `http_${status}`,
            `The feed answered HTTP ${status}.`,
            retryAfter(response.headers["retry-after"]),
          ),
        );
      }
      const declared = Number(response.headers["content-length"]);
      if (declared > maxBytes) {
        request.destroy();
        return fail(new FeedError("too_large", `The feed says it is ${declared} bytes; at most ${maxBytes} are read.`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          request.destroy();
          return fail(new FeedError("too_large", `The feed is larger than ${maxBytes} bytes.`));
        }
        chunks.push(chunk);
      });
      response.on("error", fail);
      response.on("end", () => {
        if (size > maxBytes) return;
        resolve({
          fetched: {
            status: "ok",
            url: url.href,
            body: decode(Buffer.concat(chunks), response.headers["content-type"]),
            etag: response.headers.etag,
            lastModified: response.headers["last-modified"],
            maxAgeSeconds: age,
          },
        });
      });
    });
    request.on("error", fail);
  });
}
