/**
 * Delivers what notices have queued: their mail, and approvals' effects left
 * unfinished by a crashed request. On AWS the table's stream calls `process`
 * for each changed notice and a schedule calls `sweep`; locally a timer calls
 * `sweep`. Both may run at once: a lease on the notice lets one worker at a
 * time send its mail.
 */
import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as Article from "./article";
import { dynamo } from "./aws/dynamo";
import * as Db from "./db";
import * as Mail from "./mail";
import type { Event } from "./moderation";
import * as Notice from "./notice";
import * as Outbox from "./outbox";
import * as Table from "./table";

const LEASE_MS = 60_000;

async function claim(id: string, now: Date): Promise<Notice.Notice | undefined> {
  try {
    const result = await dynamo().send(
      new UpdateCommand({
        TableName: Table.name(),
        Key: Table.key.notice(id),
        UpdateExpression: "SET lease = :until ADD version :one",
        ConditionExpression: "attribute_exists(gsi2pk) AND (attribute_not_exists(lease) OR lease < :now)",
        ExpressionAttributeValues: {
          ":until": now.getTime() + LEASE_MS,
          ":now": now.getTime(),
          ":one": 1,
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    const { pk, sk, gsi2pk, gsi2sk, lease, type, ...notice } = result.Attributes!;
    return notice as Notice.Notice;
  } catch (error) {
    if (Db.isConditionFailure(error)) return undefined;
    throw error;
  }
}

type Outcome = { id: string; message: Outbox.Message; error?: string };

async function deliver(notice: Notice.Notice, now: Date): Promise<Outcome[]> {
  const pending = Object.entries(notice.outbox ?? {});
  const needsArticles = pending.some(([, message]) => message.kind === "review");
  const articles = needsArticles
    ? await Article.getMany(notice.urls.flatMap((u) => u.articleId ?? []))
    : new Map();
  return Promise.all(
    pending.map(async ([id, message]) => {
      try {
        await Mail.send(Mail.compose(message.kind, notice, message.to, articles, now.getTime()));
        return { id, message };
      } catch (error) {
        return { id, message, error: error instanceof Error ? error.name : "Error" };
      }
    }),
  );
}

/**
 * Records what was sent and reschedules what was not. The notice leaves the
 * due index only if nothing changed since the claim; otherwise a transition
 * queued more work and the next sweep will find it.
 */
async function complete(notice: Notice.Notice, outcomes: Outcome[], now: Date): Promise<void> {
  const sent = outcomes.filter((o) => !o.error);
  const failed = outcomes.filter((o) => o.error);
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ":one": 1 };
  const removes = ["lease"];
  const sets: string[] = [];
  sent.forEach(({ id }, i) => {
    names[`#s${i}`] = id;
    removes.push(`outbox.#s${i}`);
  });
  if (sent.length) {
    const at = now.toISOString();
    values[":sent"] = sent.map(
      ({ message }): Event => ({
        type: "mail_sent",
        at,
        by: "system",
        kind: message.kind,
        to: message.to ?? notice.requester.email,
      }),
    );
    sets.push("events = list_append(events, :sent)");
  }
  failed.forEach(({ id, message, error }, i) => {
    names[`#f${i}`] = id;
    values[`:f${i}`] = { ...message, attempts: message.attempts + 1, lastError: error };
    sets.push(`outbox.#f${i} = :f${i}`);
  });
  const retry = failed.length
    ? Outbox.retryAt(Math.min(...failed.map((f) => f.message.attempts + 1)), now)
    : undefined;
  const finished = !failed.length && !notice.effectsPending;
  const write = (leaveIndex: boolean) => {
    const update = [...sets];
    const remove = [...removes];
    const extra: Record<string, unknown> = {};
    if (!leaveIndex && finished) remove.push("gsi2pk", "gsi2sk");
    if (!leaveIndex && retry) {
      update.push("gsi2sk = :retry");
      extra[":retry"] = Table.due.at(retry).gsi2sk;
    }
    return dynamo().send(
      new UpdateCommand({
        TableName: Table.name(),
        Key: Table.key.notice(notice.id),
        UpdateExpression:
          (update.length ? `SET ${update.join(", ")} ` : "") + `REMOVE ${remove.join(", ")} ADD version :one`,
        ConditionExpression: leaveIndex ? undefined : "version = :claimed",
        ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
        ExpressionAttributeValues: { ...values, ...extra, ...(leaveIndex ? {} : { ":claimed": notice.version }) },
      }),
    );
  };
  try {
    await write(false);
  } catch (error) {
    if (!Db.isConditionFailure(error)) throw error;
    await write(true);
  }
}

/** Finishes one notice's queued work, if no other worker holds it. */
export async function process(id: string, now = new Date()): Promise<void> {
  const claimed = await claim(id, now);
  if (!claimed) return;
  const notice = claimed.effectsPending ? await Notice.applyEffects(claimed, now) : claimed;
  const outcomes = await deliver(notice, now);
  await complete(notice, outcomes, now);
}

/** Processes every notice whose work is due; returns how many it looked at. */
export async function sweep(now = new Date(), limit = 100): Promise<number> {
  const result = await dynamo().send(
    new QueryCommand({
      TableName: Table.name(),
      IndexName: Table.due.index,
      KeyConditionExpression: "gsi2pk = :due AND gsi2sk <= :now",
      ExpressionAttributeValues: { ":due": Table.due.partition, ":now": now.toISOString() },
      ProjectionExpression: "id",
      Limit: limit,
    }),
  );
  const ids = (result.Items ?? []).map((item) => item.id as string);
  await Promise.all(ids.map((id) => process(id, now)));
  return ids.length;
}
