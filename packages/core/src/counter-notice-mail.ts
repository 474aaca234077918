/**
 * Sends what a counter-notice has queued: the sweep's part for counter-notices
 * (Dispatch.sweep finds them in the due index, and runs them as it runs
 * notices: a counter-notice it keeps failing on is parked as dead, see
 * Dispatch.run). Apart from counter-notice.ts so that the site, which only
 * queues mail, bundles no SES client.
 */
import * as Article from "./article";
import * as Bounce from "./bounce";
import { entity, event, key, recordSteps, type CounterNotice, type Event, type Message } from "./counter-notice";
import * as Ids from "./ids";
import * as Log from "./logger";
import * as Mail from "./mail";
import * as Notice from "./notice";
import * as Outbox from "./outbox";
import * as Mails from "./render/counter-notice";
import { change, type Plan, when } from "./store";
import * as Table from "./table";

const LEASE_MS = 60_000;

/**
 * Sends what the counter-notice has queued, under a lease taken for
 * `holder` (the sweep may run twice at once), once its notices have recorded
 * what it went through. Each message is recorded as it
 * leaves; one that fails is retried with the notices' backoff, or given up as
 * a notice's is (Outbox.givenUp). A run that throws is the dispatcher's to
 * count (Dispatch.run).
 */
export async function deliver(id: string, now = new Date(), holder: string = Ids.newId()): Promise<void> {
  const claimed = await entity.updateRow(
    key(id),
    [change.set("holder", holder), change.set("lease", now.getTime() + LEASE_MS)],
    {
      condition: when.and(
        when.eq("gsi2pk", Table.due.partition),
        when.le("gsi2sk", Table.due.at(now).gsi2sk),
        when.or(when.missing("lease"), when.lt("lease", now.getTime()), when.eq("holder", holder)),
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
    if ("retry" in outcome) {
      retry = Math.min(retry ?? Infinity, message.attempts + 1);
      await entity.update(key(id), [
        change.set(["outbox", messageId, "attempts"], message.attempts + 1),
        change.set(["outbox", messageId, "lastError"], outcome.retry),
      ]);
      continue;
    }
    await entity.update(key(id), [...change.remove(["outbox", messageId]), change.append("events", [outcome])], {
      condition: when.exists(["outbox", messageId]),
    });
  }
  // A run that went through clears the count of failed ones.
  const release = change.remove("lease", "holder", ...(counter.dispatch ? ["dispatch"] : []));
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

/** What parking a counter-notice records on it: its queued mail is held, and why (Dispatch.run). */
export function parked(failures: number, error: string, now: Date): Plan {
  const held = `held after ${failures} failed runs (last error: ${error}); npm run dispatch -- retry puts it back`;
  return [change.append("events", [event("mail_failed", now, "system", held)])];
}

async function sendOne(
  counter: CounterNotice,
  message: Message,
  context: Mails.Context,
  suppressed: Set<string>,
  now: Date,
): Promise<Event | { retry: string }> {
  const about = `${message.kind} → ${message.to}`;
  if (suppressed.has(message.to.toLowerCase()))
    return event("mail_failed", now, "system", `${about}: AddressSuppressed`);
  try {
    const email = Mails.compose(message.kind, counter, message, context, now.getTime());
    await Mail.paced();
    // No notice tag: a bounce must not be recorded on a notice this mail is not about.
    await Mail.send(email, { notice: "", kind: `counter_${message.kind}` });
    return event("mail_sent", now, "system", about);
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    const gaveUp = Outbox.givenUp(error, message, now);
    Log.warn("counter_notice.mail_failed", {
      counterNotice: counter.id,
      kind: message.kind,
      error: name,
      attempts: message.attempts + 1,
      gaveUp: Boolean(gaveUp),
    });
    return gaveUp ? event("mail_failed", now, "system", `${about}: ${name}`) : { retry: name };
  }
}
