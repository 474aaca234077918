/**
 * Counter-notices: the form every 451 page links to, the confirmation a
 * receipt's link opens (its button confirms), the notice requester's court
 * action, and POST /api/v1/counter-notices for systems.
 */
import * as Article from "@takedown/core/article";
import * as CounterNotice from "@takedown/core/counter-notice";
import * as Notice from "@takedown/core/notice";
import * as Paths from "@takedown/core/paths";
import * as Pow from "@takedown/core/pow";
import { DomainError, type FieldIssue } from "@takedown/core/errors";
import { Hono, type Context } from "hono";
import { allow, type ApiEnv } from "../auth";
import { clientIp } from "../client-ip";
import { describeRoute, EXAMPLE_ARTICLE_URL } from "../described";
import { jsonInput, limitBody, noStore, sameOrigin } from "../middleware";
import {
  ConfirmedPage,
  ConfirmPage,
  CounterNoticeForm,
  CourtActionDone,
  CourtActionPage,
  FiledPage,
  prefill,
  type FormErrors,
  type FormField,
  type FormValues,
} from "../views/counter-notice";

const FIELDS: FormField[] = [
  "article",
  "name",
  "email",
  "address",
  "phone",
  "material",
  "evidence",
  "mistake",
  "jurisdiction",
  "service",
  "signature",
  "proof",
];

async function formValues(c: Context): Promise<FormValues> {
  const body = await c.req.parseBody();
  return Object.fromEntries(FIELDS.flatMap((field) => (typeof body[field] === "string" ? [[field, body[field]]] : [])));
}

/** The form's fields, shaped as the JSON API's body, so one schema checks both. */
function toInput(v: FormValues): CounterNotice.Input {
  return {
    article: v.article ?? "",
    sender: { name: v.name ?? "", email: v.email ?? "", address: v.address ?? "", phone: v.phone ?? "" },
    material: v.material ?? "",
    evidence: v.evidence ?? "",
    mistake: (v.mistake === "on") as true,
    jurisdiction: (v.jurisdiction === "on") as true,
    service: (v.service === "on") as true,
    signature: v.signature ?? "",
  };
}

/** Schema paths (`sender.email`) to the form's fields. */
function toFormErrors(issues: FieldIssue[]): FormErrors {
  const errors: FormErrors = {};
  for (const { path, message } of issues) {
    const [head, second] = path.split(".");
    errors[(head === "sender" ? second : head) as FormField] ??= message;
  }
  return errors;
}

export const counterNoticePages = new Hono()
  .use(Paths.routes.counterNotice, limitBody, sameOrigin, noStore)
  .use(Paths.routes.counterNotices, limitBody, sameOrigin, noStore)
  .get(Paths.routes.counterNotice, async (c) => {
    const id = c.req.query("article");
    const article = id ? await Article.get(id) : undefined;
    return c.html(<CounterNoticeForm values={prefill(article)} errors={{}} pow={Pow.issue()} />);
  })
  .post(Paths.routes.counterNotice, async (c) => {
    const values = await formValues(c);
    try {
      const counter = await CounterNotice.fileAnonymous(toInput(values), { ip: clientIp(c), proof: values.proof });
      return c.html(<FiledPage counter={counter} />, 202);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // Sent back with what was typed, and a new challenge to solve.
      const again = (errors: FormErrors, status: 422 | 429) =>
        c.html(<CounterNoticeForm values={values} errors={errors} pow={Pow.issue()} />, status);
      if (error.code === "validation_failed") return again(toFormErrors(error.details.issues ?? []), 422);
      if (error.code !== "rate_limited") throw error;
      c.header("Retry-After", String(error.details.retryAfter));
      return again({ form: error.message }, 429);
    }
  })
  .get(Paths.routes.courtAction, async (c) => {
    const notice = c.req.param("notice");
    const token = c.req.query("token") ?? "";
    const open = (await CounterNotice.ofNotice(await Notice.withStatusToken(notice, token))).filter(
      (counter) => counter.status === "open",
    );
    return c.html(<CourtActionPage notice={notice} token={token} open={open} />);
  })
  .post(Paths.routes.courtAction, async (c) => {
    const notice = c.req.param("notice");
    const body = await c.req.parseBody();
    const token = String(body.token ?? "");
    const text = typeof body.courtAction === "string" ? body.courtAction : "";
    try {
      await CounterNotice.reportCourtAction(notice, token, text);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== "validation_failed") throw error;
      const open = (await CounterNotice.ofNotice(await Notice.get(notice))).filter(
        (counter) => counter.status === "open",
      );
      return c.html(
        <CourtActionPage notice={notice} token={token} open={open} text={text} error={error.message} />,
        422,
      );
    }
    return c.html(<CourtActionDone notice={notice} />);
  })
  .get(Paths.routes.counterNoticeConfirm, async (c) => {
    const token = c.req.query("token") ?? "";
    const counter = await CounterNotice.openLink(c.req.param("id"), token);
    return c.html(<ConfirmPage counter={counter} token={token} />);
  })
  .post(Paths.routes.counterNoticeConfirm, async (c) => {
    const body = await c.req.parseBody();
    const counter = await CounterNotice.confirm(c.req.param("id"), String(body.token ?? ""));
    return c.html(<ConfirmedPage counter={counter} />);
  });

const counterNoticeExample = () => ({
  article: EXAMPLE_ARTICLE_URL,
  sender: {
    name: "Sam Editor",
    email: "sam@harbour-gazette.example",
    address: "1 Quay Street, Harbourtown",
    phone: "+1 555 0100",
  },
  material: '"The harbour expansion, one year on", first published by the Harbour Gazette.',
  evidence: "We published it first, on our own site, on 1 November 2026; the syndication agreement of 2025 covers it.",
  mistake: true,
  jurisdiction: true,
  service: true,
  signature: "Sam Editor",
});

const fileCounterNotice = describeRoute({
  operationId: "fileCounterNotice",
  tag: "Notices",
  summary: "File a counter-notice",
  description:
    "Disputes the removal of an article that an approved notice withholds (DMCA 512(g)(3)): the material and where " +
    "it was, the sender's name, address and phone, the statement under penalty of perjury that it was removed by " +
    "mistake or misidentification, consent to jurisdiction and to service of process, a signature matching the " +
    "name, and the licence or authorship evidence. Without an API key it costs a proof of work (as POST /takedowns) " +
    "and waits until its sender confirms their address from the mail we send; with a key that has " +
    "`notices:write` it opens at once. Once open, the notice's requester is sent a copy and has " +
    "COUNTER_NOTICE_BUSINESS_DAYS business days to report a court action.",
  headers: {
    "Proof-Of-Work": "Required without an API key, as for POST /takedowns.",
  },
  body: { description: "The counter-notice.", example: counterNoticeExample },
  responses: { 202: { description: "Received: waiting for confirmation, or open.", body: CounterNotice.Filed } },
  refusals: [
    {
      status: 422,
      code: "validation_failed",
      when: "a field is missing or wrong, the article is not withheld (issue path `article`), or, without an API key, the Proof-Of-Work header is missing, wrong, expired or already used (issue path `proof`)",
    },
    {
      status: 429,
      code: "rate_limited",
      when: "without an API key: too many filings this hour from this address, or for this email address",
      headers: ["Retry-After"],
    },
  ],
});

/** Mounted under /api/v1, behind its keys, limits and idempotency. */
export const counterNoticeApi = new Hono<ApiEnv>().post(
  "/",
  fileCounterNotice,
  allow("notices:write", { anonymous: true }),
  noStore,
  jsonInput(CounterNotice.Input),
  async (c) => {
    const principal = c.get("principal");
    const counter = principal
      ? await CounterNotice.fileWithKey(c.req.valid("json"), { id: principal.id, name: principal.name })
      : await CounterNotice.fileAnonymous(c.req.valid("json"), {
          ip: clientIp(c),
          proof: c.req.header("proof-of-work"),
        });
    return c.json(CounterNotice.toFiled(counter), 202);
  },
);
