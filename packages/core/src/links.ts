/**
 * Every URL the system mails or prints, built from PUBLIC_URL. The web app's
 * routes serve these paths.
 */
import { config } from "./config";
import * as Token from "./token";

const base = () => config().publicUrl;

/** The paths of the pages that show articles: what a CDN must forget when one is hidden or restored. */
export const pages = {
  article: (id: string) => `/articles/${id}`,
  /** Every article page: a source or author rule covers articles we do not list one by one. */
  allArticles: "/articles/*",
  /** A source's page, every page of it. */
  source: (domain: string) => `/sources/${domain}*`,
  /** The pages that list recent articles from every source. */
  listings: ["/", "/feed.xml", "/sitemap.xml"],
};

export const article = (id: string) => `${base()}${pages.article(id)}`;
export const form = (prefill?: string) =>
  `${base()}/takedown${prefill ? `?url=${encodeURIComponent(prefill)}` : ""}`;
export const publicNotice = (id: string) => `${base()}/notices/${id}`;

export function status(notice: string): string {
  const token = Token.sign({ notice, action: "status", actor: "requester" });
  return `${base()}/takedowns/${notice}?token=${token}`;
}

/** A link that opens a confirmation page; only its button acts. */
export function act(
  notice: string,
  action: "confirm" | "approve" | "reject",
  actor: string,
  now = Date.now(),
): string {
  const token = Token.sign({ notice, action, actor, expires: now + Token.LIFETIME_MS });
  return `${base()}/takedowns/${notice}/${action}?token=${token}`;
}
