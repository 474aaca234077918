/**
 * The operators' console: sign-in by a mailed one-time link, then the queue
 * and the case pages. Every page needs a session (`requireSession`), and every
 * POST comes from our own pages (`sameOrigin`; the cookie is also
 * SameSite=Lax). Plain forms: no script runs on these pages.
 */
import { slug } from "@takedown/core/text";
import * as ApiKey from "@takedown/core/api-key";
import * as Article from "@takedown/core/article";
import * as CounterNotice from "@takedown/core/counter-notice";
import * as Grounds from "@takedown/core/grounds";
import * as Moderation from "@takedown/core/moderation";
import * as Notice from "@takedown/core/notice";
import * as Paths from "@takedown/core/paths";
import * as Present from "@takedown/core/present";
import * as Queue from "@takedown/core/queue";
import * as Session from "@takedown/core/session";
import { config } from "@takedown/core/config";
import { DomainError, type FieldIssue } from "@takedown/core/errors";
import { parse } from "@takedown/core/validation";
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { clientIp } from "../client-ip";
import { HttpError } from "../errors";
import * as z from "zod/mini";
import { limitBody, noStore, sameOrigin } from "../middleware";
import { CasePage, type CaseErrors } from "../views/console/case";
import { GroundsPage } from "../views/console/grounds";
import { QueuePage, SearchPage } from "../views/console/queue";
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

/** A form's fields: text as typed, repeated fields (ticked boxes) as lists. */
async function formOf(c: Context): Promise<{ text: (name: string) => string; list: (name: string) => string[] }> {
  const body = await c.req.parseBody({ all: true });
  const all = (name: string) => [body[name] ?? []].flat().filter((value): value is string => typeof value === "string");
  return { text: (name) => all(name)[0] ?? "", list: all };
}

const issuesOf = (error: unknown): FieldIssue[] | undefined =>
  error instanceof DomainError && error.code === "validation_failed" ? (error.details.issues ?? []) : undefined;

const byField = (issues: FieldIssue[]) =>
  Object.fromEntries(issues.map(({ path, message }) => [path || "form", message]));

const ACTIONS = ["decide", "reverse", "restore", "request-info", "confirm-rule", "note", "assign"] as const;
type Action = (typeof ACTIONS)[number];

const DONE: Record<Action, string> = {
  decide: "The decision is recorded; the requester is being mailed.",
  reverse: "The approval is reversed; the articles come back unless another notice still covers them.",
  restore: "The articles are being restored; both sides are mailed.",
  "request-info": "The question is on its way to the requester; the review clock stops until they answer.",
  "confirm-rule": "The rule is confirmed.",
  note: "The note is added.",
  assign: "The assignment is saved.",
};

const choice = <T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z.enum(values, { error: message });
const Ground = z.optional(z.string().check(z.maxLength(100)));
const FreeText = z.string().check(z.trim(), z.maxLength(2000, "Keep the reason under 2,000 characters."));

/**
 * What the decision and reversal forms send, shaped for the domain; the
 * domain checks the rest (the reason a rejection needs, the URLs as filed),
 * as it does every other action's fields.
 */
const Forms = {
  decide: z.object({
    action: choice(["approve", "reject"], "Choose whether to approve or to reject."),
    ground: Ground,
    reason: FreeText,
    urls: z.array(z.string()),
    unfounded: z.boolean(),
  }),
  reverse: z.object({ ground: Ground, reason: FreeText, urls: z.array(z.string()) }),
};

/** The ground an action names, which must be one of the templates; the operator's words go beside it as they are. */
async function groundOf(ground: string | undefined): Promise<{ ground?: string }> {
  if (!ground) return {};
  if (!(await Grounds.list()).some((g) => g.id === ground)) {
    throw new DomainError("validation_failed", "Some fields need attention.", {
      issues: [{ path: "ground", message: "Choose a ground from the list." }],
    });
  }
  return { ground };
}

/** A new ground's id, from its label: lower-case letters, digits and _, unlike any other's. */
function newGroundId(label: string, grounds: Grounds.Ground[]): string {
  const base =
    slug(label)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .slice(0, 36) || "ground";
  let id = base;
  for (let n = 2; grounds.some((g) => g.id === id); n++) id = `${base}_${n}`;
  return id;
}

/** Carries out one console action on a notice, as `operator`. */
async function act(
  id: string,
  action: Action,
  operator: string,
  form: Awaited<ReturnType<typeof formOf>>,
): Promise<void> {
  switch (action) {
    case "decide": {
      const input = parse(Forms.decide, {
        action: form.text("action") || undefined,
        ground: form.text("ground"),
        reason: form.text("reason"),
        urls: form.list("urls"),
        unfounded: form.text("unfounded") === "on",
      });
      const notice = await Notice.get(id);
      const filed = notice.urls.map((u) => u.url);
      const hide = filed.filter((url) => input.urls.includes(url));
      if (input.action === "approve" && !hide.length) {
        throw new DomainError("validation_failed", "Some fields need attention.", {
          issues: [{ path: "urls", message: "Tick at least one URL to hide, or reject the notice." }],
        });
      }
      const partial = input.action === "approve" && hide.length < filed.length;
      // Each URL's own reason sits beside its box, in the notice's order.
      const reasons = Object.fromEntries(
        filed.flatMap((url, i) => (form.text(`reason.${i}`).trim() ? [[url, form.text(`reason.${i}`)]] : [])),
      );
      await Notice.decideAs(
        id,
        operator,
        {
          action: input.action,
          ...(input.reason ? { reason: input.reason } : {}),
          ...(await groundOf(input.ground)),
          ...(partial ? { urls: hide, reasons } : {}),
          ...(input.action === "reject" && input.unfounded ? { unfounded: true } : {}),
        },
        "console",
      );
      return;
    }
    case "reverse": {
      const input = parse(Forms.reverse, {
        ground: form.text("ground"),
        reason: form.text("reason"),
        urls: form.list("urls"),
      });
      await Notice.reverse(id, operator, {
        reason: input.reason,
        ...(await groundOf(input.ground)),
        ...(input.urls.length ? { urls: input.urls } : {}),
      });
      return;
    }
    case "restore": {
      const urls = form.list("urls");
      await Notice.restore(id, operator, { reason: form.text("reason"), ...(urls.length ? { urls } : {}) });
      return;
    }
    case "request-info":
      await Notice.requestInfo(id, operator, { question: form.text("question") });
      return;
    case "confirm-rule":
      await Notice.confirmRule(id, operator, { rule: form.text("rule") });
      return;
    case "note":
      await Notice.note(id, operator, { text: form.text("text") });
      return;
    case "assign":
      await Notice.assign(id, operator, { to: form.text("to") });
      return;
  }
}

/** The case page's data, read in parallel: the notice first, then its articles, preview and the templates. */
async function casePage(c: Context<ConsoleEnv>, id: string, extra: { errors?: CaseErrors; done?: string } = {}) {
  const notice = await Notice.get(id);
  const keys = [...new Set(notice.events.flatMap((e) => Present.keyOf(e.by) ?? []))];
  const [articles, preview, grounds, keyNames, counterNotices] = await Promise.all([
    Article.getMany(notice.urls.flatMap((u) => u.articleId ?? [])),
    Notice.preview(notice),
    Grounds.list(),
    keys.length
      ? ApiKey.entity
          .getMany(keys.map((key) => ApiKey.entity.key(key)))
          .then((found) => new Map(found.map((k) => [k.id, k.name])))
      : new Map<string, string>(),
    CounterNotice.ofNotice(notice),
  ]);
  const state = Moderation.derive(notice.events);
  const pendingRules = Notice.awaitingConfirmation(notice).map((rule) => rule.id);
  return (
    <CasePage
      operator={c.get("session").operator}
      notice={notice}
      state={state}
      articles={articles}
      preview={preview}
      grounds={grounds}
      pendingRules={pendingRules}
      keyNames={keyNames}
      counterNotices={counterNotices}
      {...extra}
    />
  );
}

export const console_ = new Hono<ConsoleEnv>()
  // `/console/*` covers `/console` itself too: once per request.
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
  .get(Paths.routes.console, async (c) => {
    const operator = c.get("session").operator;
    const now = new Date();
    const query = c.req.query();
    let filter: Queue.Filter;
    try {
      filter = Queue.filter(query);
    } catch (error) {
      const issues = issuesOf(error);
      if (!issues) throw error;
      const shown = { state: "pending_review" as const, source: query.source, requester: query.requester };
      return c.html(
        <QueuePage
          operator={operator}
          filter={shown}
          counts={await Queue.counts()}
          rows={[]}
          now={now}
          errors={byField(issues)}
        />,
        422,
      );
    }
    const [page, counts] = await Promise.all([Queue.list(filter, now), Queue.counts()]);
    return c.html(
      <QueuePage operator={operator} filter={filter} counts={counts} rows={page.rows} cursor={page.cursor} now={now} />,
    );
  })
  .get(Paths.routes.search, async (c) => {
    const operator = c.get("session").operator;
    const q = c.req.query("q") ?? "";
    const now = new Date();
    try {
      const found = await Queue.search({ q }, now);
      return c.html(<SearchPage operator={operator} q={q} rows={found.rows} complete={found.complete} now={now} />);
    } catch (error) {
      const issues = issuesOf(error);
      if (!issues) throw error;
      return c.html(
        <SearchPage operator={operator} q={q} rows={[]} complete now={now} error={issues[0]?.message} />,
        422,
      );
    }
  })
  .get(Paths.routes.case, async (c) => {
    const done = c.req.query("done") as Action | undefined;
    return c.html(await casePage(c, c.req.param("id"), done && ACTIONS.includes(done) ? { done: DONE[done] } : {}));
  })
  .post(Paths.routes.caseAction, async (c) => {
    const { id, action } = c.req.param() as { id: string; action: Action };
    const form = await formOf(c);
    try {
      await act(id, action, c.get("session").operator, form);
    } catch (error) {
      const issues = issuesOf(error);
      if (!issues) throw error;
      return c.html(await casePage(c, id, { errors: { action, fields: byField(issues) } }), 422);
    }
    if (action === "assign" && form.text("back") === "queue") return c.redirect(Paths.routes.console, 303);
    return c.redirect(`${Paths.caseOf(id)}?done=${action}`, 303);
  })
  .get(Paths.routes.grounds, async (c) =>
    c.html(
      <GroundsPage
        operator={c.get("session").operator}
        grounds={await Grounds.list()}
        saved={c.req.query("saved") === "1"}
      />,
    ),
  )
  .post(Paths.routes.grounds, async (c) => {
    const operator = c.get("session").operator;
    const form = await formOf(c);
    const current = await Grounds.list();
    // Ids are kept as they were: decisions name grounds by id, so a ground is reworded, never renamed away.
    const edited = current.map((ground, i) => ({
      ...ground,
      label: form.text(`grounds.${i}.label`),
      text: form.text(`grounds.${i}.text`),
    }));
    const added = { label: form.text("added.label").trim(), text: form.text("added.text") };
    const id = added.label ? newGroundId(added.label, current) : undefined;
    const grounds = id ? [...edited, { id, ...added }] : edited;
    try {
      await Grounds.save(grounds);
    } catch (error) {
      const issues = issuesOf(error);
      if (!issues) throw error;
      const errors = Object.fromEntries(
        issues.map(({ path, message }) => {
          const [index, name] = path.split(".");
          return [Number(index) === current.length ? `added.${name}` : `grounds.${path}`, message];
        }),
      );
      return c.html(<GroundsPage operator={operator} grounds={edited} added={added} errors={errors} />, 422);
    }
    return c.redirect(`${Paths.routes.grounds}?saved=1`, 303);
  })
  .post(Paths.routes.signOut, async (c) => {
    await Session.signOut(c.get("session"));
    const { name, secure } = cookieName();
    deleteCookie(c, name, { path: "/", secure });
    return c.redirect(Paths.routes.signIn, 303);
  });
