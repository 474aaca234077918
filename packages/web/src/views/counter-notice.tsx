import * as CounterNotice from "@takedown/core/counter-notice";
import * as Links from "@takedown/core/links";
import * as Paths from "@takedown/core/paths";
import * as Present from "@takedown/core/present";
import type * as Article from "@takedown/core/article";
import type * as Pow from "@takedown/core/pow";
import { revealAll } from "@takedown/core/text";
import { assetPath } from "../assets";
import { When } from "@takedown/core/render/notice";
import { Checkbox, ErrorSummary, Layout, TextField } from "./layout";

export type FormField =
  | "article"
  | "name"
  | "email"
  | "address"
  | "phone"
  | "material"
  | "evidence"
  | "mistake"
  | "jurisdiction"
  | "service"
  | "signature"
  | "proof";
export type FormValues = Partial<Record<FormField, string>>;
/** `form`: a problem with the whole submission (too many of them), not one field. */
export type FormErrors = Partial<Record<FormField | "form", string>>;

/** What the form fills in from the 451 page it was opened from: where the material was, and what it was. */
export function prefill(article: Article.Article | undefined): FormValues {
  if (!article) return {};
  return {
    article: Links.article(article.id),
    material: `"${article.title}" by ${article.author}, first published by ${article.sourceName} at ${article.originalUrl}`,
  };
}

export function CounterNoticeForm(props: { values: FormValues; errors: FormErrors; pow: Pow.Challenge }) {
  const { values: v, errors: e } = props;
  return (
    <Layout title="Dispute a removal">
      <h1>Dispute a removal (counter-notice)</h1>
      <p>
        If an article was removed here because of someone else's notice, and you say that was a mistake (you published
        it, wrote it, or hold a licence for it), send this counter-notice. We send a copy, with your name, address and
        phone number, to whoever filed the notice. Unless they tell us within {CounterNotice.windowDays()} business days
        that they have gone to court, our operators then decide about putting the article back.
      </p>
      <ErrorSummary errors={e} />
      <form
        method="post"
        action={Paths.routes.counterNotice}
        novalidate
        data-pow={props.pow.challenge}
        data-pow-bits={String(props.pow.bits)}
      >
        <input type="hidden" name="proof" value="" />
        <fieldset>
          <legend>What was removed</legend>
          <TextField
            label="Where it was"
            name="article"
            value={v.article}
            error={e.article}
            required
            hint="The article's address on this site (or at its original site)."
          />
          <TextField label="The material" name="material" rows={3} value={v.material} error={e.material} required />
          <TextField
            label="Your licence or authorship"
            name="evidence"
            rows={4}
            value={v.evidence}
            error={e.evidence}
            required
            hint="For example: the licence or syndication agreement and its date, or where the work was first published under your name."
          />
        </fieldset>
        <fieldset>
          <legend>About you</legend>
          <TextField label="Full name" name="name" value={v.name} error={e.name} autocomplete="name" required />
          <TextField
            label="Email"
            name="email"
            type="email"
            value={v.email}
            error={e.email}
            autocomplete="email"
            required
          />
          <TextField
            label="Postal address"
            name="address"
            rows={2}
            value={v.address}
            error={e.address}
            autocomplete="street-address"
            required
          />
          <TextField
            label="Phone"
            name="phone"
            type="tel"
            value={v.phone}
            error={e.phone}
            autocomplete="tel"
            required
          />
        </fieldset>
        <fieldset>
          <legend>Statements and signature</legend>
          <Checkbox name="mistake" label="Under penalty of perjury" checked={v.mistake === "on"} error={e.mistake}>
            {CounterNotice.STATEMENTS.mistake}
          </Checkbox>
          <Checkbox name="jurisdiction" label="Jurisdiction" checked={v.jurisdiction === "on"} error={e.jurisdiction}>
            {CounterNotice.STATEMENTS.jurisdiction}
          </Checkbox>
          <Checkbox name="service" label="Service of process" checked={v.service === "on"} error={e.service}>
            {CounterNotice.STATEMENTS.service}
          </Checkbox>
          <TextField
            label="Signature"
            name="signature"
            value={v.signature}
            error={e.signature}
            required
            hint="Type your full name; it counts as your electronic signature."
          />
        </fieldset>
        <button type="submit">Send the counter-notice</button>
        <p class="hint" id="pow-status" aria-live="polite"></p>
        <noscript>
          <p class="error">This form runs a short anti-abuse check in your browser, which needs JavaScript.</p>
        </noscript>
      </form>
      <script src={assetPath("pow.js")} defer></script>
    </Layout>
  );
}

function Facts(props: { counter: CounterNotice.CounterNotice }) {
  const counter = revealAll(props.counter);
  return (
    <dl class="facts">
      <dt>Reference</dt>
      <dd>{counter.id}</dd>
      <dt>Filed</dt>
      <dd>
        <When at={counter.createdAt} />
      </dd>
      <dt>Where the material was</dt>
      <dd>{Links.article(counter.articleId)}</dd>
      <dt>The material</dt>
      <dd>{counter.material}</dd>
      <dt>Licence or authorship</dt>
      <dd>{counter.evidence}</dd>
      <dt>Signed</dt>
      <dd>{counter.signature}</dd>
      {counter.closesAt && (
        <>
          <dt>Window for a court action closes</dt>
          <dd id="closes-at">{Present.date(counter.closesAt)}</dd>
        </>
      )}
    </dl>
  );
}

export function FiledPage(props: { counter: CounterNotice.CounterNotice }) {
  return (
    <Layout title="Check your email">
      <h1 id="done">Check your email</h1>
      <p>
        We have emailed you a link to confirm your counter-notice {props.counter.id}. Nothing is sent on until you
        confirm it.
      </p>
    </Layout>
  );
}

/** What a confirm link opens: the counter-notice and a button; opening it changes nothing. */
export function ConfirmPage(props: { counter: CounterNotice.CounterNotice; token: string }) {
  const { counter } = props;
  const open = counter.status === "awaiting_confirmation";
  return (
    <Layout title="Confirm your counter-notice">
      <h1>Confirm your counter-notice</h1>
      {open ? (
        <form method="post" action={Paths.counterNoticeConfirm(counter.id)}>
          <input type="hidden" name="token" value={props.token} />
          <p>Confirming sends a copy to whoever filed the notice, and tells our operators.</p>
          <button type="submit" id="act">
            Confirm the counter-notice
          </button>
        </form>
      ) : (
        <p id="already">This counter-notice is already confirmed.</p>
      )}
      <Facts counter={counter} />
    </Layout>
  );
}

export function ConfirmedPage(props: { counter: CounterNotice.CounterNotice }) {
  return (
    <Layout title="Your counter-notice is confirmed">
      <h1 id="done">Your counter-notice is confirmed</h1>
      <p>
        We have sent a copy to whoever filed the notice, and told our operators. If they report no court action by{" "}
        {Present.date(props.counter.closesAt!)}, our operators decide about putting the article back; we email you
        either way.
      </p>
      <Facts counter={props.counter} />
    </Layout>
  );
}

/** The notice's requester reports a court action; the page shows what they answer. */
export function CourtActionPage(props: {
  notice: string;
  token: string;
  open: CounterNotice.CounterNotice[];
  error?: string;
  text?: string;
}) {
  const { open } = props;
  return (
    <Layout title="Report a court action">
      <h1>Report a court action</h1>
      {open.length ? (
        <>
          <p>
            Counter-notice {open.map((counter) => counter.id).join(", ")} disputes your notice {props.notice}. If you
            have filed a court action seeking to restrain its sender, tell us here before{" "}
            {Present.date(open[0]!.closesAt!)}: the material then stays removed.
          </p>
          <form method="post" action={Paths.courtAction(props.notice)}>
            <input type="hidden" name="token" value={props.token} />
            <TextField
              label="The court action"
              name="courtAction"
              rows={4}
              value={props.text}
              error={props.error}
              required
              hint="Which court, and the case's number or reference."
            />
            <button type="submit" id="act">
              I have filed a court action
            </button>
          </form>
        </>
      ) : (
        <p id="nothing-open">No counter-notice on this notice is waiting for an answer.</p>
      )}
      <p>
        <a href={Links.status(props.notice)}>Back to your notice</a>
      </p>
    </Layout>
  );
}

export function CourtActionDone(props: { notice: string }) {
  return (
    <Layout title="Court action recorded">
      <h1 id="done">The court action is recorded</h1>
      <p>The material stays removed. We have told the sender of the counter-notice and our operators.</p>
      <p>
        <a href={Links.status(props.notice)}>Back to your notice</a>
      </p>
    </Layout>
  );
}
