import * as Notice from "@takedown/core/notice";
import * as Present from "@takedown/core/present";
import type * as Pow from "@takedown/core/pow";
import { config } from "@takedown/core/config";
import { assetPath } from "../assets";
import { Checkbox, ErrorSummary, Choices, Layout, TextField } from "./layout";

/** What the person typed, as the form's fields hold it. */
export type FormValues = Partial<Record<FormField, string>>;
export type FormField =
  | "name"
  | "email"
  | "organization"
  | "role"
  | "address"
  | "phone"
  | "urls"
  | "scope"
  | "future"
  | "work"
  | "explanation"
  | "goodFaith"
  | "accurate"
  | "signature"
  | "proof";
/** `form`: a problem with the whole submission (too many of them), not one field. */
export type FormErrors = Partial<Record<FormField | "form", string>>;

const ROLES = [
  ["author", "I am the author"],
  ["publisher", "I represent the site that first published it (the publisher)"],
  ["agent", "I am an agent acting for the author or the publisher"],
] as const;

/**
 * The scope choices, naming the author and source of the article the form
 * was opened from when it knows them, and the rule "now and in the future"
 * leaves for each, in the words pages and mails use (Present.describeRule).
 */
function scopes(subject?: Notice.Subject) {
  if (!subject) {
    return {
      options: [
        ["urls", "Only the articles listed above"],
        ["author", "Everything by the same author at the same source"],
        ["source", "Everything from the same source site"],
      ] as const,
      future:
        "Now and in the future: also block future articles by the author of each listed article, at its source (with “Everything from the same source site”: every future article from that source). Everything by an author, or from a source, covers one source per notice.",
    };
  }
  const byAuthor = Present.describeRule(subject, [subject]);
  const fromSource = Present.describeRule({ sourceDomain: subject.sourceDomain }, [subject]);
  return {
    options: [
      ["urls", "Only the articles listed above"],
      ["author", `All ${byAuthor}`],
      ["source", `All ${fromSource}`],
    ] as const,
    future: `Now and in the future: also block future ${byAuthor} (with “All ${fromSource}”: future ${fromSource}).`,
  };
}

export function TakedownForm(props: {
  values: FormValues;
  errors: FormErrors;
  pow: Pow.Challenge;
  subject?: Notice.Subject;
}) {
  const { values: v, errors: e } = props;
  const scope = scopes(props.subject);
  const { noticeEmail } = config();
  return (
    <Layout title="Request removal">
      <h1>Request removal of a republished article</h1>
      <p>
        We republish articles from other sites' public feeds, with credit. If you wrote one of them, or represent the
        site that first published it, tell us here and a person will review your notice. We email you a receipt, then
        our decision and its reasons.
      </p>
      <ErrorSummary errors={e} />
      <form
        method="post"
        action="/takedown"
        novalidate
        data-pow={props.pow.challenge}
        data-pow-bits={String(props.pow.bits)}
      >
        <input type="hidden" name="proof" value="" />
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
            hint="We send the receipt and the decision here. If you speak for a site, an address at that site's domain helps us verify you."
          />
          <TextField
            label="Organisation (optional)"
            name="organization"
            value={v.organization}
            error={e.organization}
            autocomplete="organization"
          />
          <Choices label="You are" name="role" options={ROLES} value={v.role} error={e.role} />
          <TextField
            label="Postal address (optional)"
            name="address"
            rows={2}
            value={v.address}
            error={e.address}
            autocomplete="street-address"
            hint="Optional here, but a notice under the US DMCA should include your address and phone number."
          />
          <TextField
            label="Phone (optional)"
            name="phone"
            type="tel"
            value={v.phone}
            error={e.phone}
            autocomplete="tel"
          />
        </fieldset>

        <fieldset>
          <legend>What should be removed</legend>
          <TextField
            label="Article URLs"
            name="urls"
            rows={3}
            value={v.urls}
            error={e.urls}
            required
            hint={`One per line, up to ${Notice.MAX_URLS}: the address on our site or the original at your site.`}
          />
          <Choices
            label="The notice covers"
            name="scope"
            options={scope.options}
            value={v.scope ?? "urls"}
            error={e.scope}
          />
          <Checkbox name="future" label="Future articles" checked={v.future === "on"} error={e.future}>
            {scope.future}
          </Checkbox>
        </fieldset>

        <fieldset>
          <legend>Your claim</legend>
          <TextField
            label="The work"
            name="work"
            rows={3}
            value={v.work}
            error={e.work}
            required
            hint="Which work of yours was republished? For example the article's title and where it first appeared."
          />
          <TextField
            label="Why the republication is not authorised"
            name="explanation"
            rows={4}
            value={v.explanation}
            error={e.explanation}
            required
          />
        </fieldset>

        <fieldset>
          <legend>Statements and signature</legend>
          <Checkbox name="goodFaith" label="Good faith" checked={v.goodFaith === "on"} error={e.goodFaith}>
            I have a good-faith belief that the use described is not authorised by the copyright owner, its agent, or
            the law.
          </Checkbox>
          <Checkbox name="accurate" label="Accuracy and authority" checked={v.accurate === "on"} error={e.accurate}>
            The information in this notice is accurate and complete and, under penalty of perjury, I am the owner or
            authorised to act for the owner.
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
        <button type="submit">Send the notice</button>
        <p class="hint" id="pow-status" aria-live="polite"></p>
        <noscript>
          <p class="error">
            This form runs a short anti-abuse check in your browser, which needs JavaScript.
            {noticeEmail
              ? ` Without it, email your notice to ${noticeEmail}.`
              : " Please turn JavaScript on for this page to send it."}
          </p>
        </noscript>
      </form>
      <script src={assetPath("pow.js")} defer></script>
    </Layout>
  );
}
