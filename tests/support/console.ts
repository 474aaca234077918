/**
 * Driving the operators' console as a browser would: ask for a link, read it
 * from the local SES mailbox, press its button, and carry the session cookie.
 */
import { Dispatch, Paths, Session } from "@takedown/core";
import { app } from "@takedown/web";
import { ORIGIN } from "./desk";
import { inbox, linkIn, type Mail } from "./mailbox";

export const SIGN_IN_SUBJECT = /sign-in link/;

/** A client address of its own for each caller unless given: per-address limits are tested on their own. */
export const fromIp = (ip = `10.${rnd()}.${rnd()}.${rnd()}`) => ({ incoming: { socket: { remoteAddress: ip } } });
const rnd = () => Math.floor(Math.random() * 256);

/** `fields` as pairs when a name repeats (ticked boxes). */
export type Fields = Record<string, string> | [string, string][];

export function form(path: string, fields: Fields, headers: Record<string, string> = {}, env = fromIp()) {
  return app.request(
    path,
    {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(fields).toString(),
    },
    env,
  );
}

/** The sign-in mails `to` has received, oldest first. */
export async function signInMails(to: string): Promise<Mail[]> {
  return (await inbox(to)).filter((mail) => SIGN_IN_SUBJECT.test(mail.subject)).sort((a, b) => a.at - b.at);
}

/**
 * The newest link in these mails that this file's table knows and that still
 * works: test files run at once and share the mailbox, so the newest mail to
 * an operator may carry another file's link.
 */
export async function ownLink(mails: Mail[]): Promise<string | undefined> {
  for (const mail of [...mails].reverse()) {
    const link = linkIn(mail, "sign-in");
    const opened = await Session.openLink(new URL(link).searchParams.get("token")!).then(
      () => true,
      () => false,
    );
    if (opened) return link;
  }
  return undefined;
}

/** The sign-in link this test asked for, once a running server's dispatcher has mailed it (see `ownLink`). */
export async function awaitSignInLink(to: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const link = await ownLink(await signInMails(to));
    if (link) return link;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`No sign-in link reached ${to}`);
}

/** Asks for a link, runs the dispatcher once, and returns the link mailed to `email`. */
export async function mailedLink(email: string, headers: Record<string, string> = {}): Promise<string> {
  const asked = await form(Paths.routes.signIn, { email }, headers);
  if (asked.status !== 200) throw new Error(`Asking for a link answered ${asked.status}`);
  await Dispatch.sweep();
  const link = await ownLink(await signInMails(email));
  if (!link) throw new Error(`No sign-in link reached ${email}`);
  return link;
}

/** The cookie a response set, as the next request's Cookie header. */
export function cookieFrom(response: Response): string {
  const set = response.headers.get("set-cookie") ?? "";
  const pair = set.split(";")[0]!;
  if (!pair.includes("=")) throw new Error("No cookie was set");
  return pair;
}

/** Signs `email` in from the mailbox; returns the Cookie header to send. */
export async function signedIn(email: string, headers: Record<string, string> = {}): Promise<string> {
  const link = new URL(await mailedLink(email, headers));
  const pressed = await form(Paths.routes.signInLink, { token: link.searchParams.get("token")! });
  if (pressed.status !== 303) throw new Error(`Signing in answered ${pressed.status}`);
  return cookieFrom(pressed);
}

/** A console page, as the signed-in browser requests it. */
export const page = (path: string, cookie: string) => app.request(path, { headers: { cookie } });
export const post = (path: string, cookie: string, fields: Fields) => form(path, fields, { cookie });
