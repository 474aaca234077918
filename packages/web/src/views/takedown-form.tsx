import { Notice } from "@takedown/core";
import { Field, Layout } from "./layout";

/** What the person typed, as the form's fields hold it. */
export type FormValues = Partial<Record<FormField, string>>;
export type FormField =
  | "name" | "email" | "organization" | "role" | "address" | "phone" | "urls" | "scope"
  | "future" | "work" | "explanation" | "goodFaith" | "accurate" | "signature";
export type FormErrors = Partial<Record<FormField, string>>;

const ROLES = [
  ["author", "I am the author"],
  ["publisher", "I represent the site that first published it (the publisher)"],
  ["agent", "I am an agent acting for the author or the publisher"],
] as const;

const SCOPES = [
  ["urls", "Only the articles listed above"],
  ["author", "Everything by the same author from the same source"],
  ["source", "Everything from the same source site"],
] as const;

export function TakedownForm(props: { values: FormValues; errors: FormErrors }) {
  const { values: v, errors: e } = props;
  const wrong = Object.values(e).length;
  return (
    <Layout title="Request removal">
      <h1>Request removal of a republished article</h1>
      <p>
        We republish articles from other sites' public feeds, with credit. If you wrote one of them, or
        represent the site that first published it, tell us here and a person will review your notice. We
        email you a receipt, then our decision and its reasons.
      </p>
      {wrong > 0 && (
        <div class="errors" role="alert" id="form-errors">
          <strong>{wrong === 1 ? "One field needs" : `${wrong} fields need`} your attention.</strong> Nothing has been sent yet.
        </div>
      )}
      <form method="post" action="/takedown" novalidate>
        <fieldset>
          <legend>About you</legend>
          <Field label="Full name" name="name" error={e.name}>
            <input type="text" id="name" name="name" value={v.name} autocomplete="name" required />
          </Field>
          <Field label="Email" name="email" error={e.email} hint="We send the receipt and the decision here. If you speak for a site, an address at that site's domain helps us verify you.">
            <input type="email" id="email" name="email" value={v.email} autocomplete="email" required />
          </Field>
          <Field label="Organisation (optional)" name="organization" error={e.organization}>
            <input type="text" id="organization" name="organization" value={v.organization} autocomplete="organization" />
          </Field>
          <Field label="You are" name="role" error={e.role}>
            {ROLES.map(([value, label]) => (
              <div class="field choice">
                <input type="radio" id={`role-${value}`} name="role" value={value} checked={v.role === value} />{" "}
                <label for={`role-${value}`}>{label}</label>
              </div>
            ))}
          </Field>
          <Field label="Postal address (optional)" name="address" error={e.address} hint="Optional here, but a notice under the US DMCA should include your address and phone number.">
            <textarea id="address" name="address" rows={2} autocomplete="street-address">{v.address}</textarea>
          </Field>
          <Field label="Phone (optional)" name="phone" error={e.phone}>
            <input type="tel" id="phone" name="phone" value={v.phone} autocomplete="tel" />
          </Field>
        </fieldset>

        <fieldset>
          <legend>What should be removed</legend>
          <Field label="Article URLs" name="urls" error={e.urls} hint={`One per line, up to ${Notice.MAX_URLS}: the address on our site or the original at your site.`}>
            <textarea id="urls" name="urls" rows={3} required>{v.urls}</textarea>
          </Field>
          <Field label="The notice covers" name="scope" error={e.scope}>
            {SCOPES.map(([value, label]) => (
              <div class="field choice">
                <input type="radio" id={`scope-${value}`} name="scope" value={value} checked={(v.scope ?? "urls") === value} />{" "}
                <label for={`scope-${value}`}>{label}</label>
              </div>
            ))}
          </Field>
          <div class="field choice">
            <input type="checkbox" id="future" name="future" value="on" checked={v.future === "on"} />{" "}
            <label for="future">
              Now and in the future: also block future articles by the same author (or, for the whole source, from that source).
            </label>
          </div>
        </fieldset>

        <fieldset>
          <legend>Your claim</legend>
          <Field label="The work" name="work" error={e.work} hint="Which work of yours was republished? For example the article's title and where it first appeared.">
            <textarea id="work" name="work" rows={3} required>{v.work}</textarea>
          </Field>
          <Field label="Why the republication is not authorised" name="explanation" error={e.explanation}>
            <textarea id="explanation" name="explanation" rows={4} required>{v.explanation}</textarea>
          </Field>
        </fieldset>

        <fieldset>
          <legend>Statements and signature</legend>
          <Field label="Good faith" name="goodFaith" error={e.goodFaith}>
            <div class="statement">
              <input type="checkbox" id="goodFaith" name="goodFaith" value="on" checked={v.goodFaith === "on"} />{" "}
              <label for="goodFaith">
                I have a good-faith belief that the use described is not authorised by the copyright owner, its agent, or the law.
              </label>
            </div>
          </Field>
          <Field label="Accuracy and authority" name="accurate" error={e.accurate}>
            <div class="statement">
              <input type="checkbox" id="accurate" name="accurate" value="on" checked={v.accurate === "on"} />{" "}
              <label for="accurate">
                The information in this notice is accurate and complete and, under penalty of perjury, I am the owner or authorised to act for the owner.
              </label>
            </div>
          </Field>
          <Field label="Signature" name="signature" error={e.signature} hint="Type your full name; it counts as your electronic signature.">
            <input type="text" id="signature" name="signature" value={v.signature} required />
          </Field>
        </fieldset>
        <button type="submit">Send the notice</button>
      </form>
    </Layout>
  );
}
