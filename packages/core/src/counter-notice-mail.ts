/**
 * Sends what a counter-notice has queued: the sweep's part for counter-notices
 * (Dispatch.sweep finds them in the due index). Apart from counter-notice.ts
 * so that the site, which only queues mail, bundles no SES client.
 */
import * as Article from "./article";
import * as Bounce from "./bounce";
import { config } from "./config";
import { entity, event, key, recordSteps, type CounterNotice, type Event, type Message } from "./counter-notice";
import * as Ids from "./ids";
import * as Log from "./logger";
import * as Mail from "./mail";
import * as Notice from "./notice";
import * as Outbox from "./outbox";
import * as Mails from "./render/counter-notice";
import { change, when } from "./store";
import * as Table from "./table";

const LEASE_MS = 60_000;

/**
 * Sends what the counter-notice has queued, under a lease (the sweep may run
 * twice at once), once its notices have recorded what it went through. Each message is recorded as it leaves; one that fails for
 * a passing reason is retried with the notices' backoff until MAIL_GIVE_UP_HOURS.
 */
export async function deliver(id: string, now = new Date()): Promise<void> {
  const holder = Ids.newId();
  const claimed = await entity.updateRow(
    key(id),
    [change.set("holder", holder), change.set("lease", now.getTime() + LEASE_MS)],
    {
      condition: when.and(
        when.eq("gsi2pk", Table.due.partition),
        when.le("gsi2sk", Table.due.at(now).gsi2sk),
        when.or(when.missing("lease"), when.lt("lease", now.getTime())),
      ),
    },
  );
  if (!claimed) return;
  const counter = claimed.value;
  // Every write that moves a counter-notice on makes it due: this is where a step its notices missed is recorded.
  await recordSteps(counter, now);
  const messages = Object.entries(counter.outbox).sort(([a], [b]) => (a < b ? -1 : 1));
  const [suppressed, article, notices] = await Promise.all([
    Bounce.suppressed(messages.map(([, message]) => message.to)),
    Article.get(counter.articleId),
    Notice.entity.getMany(counter.notices.map((notice) => Notice.entity.key(notice))),
  ]);
  const context: Mails.Context = { article, notices: new Map(notices.map((notice) => [notice.id, notice])) };
  let retry: number | undefined;
  for (const [messageId, message] of messages) {
    const outcome = await sendOne(counter, message, context, suppressed, now);
    if (outcome === "retry") {
      retry = Math.min(retry ?? Infinity, message.attempts + 1);
      await entity.update(key(id), [change.set(["outbox", messageId, "attempts"], message.attempts + 1)]);
      continue;
    }
    await entity.update(key(id), [...change.remove(["outbox", messageId]), change.append("events", [outcome])], {
      condition: when.exists(["outbox", messageId]),
    });
  }
  const release = change.remove("lease", "holder");
  const settled = await entity.update(
    key(id),
    [
      ...release,
      ...(retry
        ? [change.set("gsi2sk", Table.due.at(Outbox.retryAt(retry, now)).gsi2sk)]
        : change.remove("gsi2pk", "gsi2sk")),
    ],
    { condition: when.and(when.eq("holder", holder), when.eq("version", counter.version)) },
  );
  // Queued meanwhile: left due, for the next sweep.
  if (!settled) await entity.update(key(id), release, { condition: when.eq("holder", holder) });
}

async function sendOne(
  counter: CounterNotice,
  message: Message,
  context: Mails.Context,
  suppressed: Set<string>,
  now: Date,
): Promise<Event | "retry"> {
  const about = `${message.kind} → ${message.to}`;
  if (suppressed.has(message.to.toLowerCase()))
    return event("mail_failed", now, "system", `${about}: AddressSuppressed`);
  try {
    const email = Mails.compose(message.kind, counter, message, context, now.getTime());
    // No notice tag: a bounce must not be recorded on a notice this mail is not about.
    await Mail.send(email, { notice: "", kind: `counter_${message.kind}` });
    return event("mail_sent", now, "system", about);
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    const expired = now.getTime() - Date.parse(message.queuedAt) >= config().mailGiveUpMs;
    Log.warn("counter_notice.mail_failed", { counterNotice: counter.id, kind: message.kind, error: name });
    return Bounce.isPermanent(error) || expired ? event("mail_failed", now, "system", `${about}: ${name}`) : "retry";
  }
}
