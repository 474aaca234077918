/**
 * The three emails of the workflow, as text and HTML, and sending them
 * through SES. Everything a requester typed is escaped in the HTML part.
 */
import { SendEmailCommand } from "@aws-sdk/client-ses";
import type { Standing } from "./abuse";
import type { Article } from "./article";
import * as Provenance from "./provenance";
import { ses } from "./aws/ses";
import { config } from "./config";
import * as Links from "./links";
import type { MailKind } from "./moderation";
import { outcomes, writesFromSource, type Notice } from "./notice";
import { reveal, revealAll } from "./text";

export type Email = { to: string; subject: string; text: string; html: string };

const ESCAPES: Record<string, string> = {
  "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
};

export function escape(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

/** Subjects are single-line headers: no CR/LF from user input reaches them. */
function oneLine(value: string, max = 120): string {
  const flat = value.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A block of paragraphs, each line a fact; links stay clickable. */
type Line = string | { label: string; href: string };
type Section = { heading?: string; lines: Line[] };

function render(to: string, subject: string, sections: Section[]): Email {
  const text = sections
    .map(({ heading, lines }) =>
      [heading ? `${heading}\n` : "", ...lines.map((line) => (typeof line === "string" ? line : `${line.label}: ${line.href}`))].join("\n"),
    )
    .join("\n\n");
  const html = [
    `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;max-width:40em">`,
    ...sections.map(
      ({ heading, lines }) =>
        (heading ? `<h3>${escape(heading)}</h3>` : "") +
        lines
          .map((line) =>
            typeof line === "string"
              ? `<p style="white-space:pre-wrap;margin:.3em 0">${escape(line)}</p>`
              : `<p><a href="${escape(line.href)}">${escape(line.label)}</a></p>`,
          )
          .join(""),
    ),
    `</body></html>`,
  ].join("");
  return { to, subject: oneLine(subject), text, html };
}

function scopeText(notice: Notice): string {
  const scope = {
    urls: "the listed articles",
    author: "every article by the author(s) of the listed articles, at their source",
    source: "every article from the source site(s) of the listed articles",
  }[notice.scope];
  const future = notice.future
    ? notice.scope === "source"
      ? "; future articles from the same source are to be blocked too"
      : "; future articles by the same author are to be blocked too"
    : "; future articles are not covered";
  return scope + future;
}

function summary(notice: Notice): Section {
  return {
    heading: "Your notice",
    lines: [
      `Reference: ${notice.id}`,
      `Filed: ${notice.createdAt}`,
      `Covers: ${scopeText(notice)}`,
      ...notice.urls.map((u) => `• ${u.url}`),
    ],
  };
}

function receipt(notice: Notice, now: number): Email {
  return render(notice.requester.email, `We received your takedown notice ${notice.id}`, [
    {
      lines: [
        `Hello ${notice.requester.name},`,
        "We have received your notice. Please confirm that this is your email address; our reviewers will see the notice once you do. The link opens a page with a button, and works for 7 days.",
      ],
    },
    { lines: [{ label: "Confirm my notice", href: Links.act(notice.id, "confirm", notice.requester.email, now) }] },
    summary(notice),
    { lines: [{ label: "Follow its status", href: Links.status(notice.id) }] },
    { lines: ["If you did not send this notice, ignore this email and nothing will happen."] },
  ]);
}

function review(notice: Notice, operator: string, articles: Map<string, Article>, now: number, standing?: Standing): Email {
  const { requester } = notice;
  const sources = [...new Set(notice.subjects.map((s) => s.sourceDomain))];
  const fromSource = sources.filter((domain) => writesFromSource(notice, domain));
  return render(
    operator,
    `Takedown notice ${notice.id}: ${requester.role} asks to remove ${notice.urls.length} URL(s)`,
    [
      {
        heading: "Who asks",
        lines: [
          `${requester.name} <${requester.email}>${requester.organization ? `, ${requester.organization}` : ""}`,
          ...(standing?.flagged
            ? [`WARNING: operators rejected ${standing.unfounded} earlier notices from this address as manifestly unfounded.`]
            : []),
          `Role: ${requester.role}`,
          sources.length === 0
            ? "Email domain: no listed URL matched an article, so there is no source to compare with."
            : fromSource.length
              ? `Email domain: matches the source (${fromSource.join(", ")}).`
              : `Email domain: does NOT match the source (${sources.join(", ")}).`,
          ...(requester.address ? [`Address: ${requester.address}`] : []),
          ...(requester.phone ? [`Phone: ${requester.phone}`] : []),
          `Signed: ${notice.signature}`,
          ...(notice.filedWith
            ? [`Filed with API key "${notice.filedWith.name}" (${notice.filedWith.id}), whose owner is vetted: the address was not confirmed by email.`]
            : []),
        ],
      },
      { heading: "What it covers", lines: [`Scope: ${scopeText(notice)}`] },
      {
        heading: "URLs",
        lines: notice.urls.map(({ url, articleId }) => {
          const article = articleId ? articles.get(articleId) : undefined;
          return article
            ? `• ${url}\n  → ${reveal(`"${article.title}" from ${article.sourceName} (${article.sourceDomain}), by ${article.author}`)}\n  → ${Provenance.describe(article)}`
            : `• ${url}\n  → not found on our site`;
        }),
      },
      { heading: "The work", lines: [notice.work] },
      { heading: "Why it is not authorised", lines: [notice.explanation] },
      {
        heading: "Decide",
        lines: [
          "Each link opens a page showing the notice; nothing changes until you press its button.",
          { label: "Approve and hide the articles", href: Links.act(notice.id, "approve", operator, now) },
          { label: "Reject, with a reason", href: Links.act(notice.id, "reject", operator, now) },
        ],
      },
    ],
  );
}

function decision(notice: Notice): Email {
  const { decision: decided } = notice;
  if (!decided) throw new Error(`Notice ${notice.id} has no decision to announce.`);
  const approved = decided.action === "approved";
  const hidden = outcomes(notice).filter((u) => u.outcome === "hidden").length;
  return render(notice.requester.email, `Your takedown notice ${notice.id} was ${decided.action}`, [
    {
      lines: [
        `Hello ${notice.requester.name},`,
        approved
          ? `Our operators approved your notice on ${decided.at}. ${hidden} listed article(s) are no longer shown${notice.scope === "urls" ? "" : ", nor is anything else the notice covers"}${notice.future ? ", and future articles it covers will be blocked when they arrive" : ""}.`
          : `Our operators rejected your notice on ${decided.at}. Nothing was removed.`,
        ...(decided.reason ? [`Reason: ${decided.reason}`] : []),
        "The decision was taken by a person; no automated means were used.",
      ],
    },
    summary(notice),
    {
      heading: "If you disagree",
      lines: [
        `You may contest this decision free of charge within 6 months by replying to this email or writing to ${config().mailFrom}, quoting reference ${notice.id}. A person will review it. You may also use out-of-court dispute settlement or the courts.`,
        { label: "See the notice and its outcome", href: Links.status(notice.id) },
      ],
    },
  ]);
}

export function compose(
  kind: MailKind,
  notice: Notice,
  operator: string | undefined,
  articles: Map<string, Article>,
  now = Date.now(),
  standing?: Standing,
): Email {
  const shown = revealAll(notice);
  switch (kind) {
    case "receipt":
      return receipt(shown, now);
    case "review":
      return review(shown, operator!, articles, now, standing);
    case "decision":
      return decision(shown);
  }
}

/** Sends through SES and returns its message id. */
export async function send(email: Email): Promise<string | undefined> {
  const { MessageId } = await ses().send(
    new SendEmailCommand({
      Source: config().mailFrom,
      Destination: { ToAddresses: [email.to] },
      Message: {
        Subject: { Data: email.subject, Charset: "UTF-8" },
        Body: {
          Text: { Data: email.text, Charset: "UTF-8" },
          Html: { Data: email.html, Charset: "UTF-8" },
        },
      },
    }),
  );
  return MessageId;
}
