import * as Paths from "@takedown/core/paths";
import type { Child } from "hono/jsx";
import { assetPath } from "../assets";

export function Layout(props: { title: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{props.title} · Takedown Desk</title>
        <link rel="stylesheet" href={assetPath("style.css")} />
      </head>
      <body>
        <header class="site">
          <a href="/" class="brand">
            Takedown Desk
          </a>
          <nav>
            <a href={Paths.routes.form}>Request removal</a>
          </nav>
        </header>
        <main>{props.children}</main>
        <footer class="site">Removal requests for republished articles. Notices are reviewed by people.</footer>
      </body>
    </html>
  );
}

type FieldProps = { label: string; name: string; error?: string; hint?: string };

/** The ids of a field's hint and error, for the control's aria-describedby. */
function describedBy({ name, hint, error }: FieldProps): string | undefined {
  return [hint && `${name}-hint`, error && `${name}-error`].filter(Boolean).join(" ") || undefined;
}

function Messages({ name, hint, error }: FieldProps) {
  return (
    <>
      {hint && (
        <p class="hint" id={`${name}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="error" id={`${name}-error`}>
          {error}
        </p>
      )}
    </>
  );
}

export function TextField(
  props: FieldProps & {
    value?: string;
    type?: "text" | "email" | "tel";
    rows?: number;
    autocomplete?: string;
    required?: boolean;
  },
) {
  const common = {
    id: props.name,
    name: props.name,
    autocomplete: props.autocomplete,
    required: props.required,
    "aria-invalid": props.error ? "true" : undefined,
    "aria-describedby": describedBy(props),
  };
  return (
    <div class={props.error ? "field invalid" : "field"} data-field={props.name}>
      <label for={props.name}>{props.label}</label>
      <Messages {...props} />
      {props.rows ? (
        <textarea {...common} rows={props.rows}>
          {props.value}
        </textarea>
      ) : (
        <input {...common} type={props.type ?? "text"} value={props.value} />
      )}
    </div>
  );
}

/** Radio buttons, grouped so that the question is read with each choice. */
export function Choices(props: FieldProps & { value?: string; options: readonly (readonly [string, string])[] }) {
  return (
    <fieldset
      class={props.error ? "choices invalid" : "choices"}
      data-field={props.name}
      aria-describedby={describedBy(props)}
    >
      <legend>{props.label}</legend>
      <Messages {...props} />
      {props.options.map(([value, label]) => (
        <div class="choice">
          <input
            type="radio"
            id={`${props.name}-${value}`}
            name={props.name}
            value={value}
            checked={props.value === value}
          />{" "}
          <label for={`${props.name}-${value}`}>{label}</label>
        </div>
      ))}
    </fieldset>
  );
}

/** A checkbox the person ticks to make a statement. */
export function Checkbox(props: FieldProps & { checked: boolean; children: Child }) {
  return (
    <div class={props.error ? "field choice invalid" : "field choice"} data-field={props.name}>
      <Messages {...props} />
      <input
        type="checkbox"
        id={props.name}
        name={props.name}
        value="on"
        checked={props.checked}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy(props)}
      />{" "}
      <label for={props.name}>{props.children}</label>
    </div>
  );
}

/**
 * Above a form sent back: how many fields need attention (each says why beside it), that nothing
 * was sent, and the problems no field owns (the proof of work, the form as a whole).
 */
export function ErrorSummary(props: { errors: Partial<Record<string, string>> & { form?: string; proof?: string } }) {
  const e = props.errors;
  if (Object.keys(e).length === 0) return null;
  const wrong = Object.keys(e).filter((name) => name !== "form" && name !== "proof").length;
  return (
    <div class="errors" role="alert" id="form-errors">
      {wrong > 0 && <strong>{wrong === 1 ? "One field needs" : `${wrong} fields need`} your attention. </strong>}
      Nothing has been sent yet.
      {e.proof && <p id="proof-error">{e.proof}</p>}
      {e.form && <p id="form-problem">{e.form}</p>}
    </div>
  );
}
