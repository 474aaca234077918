import { Abuse, Article, DomainError, Links, Notice, Pow, Token, type FieldIssue } from "@takedown/core";
import { Hono, type Context } from "hono";
import { clientIp } from "../client-ip";
import { limitBody, noStore, sameOrigin } from "../middleware";
import { ActionPage, DonePage, StatusPage } from "../views/notice";
import { TakedownForm, type FormErrors, type FormField, type FormValues } from "../views/takedown-form";

const FIELDS: FormField[] = [
  "name", "email", "organization", "role", "address", "phone", "urls", "scope",
  "future", "work", "explanation", "goodFaith", "accurate", "signature", "proof",
];

async function formValues(c: Context): Promise<FormValues> {
  const body = await c.req.parseBody();
  return Object.fromEntries(
    FIELDS.flatMap((field) => (typeof body[field] === "string" ? [[field, body[field]]] : [])),
  );
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
    urls: (v.urls ?? "").split(/\r?\n/).map((line) => line.trim()).filter(Boolean),
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

export const takedowns = new Hono()
  // Only on its own paths: a POST to a path nobody serves is a 404, whatever its origin.
  .use("/takedown", limitBody, sameOrigin, noStore)
  .use("/takedowns/*", limitBody, sameOrigin, noStore)
  .get("/takedown", (c) =>
    c.html(<TakedownForm values={{ urls: c.req.query("url") ?? "" }} errors={{}} pow={Pow.issue()} />),
  )
  .post("/takedown", async (c) => {
    const values = await formValues(c);
    const input = toInput(values);
    try {
      const notice = await Notice.fileAnonymous(input, { ip: clientIp(c), proof: values.proof });
      return c.redirect(`${Links.status(notice.id)}&filed=1`, 303);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // Sent back with what was typed, and a new challenge to solve.
      const again = (errors: FormErrors, status: 422 | 429) =>
        c.html(<TakedownForm values={values} errors={errors} pow={Pow.issue()} />, status);
      if (error.code === "validation_failed") return again(toFormErrors(error.details.issues ?? [], input.urls), 422);
      if (error.code !== "rate_limited") throw error;
      c.header("Retry-After", String(error.details.retryAfter));
      return again({ form: error.message }, 429);
    }
  })
  .get("/takedowns/:id", async (c) => {
    const notice = await Notice.withStatusToken(c.req.param("id"), c.req.query("token"));
    return c.html(
      <StatusPage
        notice={notice}
        articles={await articlesOf(notice)}
        statusUrl={Links.status(notice.id)}
        justFiled={c.req.query("filed") === "1"}
      />,
    );
  })
  .post("/takedowns/:id/resend", async (c) => {
    const body = await c.req.parseBody();
    const notice = await Notice.resendReceipt(c.req.param("id"), String(body.token ?? ""));
    return c.html(
      <DonePage notice={notice} heading="A new confirmation link is on its way">
        <p>We are emailing you a new link to confirm your notice. It works for 7 days.</p>
        <p>
          <a href={Links.status(notice.id)}>Back to the status of your notice</a>
        </p>
      </DonePage>,
    );
  })
  .get("/takedowns/:id/:action{confirm|approve|reject}", async (c) => {
    const { id, action } = c.req.param();
    const token = c.req.query("token") ?? "";
    const confirmation = action === "confirm" ? await Notice.previewConfirmation(id, token) : undefined;
    if (confirmation && "moved" in confirmation) return c.redirect(confirmation.moved, 303);
    const notice = confirmation?.notice ?? (await Notice.preview(id, action as Notice.LinkAction, token));
    // Operators see how often this sender's notices were found unfounded (DSA Art. 23).
    const [articles, standing] = await Promise.all([
      articlesOf(notice),
      action === "confirm" ? undefined : Abuse.standing(notice.requester.email),
    ]);
    return c.html(
      <ActionPage notice={notice} articles={articles} action={action as Notice.LinkAction} token={token} standing={standing} />,
    );
  })
  .post("/takedowns/:id/confirm", async (c) => {
    const body = await c.req.parseBody();
    const token = String(body.token ?? "");
    const { actor } = Token.verify(token, { notice: c.req.param("id"), action: "confirm" });
    await Abuse.limit([
      [Abuse.LIMITS.confirmationsPerIp, Abuse.network(clientIp(c))],
      [Abuse.LIMITS.confirmationsPerEmail, Abuse.mailbox(actor)],
    ]);
    const notice = await Notice.confirm(c.req.param("id"), token);
    return c.html(
      <DonePage notice={notice} heading="Thank you, your notice is confirmed">
        <p>Our reviewers have been told. We will email you their decision and its reasons.</p>
        <p>
          <a href={Links.status(notice.id)}>Follow the status of your notice</a>
        </p>
      </DonePage>,
    );
  })
  .post("/takedowns/:id/:action{approve|reject}", async (c) => {
    const { id, action } = c.req.param();
    const body = await c.req.parseBody();
    const decision = ACTIONS[action as keyof typeof ACTIONS];
    const notice = await Notice.decide(id, decision, String(body.token ?? ""), body.reason, new Date(), {
      unfounded: body.unfounded === "on",
    });
    const hidden = notice.events.reduce((sum, e) => sum + (e.type === "articles_hidden" ? e.count : 0), 0);
    return c.html(
      <DonePage notice={notice} heading={decision === "approved" ? "Notice approved" : "Notice rejected"}>
        <p>
          {decision === "approved"
            ? notice.effectsPending
              ? "The articles it covers are being hidden; this takes a moment."
              : `${hidden} article(s) are now hidden${notice.future ? " and future ones will be blocked at ingest" : ""}.`
            : "Nothing was hidden."}{" "}
          The requester will be emailed the decision.
        </p>
      </DonePage>,
    );
  });
