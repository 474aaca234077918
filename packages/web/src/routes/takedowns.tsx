import * as Abuse from "@takedown/core/abuse";
import * as Article from "@takedown/core/article";
import * as Links from "@takedown/core/links";
import * as Notice from "@takedown/core/notice";
import * as Paths from "@takedown/core/paths";
import * as Pow from "@takedown/core/pow";
import * as Present from "@takedown/core/present";
import { config } from "@takedown/core/config";
import { DomainError, type FieldIssue } from "@takedown/core/errors";
import { Hono, type Context } from "hono";
import { clientIp } from "../client-ip";
import { limitBody, noStore, sameOrigin } from "../middleware";
import { ActionPage, DonePage, StatusPage } from "../views/notice";
import { TakedownForm, type FormErrors, type FormField, type FormValues } from "../views/takedown-form";

const FIELDS: FormField[] = [
  "name",
  "email",
  "organization",
  "role",
  "address",
  "phone",
  "urls",
  "scope",
  "future",
  "work",
  "explanation",
  "goodFaith",
  "accurate",
  "signature",
  "proof",
];

async function formValues(c: Context): Promise<FormValues> {
  const body = await c.req.parseBody();
  return Object.fromEntries(FIELDS.flatMap((field) => (typeof body[field] === "string" ? [[field, body[field]]] : [])));
}

/** The form's fields, shaped as the JSON API's body, so one schema checks both. */
function toInput(v: FormValues): Notice.Input {
  return {
    requester: {
      name: v.name ?? "",
      email: v.email ?? "",
      organization: v.organization,
      role: v.role as Notice.Input["requester"]["role"],
      address: v.address,
      phone: v.phone,
    },
    urls: (v.urls ?? "")
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean),
    scope: (v.scope ?? "urls") as Notice.Input["scope"],
    future: v.future === "on",
    work: v.work ?? "",
    explanation: v.explanation ?? "",
    goodFaith: (v.goodFaith === "on") as true,
    accurate: (v.accurate === "on") as true,
    signature: v.signature ?? "",
  };
}

/** Schema paths (`requester.email`, `urls.2`) to the form's fields. */
function toFormErrors(issues: FieldIssue[], urls: string[]): FormErrors {
  const errors: FormErrors = {};
  for (const { path, message } of issues) {
    const [head, second] = path.split(".");
    if (head === "urls" && second !== undefined) {
      errors.urls ??= `Line ${Number(second) + 1} (${urls[Number(second)]}): ${message}`;
      continue;
    }
    const field = (head === "requester" ? second : head) as FormField;
    errors[field] ??= message;
  }
  return errors;
}

async function articlesOf(notice: Notice.Notice) {
  return Article.getMany(notice.urls.flatMap((u) => u.articleId ?? []));
}

const ACTIONS = { approve: "approved", reject: "rejected" } as const;

/** The article the form was opened from (or whose URL is listed first), so the scope choices can name its author and source. */
async function subjectOf(urls: string | undefined) {
  const first = (urls ?? "")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find(Boolean);
  const id = first ? Article.idForUrl(first, config().publicUrl) : undefined;
  const article = id ? await Article.get(id) : undefined;
  return article
    ? {
        author: article.author,
        authorKey: article.authorKey,
        sourceDomain: article.sourceDomain,
        sourceName: article.sourceName,
      }
    : undefined;
}

export const takedowns = new Hono()
  // Only on its own paths: a POST to a path nobody serves is a 404, whatever its origin.
  .use(Paths.routes.form, limitBody, sameOrigin, noStore)
  .use(Paths.routes.notices, limitBody, sameOrigin, noStore)
  .get(Paths.routes.form, async (c) => {
    const urls = c.req.query("url") ?? "";
    return c.html(<TakedownForm values={{ urls }} errors={{}} pow={Pow.issue()} subject={await subjectOf(urls)} />);
  })
  .post(Paths.routes.form, async (c) => {
    const values = await formValues(c);
    const input = toInput(values);
    try {
      const notice = await Notice.fileAnonymous(input, { ip: clientIp(c), proof: values.proof });
      return c.redirect(`${Links.status(notice.id)}&filed=1`, 303);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // Sent back with what was typed, and a new challenge to solve.
      const subject = await subjectOf(values.urls);
      const again = (errors: FormErrors, status: 422 | 429) =>
        c.html(<TakedownForm values={values} errors={errors} pow={Pow.issue()} subject={subject} />, status);
      if (error.code === "validation_failed") return again(toFormErrors(error.details.issues ?? [], input.urls), 422);
      if (error.code !== "rate_limited") throw error;
      c.header("Retry-After", String(error.details.retryAfter));
      return again({ form: error.message }, 429);
    }
  })
  .get(Paths.routes.status, async (c) => {
    const token = c.req.query("token") ?? "";
    const notice = await Notice.withStatusToken(c.req.param("id"), token);
    return c.html(
      <StatusPage
        notice={notice}
        articles={await articlesOf(notice)}
        statusUrl={Links.status(notice.id)}
        token={token}
        justFiled={c.req.query("filed") === "1"}
      />,
    );
  })
  .post(Paths.routes.resend, async (c) => {
    const body = await c.req.parseBody();
    const notice = await Notice.resendReceipt(c.req.param("id"), String(body.token ?? ""));
    return c.html(
      <DonePage
        notice={notice}
        articles={await articlesOf(notice)}
        audience="requester"
        heading="A new confirmation link is on its way"
      >
        <p>We are emailing you a new link to confirm your notice. It works for 7 days.</p>
        <p>
          <a href={Links.status(notice.id)}>Back to the status of your notice</a>
        </p>
      </DonePage>,
    );
  })
  .get(Paths.routes.act, async (c) => {
    const { id, action } = c.req.param();
    const token = c.req.query("token") ?? "";
    const opened = await Notice.openLink(id, action as Notice.LinkAction, token);
    if ("moved" in opened) return c.redirect(opened.moved, 303);
    const { notice } = opened;
    // Operators see how often this sender's notices were found unfounded (DSA Art. 23),
    // and how many articles an approval would hide.
    const operator = action !== "confirm";
    const [articles, standing, counts] = await Promise.all([
      articlesOf(notice),
      operator ? Abuse.standing(notice.requester.email) : undefined,
      operator ? Present.scopeCounts(notice) : undefined,
    ]);
    return c.html(
      <ActionPage
        notice={notice}
        articles={articles}
        action={action as Notice.LinkAction}
        token={token}
        standing={standing}
        counts={counts}
      />,
    );
  })
  .post(Paths.routes.confirm, async (c) => {
    const body = await c.req.parseBody();
    const notice = await Notice.confirmAnonymous(c.req.param("id"), String(body.token ?? ""));
    return c.html(
      <DonePage notice={notice} audience="requester" heading="Thank you, your notice is confirmed">
        <p>Our reviewers have been told. We will email you their decision and its reasons.</p>
        <p>
          <a href={Links.status(notice.id)}>Follow the status of your notice</a>
        </p>
      </DonePage>,
    );
  })
  .post(Paths.routes.decide, async (c) => {
    const { id, action } = c.req.param();
    const body = await c.req.parseBody();
    const decision = ACTIONS[action as keyof typeof ACTIONS];
    const notice = await Notice.decide(id, decision, String(body.token ?? ""), body.reason, new Date(), {
      unfounded: body.unfounded === "on",
    });
    const articles = await articlesOf(notice);
    return c.html(
      <DonePage
        notice={notice}
        articles={articles}
        audience="operator"
        heading={decision === "approved" ? "Notice approved" : "Notice rejected"}
      >
        <p>
          {notice.effectsPending && decision === "approved"
            ? "The articles it covers are being hidden; this takes a moment."
            : Present.decisionOutcome(notice, Present.urlRows(notice, articles))}{" "}
          The requester will be emailed the decision.
        </p>
      </DonePage>,
    );
  })
  // The requester's appeal of a decision (DSA Art. 20), from the status page.
  .post(Paths.routes.contest, async (c) => {
    const body = await c.req.parseBody();
    const notice = await Notice.appeal(c.req.param("id"), String(body.token ?? ""), {
      reason: body.objection ?? body.reason,
    });
    return c.html(
      <RequesterDone notice={notice} heading="Your appeal is recorded">
        Our operators have been told. A person who did not take the decision will review it and tell you the outcome.
      </RequesterDone>,
    );
  })
  .post(Paths.routes.withdraw, async (c) => {
    const body = await c.req.parseBody();
    const notice = await Notice.withdraw(c.req.param("id"), String(body.token ?? ""), { reason: body.reason });
    return c.html(
      <RequesterDone notice={notice} heading="Your notice is withdrawn">
        {notice.effectsPending
          ? "What it had hidden is being shown again, unless another notice covers it."
          : "It will not be reviewed or acted on."}
      </RequesterDone>,
    );
  })
  .post(Paths.routes.answer, async (c) => {
    const body = await c.req.parseBody();
    const notice = await Notice.answer(c.req.param("id"), String(body.token ?? ""), { answer: body.answer });
    return c.html(
      <RequesterDone notice={notice} heading="Your answer is sent">
        Our operators have been told, and the review goes on.
      </RequesterDone>,
    );
  });

/** What a requester's step from their status page leads to, with the way back to it. */
async function RequesterDone(props: { notice: Notice.Notice; heading: string; children: string }) {
  return (
    <DonePage
      notice={props.notice}
      articles={await articlesOf(props.notice)}
      audience="requester"
      heading={props.heading}
    >
      <p>{props.children}</p>
      <p>
        <a href={Links.status(props.notice.id)}>Back to your notice</a>
      </p>
    </DonePage>
  );
}
