/** The console's sign-in mail: the link, and what to do when nobody asked for it. */
import { config } from "../config";
import * as Paths from "../paths";
import * as Session from "../session";
import { Line, Link, renderMail, Section, type Email } from "./mail";

export function signInMail(request: { id: string; email: string }): Email {
  const link = `${config().publicUrl}${Paths.routes.signInLink}?token=${Session.tokenOf(request.id)}`;
  return renderMail(
    [request.email],
    "Your sign-in link for the Takedown Desk console",
    <>
      <Section>
        <Line>Someone, probably you, asked to sign in to the Takedown Desk console with this address.</Line>
        <Line>The link opens a page with a button; it works once, within 15 minutes.</Line>
      </Section>
      <Section>
        <Link href={link}>Sign in to the console</Link>
      </Section>
      <Section>
        <Line>If you did not ask for it, ignore this email: nobody can sign in without the link.</Line>
      </Section>
    </>,
  );
}
