import type { Child } from "hono/jsx";

export function Layout(props: { title: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{props.title} · Takedown Desk</title>
        <link rel="stylesheet" href="/assets/style.css" />
      </head>
      <body>
        <header class="site">
          <a href="/" class="brand">Takedown Desk</a>
          <nav>
            <a href="/takedown">Request removal</a>
          </nav>
        </header>
        <main>{props.children}</main>
        <footer class="site">
          Removal requests for republished articles. Notices are reviewed by people.
        </footer>
      </body>
    </html>
  );
}

export function Field(props: { label: string; name: string; error?: string; hint?: string; children: Child }) {
  const describedBy = [props.hint && `${props.name}-hint`, props.error && `${props.name}-error`]
    .filter(Boolean)
    .join(" ");
  return (
    <div class={props.error ? "field invalid" : "field"} data-field={props.name}>
      <label for={props.name}>{props.label}</label>
      {props.hint && <p class="hint" id={`${props.name}-hint`}>{props.hint}</p>}
      {props.error && (
        <p class="error" id={`${props.name}-error`} role="alert">
          {props.error}
        </p>
      )}
      <div aria-describedby={describedBy || undefined}>{props.children}</div>
    </div>
  );
}
