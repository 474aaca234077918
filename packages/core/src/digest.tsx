/**
 * The operators' daily digest: notices that have waited longer than
 * REVIEW_SLA_HOURS for a decision, and counter-notices whose window closes
 * within two business days or closed and waits for an operator. One email
 * (a copy to each operator), and none when there is nothing to say. Sent by
 * a scheduled job, or at once by `npm run digest`; a job may send mail
 * itself (the site never does).
 */
import { config } from "./config";
import * as CounterNotice from "./counter-notice";
import * as Mail from "./mail";
import * as Moderation from "./moderation";
import * as Notice from "./notice";
import { Line, Link, renderMail, Section, type Email } from "./render/mail";
import * as Links from "./links";
import { plural } from "./present";
import { date } from "./text";
import * as Store from "./store";
import * as Table from "./table";

export type Waiting = { id: string; since: string; hours: number; status: Notice.Status; contested: boolean };

export type Digest = {
  waiting: Waiting[];
  /** Open windows that close within two business days. */
  closing: CounterNotice.CounterNotice[];
  /** Closed windows whose article is still withheld: an operator decides. */
  ready: CounterNotice.CounterNotice[];
};

/** Since when a notice has waited for an operator: its last confirmation, appeal, answer or counter-notice. */
function waitingSince(notice: Notice.Notice): string {
  const events: readonly string[] = ["filed", "confirmed", "appealed", "info_given", "counter_noticed", "contested"];
  return notice.events.filter((event) => events.includes(event.type)).at(-1)?.at ?? notice.createdAt;
}

export async function gather(now = new Date()): Promise<Digest> {
  const slaMs = config().reviewSlaMs;
  const before = new Date(now.getTime() - slaMs).toISOString();
  const [keys, closing, ready] = await Promise.all([
    // Pending notices are indexed by when they were filed, which is no later than when they began to wait.
    Promise.all([
      Store.keys({
        index: Table.queue.index,
        partition: Table.queue.partition("pending_review"),
        sort: { is: "<", value: before },
      }),
      Store.keys({ index: Table.queue.index, partition: Table.queue.partition("contested") }),
    ]).then((lists) => lists.flat()),
    CounterNotice.closingSoon(now),
    CounterNotice.ready(now),
  ]);
  const notices = await Notice.entity.getMany(keys);
  const waiting = notices
    .filter((notice) => notice.status !== "awaiting_information")
    .map((notice): Waiting => {
      const since = waitingSince(notice);
      return {
        id: notice.id,
        since,
        hours: Math.floor((now.getTime() - Date.parse(since)) / 3_600_000),
        status: notice.status,
        contested: Moderation.derive(notice.events).contested ?? false,
      };
    })
    .filter((entry) => now.getTime() - Date.parse(entry.since) > slaMs)
    .sort((a, b) => (a.since < b.since ? -1 : 1));
  return { waiting, closing, ready };
}

export const isEmpty = (digest: Digest) => !digest.waiting.length && !digest.closing.length && !digest.ready.length;

export function render(digest: Digest, now: Date): Email {
  const { waiting, closing, ready } = digest;
  const hours = config().reviewSlaMs / 3_600_000;
  return renderMail(
    config().operatorEmails,
    `Takedown Desk digest for ${date(now.toISOString())}: ${plural(waiting.length, "notice")} waiting, ${plural(
      closing.length + ready.length,
      "counter-notice",
    )} to restore`,
    <>
      {waiting.length > 0 && (
        <Section heading={`Waiting longer than ${hours} hours`}>
          {waiting.map((entry) => (
            <Line>
              • Notice {entry.id}: {entry.contested ? "contested, " : ""}waiting {entry.hours} hours, since{" "}
              {date(entry.since)}
            </Line>
          ))}
        </Section>
      )}
      {ready.length > 0 && (
        <Section heading="Counter-notices ready: the window closed without a court action">
          {ready.map((counter) => (
            <Line>
              • Counter-notice {counter.id} (notice {counter.notices.join(", ")}): closed{" "}
              {date(counter.closedAt ?? counter.closesAt!)}. Restore {Links.article(counter.articleId)} or keep it
              withheld
            </Line>
          ))}
        </Section>
      )}
      {closing.length > 0 && (
        <Section heading="Counter-notices whose restoration is due within two business days">
          {closing.map((counter) => (
            <Line>
              • Counter-notice {counter.id} (notice {counter.notices.join(", ")}): the window closes{" "}
              {date(counter.closesAt!)}
            </Line>
          ))}
        </Section>
      )}
      <Section>
        <Link href={`${config().publicUrl}/console`}>Open the console</Link>
      </Section>
    </>,
  );
}

/** Gathers and sends the digest; nothing is sent, and `undefined` returned, when there is nothing to say. */
export async function send(now = new Date()): Promise<Digest | undefined> {
  const digest = await gather(now);
  if (isEmpty(digest)) return undefined;
  await Mail.send(render(digest, now), { notice: "", kind: "digest" });
  return digest;
}
