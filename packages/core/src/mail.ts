/**
 * The emails of the workflow, as text and HTML, and sending them
 * through SES. Everything a requester typed is escaped in the HTML part.
 */
import { SendEmailCommand } from "@aws-sdk/client-ses";
import { records, standingOf, type Standing } from "./abuse";
import * as Article from "./article";
import { ses } from "./aws/ses";
import { suppressedAddresses, suppressedIn, suppressedKeys, undelivered } from "./bounce";
import { config } from "./config";
import * as Links from "./links";
import type { MailKind } from "./moderation";
import type { Notice } from "./notice";
import * as Present from "./present";
import * as Provenance from "./provenance";
import * as Store from "./store";
import { reveal, revealAll } from "./text";

export type Email = { to: string[]; subject: string; text: string; html: string };

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

function render(to: string[], subject: string, sections: Section[]): Email {
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
  return { to, subject: oneLine(subject, 200), text, html };
}

function summary(notice: Notice, rows: Present.UrlRow[]): Section {
  return {
    heading: "Your notice",
    lines: [
      `Reference: ${notice.id}`,
      `Filed: ${Present.date(notice.createdAt)}`,
      `Covers: ${Present.scopeLine(notice)}`,
      ...rows.map((row) => `• ${row.url}\n  → ${Present.stateText(row)}`),
    ],
  };
}

/**
 * The receipt goes to an address nobody has confirmed, so it carries nothing
 * the sender typed (name, URLs, text): whoever types someone else's address
 * cannot use it to mail them a message. The confirm page shows the notice.
 */
function receipt(notice: Notice, now: number): Email {
  return render(Present.mailTo(notice), `We received your takedown notice ${notice.id}`, [
    {
      lines: [
        "Hello,",
        "We have received a takedown notice that gives this email address as its sender's. Please confirm that you sent it; our reviewers will see the notice once you do. The link opens a page showing the notice with a button, and works for 7 days.",
      ],
    },
    { lines: [{ label: "Review and confirm the notice", href: Links.act(notice.id, "confirm", notice.requester.email, now) }] },
    { heading: "The notice", lines: [`Reference: ${notice.id}`, `Filed: ${Present.date(notice.createdAt)}`] },
    { lines: [{ label: "Follow its status", href: Links.status(notice.id) }] },
    { lines: ["If you did not send this notice, ignore this email and nothing will happen."] },
  ]);
}

function review(notice: Notice, operator: string, context: Context, now: number): Email {
  const { requester } = notice;
  const { standing } = context;
  const rows = Present.urlRows(notice, context.articles);
  return render(
    [operator],
    `Takedown notice ${notice.id}: ${requester.role} asks to remove ${Present.asks(notice)}`,
    [
      {
        heading: "Who asks",
        lines: [
          `${requester.name} <${requester.email}>${requester.organization ? `, ${requester.organization}` : ""}`,
          ...(standing?.flagged
            ? [`WARNING: operators rejected ${standing.unfounded} earlier notices from this address as manifestly unfounded.`]
            : []),
          `Role: ${requester.role}`,
          ...Present.checkLines(notice).map((line) => line.text),
          ...(requester.address ? [`Address: ${requester.address}`] : []),
          ...(requester.phone ? [`Phone: ${requester.phone}`] : []),
          `Signed: ${notice.signature}`,
          ...undelivered(notice).map((failure) => `Mail to the requester could not be delivered (${Present.date(failure.at)}): ${failure.reason}.`),
          ...(notice.filedWith ? [Present.keyLine(notice)!] : []),
        ],
      },
      {
        heading: "What approving will do",
        lines: [`Scope: ${Present.scopeLine(notice)}`, ...Present.approvalPlan(notice, rows, context.counts ?? new Map())],
      },
      {
        heading: "URLs",
        lines: rows.map(({ url, article, ...row }) =>
          article && row.state !== "repeat"
            ? `• ${url}\n  → ${reveal(`"${article.title}" from ${article.sourceName} (${article.sourceDomain}), by ${article.author}`)}; ${Present.stateText(row)}\n  → ${Provenance.describe(article)}`
            : `• ${url}\n  → ${Present.stateText(row)}`,
        ),
      },
      { heading: "The work", lines: [notice.work] },
      { heading: "Why it is not authorised", lines: [notice.explanation] },
      {
        heading: "Decide",
        lines: [
          "Each link opens a page showing the notice; nothing changes until you press its button.",
          { label: "Approve", href: Links.act(notice.id, "approve", operator, now) },
          { label: "Reject, with a reason", href: Links.act(notice.id, "reject", operator, now) },
        ],
      },
    ],
  );
}

function decision(notice: Notice, articles: Map<string, Article.Article>): Email {
  const { decision: decided } = notice;
  if (!decided) throw new Error(`Notice ${notice.id} has no decision to announce.`);
  const rows = Present.urlRows(notice, articles);
  const { noticeEmail } = config();
  return render(Present.mailTo(notice), `Your takedown notice ${notice.id} was ${decided.action}`, [
    {
      lines: [
        `Hello ${notice.requester.name},`,
        `${Present.capitalised(Present.operatorName(decided.by))} ${decided.action} your notice on ${Present.date(decided.at)}. ${Present.decisionOutcome(notice, rows)}`,
        ...(decided.reason ? [`Reason: ${decided.reason}`] : []),
        "The decision was taken by a person; no automated means were used.",
      ],
    },
    summary(notice, rows),
    {
      heading: "If you disagree",
      lines: [
        `You may contest this decision free of charge within 6 months: press "Contest this decision" on your notice's page and say why. A person who did not take it will review it.${noticeEmail ? ` You may also write to ${noticeEmail}, quoting reference ${notice.id}.` : ""} You may also use out-of-court dispute settlement or the courts.`,
        { label: "Contest this decision", href: `${Links.status(notice.id)}#contest` },
      ],
    },
  ]);
}

function contested(notice: Notice, operator: string): Email {
  const objection = [...notice.events].reverse().find((e) => e.type === "contested");
  const { decision: decided } = notice;
  return render([operator], `Takedown notice ${notice.id} contested by its sender`, [
    {
      lines: [
        `${notice.requester.name} <${notice.requester.email}> contests the decision on notice ${notice.id}` +
          (decided ? `: ${decided.action} by ${decided.by} on ${Present.date(decided.at)}${decided.reason ? ` (reason: ${decided.reason})` : ""}.` : "."),
        `Their objection, ${objection ? `sent ${Present.date(objection.at)}` : ""}:`,
        objection?.type === "contested" ? objection.objection : "",
        "A person other than the one who decided must review it (DSA Art. 20), and tell the sender the outcome.",
      ],
    },
    { lines: [{ label: "The public notice", href: Links.publicNotice(notice.id) }] },
  ]);
}

/** What composing a message needs besides the notice: its articles, the sender's record, what an approval would cover. */
export type Context = {
  articles: Map<string, Article.Article>;
  standing?: Standing;
  counts?: Map<string, number>;
  /** Recipients the desk no longer mails (Bounce). */
  suppressed: Set<string>;
};

/**
 * Reads what the queued kinds of mail will show, and only that, with which
 * of `recipients` must not be mailed: one batch read (and, for review mail,
 * the count of what an approval would hide).
 */
export async function contextFor(notice: Notice, kinds: readonly string[], recipients: string[]): Promise<Context> {
  const review = kinds.includes("review");
  const ids = review || kinds.includes("decision") ? notice.urls.flatMap((u) => u.articleId ?? []) : [];
  const along = {
    keys: [...suppressedKeys(recipients), ...(review ? [records.key(notice.requester.email)] : [])],
    entities: { suppressed: suppressedAddresses, records },
  };
  const [read, counts] = await Promise.all([
    ids.length
      ? // Consistent: the dispatcher may have applied this notice's effects a moment ago.
        Article.getManyAlong(ids, along, { consistent: true })
      : Store.getManyEach(along.keys, along.entities).then((found) => ({ articles: new Map<string, Article.Article>(), found })),
    review ? Present.scopeCounts(notice) : undefined,
  ]);
  return {
    articles: read.articles,
    suppressed: suppressedIn(read.found.suppressed),
    ...(review ? { standing: standingOf(read.found.records[0]), counts } : {}),
  };
}

export function compose(kind: MailKind, notice: Notice, operator: string | undefined, context: Context, now = Date.now()): Email {
  const shown = revealAll(notice);
  switch (kind) {
    case "receipt":
      return receipt(shown, now);
    case "review":
      return review(shown, operator!, context, now);
    case "decision":
      return decision(shown, context.articles);
    case "contest":
      return contested(shown, operator!);
  }
}

/**
 * Tells an operator that the dispatcher gave up on a notice (Dispatch.run).
 * Names the notice only: what failed may be the notice's own content.
 */
export function deadNotice(id: string, operator: string, error: string, failures: number): Email {
  return render([operator], `Takedown notice ${id} could not be processed`, [
    {
      lines: [
        `The dispatcher failed on notice ${id} ${failures} times in a row (last error: ${error}) and has stopped trying, so its mail and updates are held. Other notices are not affected.`,
        "Once the cause is dealt with, put it back in the queue:",
        `npm run dispatch -- retry ${id}`,
        "(npm run dispatch -- list shows every notice waiting like this.)",
      ],
    },
  ]);
}

/**
 * Sends through SES, one message per recipient (no recipient sees another's
 * address), and returns their message ids. A failure part-way sends the
 * earlier ones again on retry: mail is at least once (docs/reliability.md).
 * The tags come back in SES's bounce and complaint events, so a bounce finds
 * its notice (Bounce.recordSes).
 */
export async function send(email: Email, tags: { notice: string; kind?: string }): Promise<string | undefined> {
  const { mailFrom, noticeEmail } = config();
  const ids: string[] = [];
  for (const to of email.to) {
    const { MessageId } = await ses().send(
      new SendEmailCommand({
        Source: mailFrom,
        Destination: { ToAddresses: [to] },
        // Replies go to MAIL_FROM, which nobody reads, unless an address the desk reads is set.
        ...(noticeEmail ? { ReplyToAddresses: [noticeEmail] } : {}),
        Tags: Object.entries(tags).flatMap(([Name, Value]) => (Value ? [{ Name, Value }] : [])),
        Message: {
          Subject: { Data: email.subject, Charset: "UTF-8" },
          Body: {
            Text: { Data: email.text, Charset: "UTF-8" },
            Html: { Data: email.html, Charset: "UTF-8" },
          },
        },
      }),
    );
    if (MessageId) ids.push(MessageId);
  }
  return ids.join(" ") || undefined;
}
