/** Reads what aws-ses-v2-local received, as a person would read their inbox. */
import { inject } from "vitest";

export type Mail = {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
};

export async function inbox(to: string, sesUrl = process.env.SES_ENDPOINT ?? inject("sesEndpoint")): Promise<Mail[]> {
  const response = await fetch(`${sesUrl}/store`);
  const { emails } = (await response.json()) as { emails: Mail[] };
  return emails.filter((mail) => mail.destination.to.includes(to));
}

/** Waits until `to` has a message whose subject matches. */
export async function waitForMail(to: string, subject: RegExp, timeoutMs = 10_000): Promise<Mail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mail = (await inbox(to)).find((m) => subject.test(m.subject));
    if (mail) return mail;
    if (Date.now() > deadline) throw new Error(`No mail to ${to} matching ${subject}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The first link in a mail's text whose URL contains `word`. */
export function linkIn(mail: Mail, word: string): string {
  const link = (mail.body.text ?? "").match(new RegExp(`https?://\\S*${word}\\S*`))?.[0];
  if (!link) throw new Error(`No ${word} link in "${mail.subject}"`);
  return link;
}
