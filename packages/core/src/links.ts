/**
 * Every URL the system mails or prints, built from PUBLIC_URL. The web app's
 * routes serve these paths.
 */
import { config } from "./config";
import * as Token from "./token";

const base = () => config().publicUrl;

export const article = (id: string) => `${base()}/articles/${id}`;
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
