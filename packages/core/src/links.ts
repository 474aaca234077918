/**
 * Every URL the system mails or prints: PUBLIC_URL and a path from paths.ts,
 * where the web app's routes take theirs.
 */
import { config } from "./config";
import * as Paths from "./paths";
import * as Token from "./token";

const base = () => config().publicUrl;

export const pages = Paths.pages;

export const article = (id: string) => `${base()}${Paths.article(id)}`;
export const form = (prefill?: string) =>
  `${base()}${Paths.routes.form}${prefill ? `?url=${encodeURIComponent(prefill)}` : ""}`;
export const publicNotice = (id: string) => `${base()}${Paths.publicNotice(id)}`;
/** The counter-notice form for one withheld article, on its 451 page. */
export const counterNoticeForm = (articleId: string) =>
  `${base()}${Paths.routes.counterNotice}?article=${encodeURIComponent(articleId)}`;

export function status(notice: string): string {
  const token = Token.sign({ notice, action: "status", actor: "requester" });
  return `${base()}${Paths.status(notice)}?token=${token}`;
}

/** A link that opens a confirmation page; only its button acts. */
export function act(notice: string, action: "confirm" | "approve" | "reject", actor: string, now = Date.now()): string {
  const token = Token.sign({ notice, action, actor, expires: now + Token.LIFETIME_MS });
  return `${base()}${Paths.act(notice, action)}?token=${token}`;
}
