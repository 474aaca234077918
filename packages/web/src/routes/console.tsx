/**
 * The operators' console: sign-in by a mailed one-time link, then the queue
 * and the case pages. Every page needs a session (`requireSession`), and every
 * POST comes from our own pages (`sameOrigin`; the cookie is also
 * SameSite=Lax). Plain forms: no script runs on these pages.
 */
import { config, DomainError, Paths, Session } from "@takedown/core";
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { clientIp } from "../client-ip";
import { HttpError } from "../errors";
import { limitBody, noStore, sameOrigin } from "../middleware";
import { SignInLinkPage, SignInPage } from "../views/console/sign-in";

export type ConsoleEnv = { Variables: { session: Session.Session } };

/**
 * Plain http only on a local run; there the browser would drop a Secure
 * cookie. A `__Host-` name makes the browser refuse the cookie from any
 * subdomain or without Secure.
 */
function cookieName(): { name: string; secure: boolean } {
  const secure = new URL(config().publicUrl).protocol === "https:";
  return { name: secure ? "__Host-console" : "console", secure };
}

const OPEN = new Set<string>([Paths.routes.signIn, Paths.routes.signInLink]);

/**
 * A session, or no console: a page is sent to the sign-in form, anything
 * else is refused. Read once per request, and only here.
 */
const requireSession = createMiddleware<ConsoleEnv>(async (c, next) => {
  if (OPEN.has(c.req.path)) return next();
  const session = await Session.current(getCookie(c, cookieName().name));
  if (!session) {
    if (c.req.method === "GET" || c.req.method === "HEAD") return c.redirect(Paths.routes.signIn, 303);
    throw new HttpError(401, "unauthorized", "Sign in to the console first.");
  }
  c.set("session", session);
  await next();
});

async function field(c: Context, name: string): Promise<string> {
  const value = (await c.req.parseBody())[name];
  return typeof value === "string" ? value : "";
}

export const console_ = new Hono<ConsoleEnv>()
  .use(Paths.routes.console, limitBody, sameOrigin, noStore, requireSession)
  .use(Paths.routes.consolePages, limitBody, sameOrigin, noStore, requireSession)
  .get(Paths.routes.signIn, (c) => c.html(<SignInPage />))
  .post(Paths.routes.signIn, async (c) => {
    const email = await field(c, "email");
    try {
      await Session.requestLink({ email }, clientIp(c));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error.code === "validation_failed") {
        return c.html(<SignInPage email={email} error={error.details.issues?.[0]?.message} />, 422);
      }
      if (error.code !== "rate_limited") throw error;
      c.header("Retry-After", String(error.details.retryAfter));
      return c.html(<SignInPage email={email} formError={error.message} />, 429);
    }
    return c.html(<SignInPage email={email} sent />);
  })
  .get(Paths.routes.signInLink, async (c) => {
    const token = c.req.query("token") ?? "";
    await Session.openLink(token);
    return c.html(<SignInLinkPage token={token} />);
  })
  .post(Paths.routes.signInLink, async (c) => {
    const { cookie } = await Session.signIn(await field(c, "token"));
    const { name, secure } = cookieName();
    setCookie(c, name, cookie, {
      path: "/",
      httpOnly: true,
      secure,
      sameSite: "Lax",
      maxAge: Session.SESSION_LIFETIME_MS / 1000,
    });
    return c.redirect(Paths.routes.console, 303);
  })
  .post(Paths.routes.signOut, async (c) => {
    await Session.signOut(c.get("session"));
    const { name, secure } = cookieName();
    deleteCookie(c, name, { path: "/", secure });
    return c.redirect(Paths.routes.signIn, 303);
  });
