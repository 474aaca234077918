import * as Paths from "@takedown/core/paths";
import { Layout, TextField } from "../layout";

/** The sign-in form; `sent` once a link was asked for, which reads the same whoever asked. */
export function SignInPage(props: { email?: string; error?: string; sent?: boolean; formError?: string }) {
  return (
    <Layout title="Console sign-in">
      <h1>Operators' console</h1>
      {props.sent ? (
        <p class="notice-box" role="status">
          If this address belongs to an operator, a sign-in link is on its way to it. The link works once, within 15
          minutes.
        </p>
      ) : (
        <p>Enter your operator address and we will email you a link to sign in.</p>
      )}
      {props.formError && (
        <p class="error" role="alert">
          {props.formError}
        </p>
      )}
      <form method="post" action={Paths.routes.signIn} novalidate>
        <TextField
          label="Email address"
          name="email"
          type="email"
          autocomplete="email"
          value={props.email}
          error={props.error}
          required
        />
        <button type="submit">Email me a sign-in link</button>
      </form>
    </Layout>
  );
}

/** What a mailed link opens: a button, so that a mail scanner following the link signs nobody in. */
export function SignInLinkPage(props: { token: string }) {
  return (
    <Layout title="Sign in">
      <h1>Sign in to the console</h1>
      <p>This link works once. Press the button to sign in on this browser.</p>
      <form method="post" action={Paths.routes.signInLink}>
        <input type="hidden" name="token" value={props.token} />
        <button type="submit">Sign in</button>
      </form>
    </Layout>
  );
}
