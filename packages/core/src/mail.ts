/**
 * The emails of the workflow, as text and HTML (render/mails.tsx), and
 * sending them through SES.
 */
import { records, standingOf, type Standing } from "./abuse";
import * as ApiKey from "./api-key";
import * as Article from "./article";
import { ses } from "./aws/ses";
import { suppressedAddresses, suppressedIn, suppressedKeys } from "./bounce";
import { config } from "./config";
import * as Grounds from "./grounds";
import type { MailKind } from "./moderation";
import type { Notice } from "./notice";
import * as Present from "./present";
import type { Email } from "./render/mail";
import * as Mails from "./render/mails";
import * as Store from "./store";
import { revealAll } from "./text";
import * as Webhook from "./webhook";

export type { Email } from "./render/mail";
export { deadNotice } from "./render/mails";

/** What composing a message needs besides the notice: its articles, the sender's record, what an approval would cover. */
export type Context = {
  articles: Map<string, Article.Article>;
  standing?: Standing;
  counts?: Map<string, number>;
  /** Recipients the desk no longer mails (Bounce). */
  suppressed: Set<string>;
  /** The statement-of-reasons templates in force, when a mail states reasons. */
  grounds?: Grounds.Ground[];
  /** The names of the API keys that acted, by key id. */
  keyNames?: Map<string, string>;
  /** When a status change is queued: the endpoints of `notices:review` keys, which hear of it too (Webhook.fanOut). */
  reviewing?: Set<string>;
};

/** The mail that states reasons (DSA Art. 17), with the templates and the keys' names it needs. */
const REASONED = new Set(["decision", "reversal", "restoration"]);

/**
 * Reads what the queued kinds of mail will show, and only that, with which
 * of `recipients` must not be mailed, and who else hears of a queued status
 * change: one batch read (and, for review mail, the count of what an
 * approval would hide).
 */
export async function contextFor(notice: Notice, kinds: readonly string[], recipients: string[]): Promise<Context> {
  const review = kinds.includes("review");
  const webhook = kinds.includes("webhook");
  const reasoned = kinds.some((kind) => REASONED.has(kind));
  const ids = review || reasoned ? notice.urls.flatMap((u) => u.articleId ?? []) : [];
  const keys = reasoned ? [...new Set(notice.events.flatMap((e) => Present.keyOf(e.by) ?? []))] : [];
  const along = {
    keys: [
      ...suppressedKeys(recipients),
      ...(review ? [records.key(notice.requester.email)] : []),
      ...(reasoned ? [Grounds.reader.key()] : []),
      ...keys.map((id) => ApiKey.entity.key(id)),
      ...(webhook ? [Webhook.reviewers.key()] : []),
    ],
    entities: {
      suppressed: suppressedAddresses,
      records,
      grounds: Grounds.reader.entity,
      apiKeys: ApiKey.entity,
      reviewers: Webhook.reviewers,
    },
  };
  const [read, counts] = await Promise.all([
    ids.length
      ? // Consistent: the dispatcher may have applied this notice's effects a moment ago.
        Article.getManyAlong(ids, along, { consistent: true })
      : Store.getManyEach(along.keys, along.entities).then((found) => ({
          articles: new Map<string, Article.Article>(),
          found,
        })),
    review ? Present.scopeCounts(notice) : undefined,
  ]);
  return {
    articles: read.articles,
    suppressed: suppressedIn(read.found.suppressed),
    ...(review ? { standing: standingOf(read.found.records[0]), counts } : {}),
    ...(reasoned
      ? {
          grounds: read.found.grounds[0]?.grounds,
          keyNames: new Map(read.found.apiKeys.map((key) => [key.id, key.name])),
        }
      : {}),
    ...(webhook ? { reviewing: read.found.reviewers[0]?.endpoints ?? new Set<string>() } : {}),
  };
}

export function compose(
  kind: MailKind,
  notice: Notice,
  operator: string | undefined,
  context: Context,
  now = Date.now(),
): Email {
  const shown = revealAll(notice);
  switch (kind) {
    case "receipt":
      return Mails.receipt(shown, now);
    case "review":
      return Mails.review(shown, operator!, context, now);
    case "decision":
      return Mails.decision(shown, context);
    case "reversal":
    case "restoration":
      return Mails.reversal(shown, context);
    case "info_request":
      return Mails.infoRequest(shown);
    // An objection queued before appeals replaced it is mailed as the appeal it now is.
    case "contest":
    case "appeal":
      return Mails.toOperators("appeal", shown, operator!, now);
    case "info_answer":
    case "withdrawal":
      return Mails.toOperators(kind, shown, operator!, now);
  }
}

/**
 * Spaces sends out to the account's SES rate (SES_MAX_SEND_RATE), across all
 * the mail this worker sends at once (notices' and counter-notices'). Each
 * caller takes the next free slot and waits for it.
 */
let nextSlot = 0;
export async function paced(): Promise<void> {
  const now = Date.now();
  const slot = Math.max(now, nextSlot);
  nextSlot = slot + 1000 / config().sesMaxSendRate;
  if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
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
    const { MessageId } = await ses().sendEmail({
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
    });
    if (MessageId) ids.push(MessageId);
  }
  return ids.join(" ") || undefined;
}
