/** The public form, filled in and sent as a browser would. */
import { app } from "@takedown/web";
import { ORIGIN } from "../support/desk";
import { ingestSource, noticeInput } from "../support/fixtures";

let article: Promise<string> | undefined;

/** The form's fields for a notice about this file's article, from a fresh sender unless `email` is given. */
export async function formFields(email?: string): Promise<Record<string, string>> {
  article ??= ingestSource(1).then(({ articles }) => articles[0]!.originalUrl);
  const input = noticeInput([await article]);
  return {
    name: input.requester.name,
    email: email ?? input.requester.email,
    role: input.requester.role,
    urls: input.urls.join("\n"),
    scope: input.scope,
    work: input.work,
    explanation: input.explanation,
    goodFaith: "on",
    accurate: "on",
    signature: input.signature,
  };
}

/** Posts the form from our own page; `ip` is the peer the host saw. */
export function submitForm(fields: Record<string, string>, ip = "198.51.100.7") {
  return app.request(
    "/takedown",
    {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    },
    { incoming: { socket: { remoteAddress: ip } } },
  );
}
