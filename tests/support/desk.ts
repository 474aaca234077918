/**
 * Driving the desk as its users do, for the fault, concurrency, abuse and
 * security suites: file and confirm notices, press the buttons links open,
 * run the dispatcher until nothing is due, and read the table and the SES
 * mailbox afterwards.
 */
import { Dispatch, Links, Notice, Table } from "@takedown/core";
import { dynamo } from "@takedown/core/aws/dynamo";
import { app } from "@takedown/web";
import { ingestSource, noticeInput } from "./fixtures";
import type { Mail } from "./mailbox";
import { proofOfWork } from "./pow";

export const ORIGIN = "http://127.0.0.1:3999";
export const OPERATORS = ["ops-one@syndication.example", "ops-two@syndication.example"];

/** A notice over fresh articles, confirmed by its sender unless asked not to. */
export async function confirmedNotice(
  options: { articles?: number; confirm?: boolean; overrides?: Partial<Notice.Input> } = {},
) {
  const source = await ingestSource(options.articles ?? 1);
  const input = noticeInput([source.articles[0]!.originalUrl], options.overrides);
  const filed = await Notice.file(input);
  const notice =
    options.confirm === false
      ? filed
      : await Notice.confirmAnonymous(filed.id, tokenOf(Links.act(filed.id, "confirm", input.requester.email)));
  return { ...source, input, notice };
}

export function tokenOf(link: string): string {
  return new URL(link).searchParams.get("token")!;
}

/** Presses the button on the page a link opens: a same-origin form POST. */
export function press(link: string, fields: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const url = new URL(link);
  return app.request(url.pathname, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams({ token: url.searchParams.get("token")!, ...fields }).toString(),
  });
}

export const approve = (id: string, operator = OPERATORS[0]!) => press(Links.act(id, "approve", operator));
export const reject = (id: string, reason = "Not the author.", operator = OPERATORS[0]!) =>
  press(Links.act(id, "reject", operator), { reason });

/** Files a notice through the JSON API as an anonymous system does: with a solved challenge. */
export function fileJson(body: unknown) {
  return app.request("/api/v1/takedowns", {
    method: "POST",
    headers: { "content-type": "application/json", ...proofOfWork() },
    body: JSON.stringify(body),
  });
}

/** Runs the dispatcher, later and later, until nothing is due; returns the rounds it took. */
export async function drain(from = Date.now(), rounds = 12): Promise<number> {
  for (let round = 1; round <= rounds; round++) {
    // Each round is past every lease (60 s) and backoff (≤ 15 min) the last could leave.
    if (!(await Dispatch.sweep(new Date(from + round * 16 * 60_000)))) return round - 1;
  }
  throw new Error(`Work was still due after ${rounds} sweeps`);
}

/** Every item of one type in this file's table. */
export async function itemsOf(type: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send("Scan", {
      TableName: Table.name(),
      FilterExpression: "#type = :type",
      ExpressionAttributeNames: { "#type": "type" },
      ExpressionAttributeValues: { ":type": type },
      ExclusiveStartKey: start,
    });
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Every mail SES received about a notice, wherever it went. */
export async function mailAbout(noticeId: string, sesUrl = process.env.SES_ENDPOINT!): Promise<Mail[]> {
  const response = await fetch(`${sesUrl}/store`);
  const { emails } = (await response.json()) as { emails: Mail[] };
  return emails.filter((mail) => mail.subject.includes(noticeId));
}

/** "receipt → writer@…", one entry per mail, for comparing what was sent with what should be. */
export function deliveries(mail: Mail[]): string[] {
  return mail
    .map(
      (m) =>
        `${/received/.test(m.subject) ? "receipt" : /was (approved|rejected)/.test(m.subject) ? "decision" : "review"} → ${m.destination.to.join(",")}`,
    )
    .sort();
}

export const events = (notice: Notice.Notice, type: Notice.Notice["events"][number]["type"]) =>
  notice.events.filter((event) => event.type === type);
