/**
 * A counter-notice's mail fails as a notice's can, and is handled the same
 * way: a message SES keeps refusing is given up after MAIL_GIVE_UP_HOURS and
 * recorded; a counter-notice the dispatcher fails on as a whole is backed
 * off, then parked as dead with operators told, listed and put back by
 * `npm run dispatch`; operators see both on the case page.
 */
import { config, CounterNotice, Dispatch, Links, Paths, Table } from "@takedown/core";
import { dynamo } from "@takedown/core/aws/dynamo";
import { describe, expect, it } from "vitest";
import { run } from "../../packages/local/src/dispatch";
import { page, signedIn } from "../support/console";
import { approve, confirmedNotice, drain, OPERATORS } from "../support/desk";
import { counterNoticeInput } from "../support/fixtures";
import { inbox } from "../support/mailbox";
import { intoSes } from "./inject";

const later = (ms: number) => new Date(Date.now() + ms);

async function dispatchCli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { log: (line) => out.push(line), error: (line) => err.push(line) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** A counter-notice filed with a key against an approved notice: open, with its mail queued. */
async function counterNotice() {
  const { notice, articles, input } = await confirmedNotice();
  expect((await approve(notice.id)).status).toBe(200);
  await drain();
  const counter = await CounterNotice.fileWithKey(counterNoticeInput(Links.article(articles[0]!.id)), {
    id: "k1",
    name: "Newsroom",
  });
  return { notice, counter, requester: input.requester.email };
}

/** What a buggy or older version could have stored: a notice id over DynamoDB's key limit. */
async function setNoticeId(id: string, noticeId: string) {
  await dynamo().send("UpdateItem", {
    TableName: Table.name(),
    Key: Table.key.counterNotice(id),
    UpdateExpression: "SET notices[0] = :id",
    ExpressionAttributeValues: { ":id": noticeId },
  });
}

const stored = async (id: string) => (await CounterNotice.find(id))!;

async function casePage(noticeId: string): Promise<string> {
  const cookie = await signedIn(OPERATORS[0]!);
  const answer = await page(Paths.caseOf(noticeId), cookie);
  expect(answer.status).toBe(200);
  return answer.text();
}

describe("a counter-notice the dispatcher keeps failing on", () => {
  it("is backed off, then parked as dead with operators told and the case page saying so; put back, its mail goes", async () => {
    const { notice, counter, requester } = await counterNotice();
    await setNoticeId(counter.id, "x".repeat(3_000));
    const start = Date.now();
    const seen: number[] = [];
    for (let attempt = 1; attempt <= Dispatch.MAX_FAILURES; attempt++) {
      await Dispatch.sweep(new Date(start + attempt * 16 * 60_000));
      seen.push((await stored(counter.id)).dispatch?.failures ?? 0);
    }
    expect(seen).toEqual(Array.from({ length: Dispatch.MAX_FAILURES }, (_, i) => i + 1));
    const dead = await stored(counter.id);
    expect(dead.dispatch?.dead).toBeTruthy();
    expect(dead.events.filter((e) => e.type === "mail_failed")).toEqual([
      expect.objectContaining({ detail: expect.stringMatching(/held after 5 failed runs/) }),
    ]);
    // Out of the due index: later sweeps leave it alone.
    expect(await Dispatch.sweep(new Date(start + 48 * 3_600_000))).toBe(0);
    expect((await dispatchCli("list")).out).toMatch(
      new RegExp(`^${counter.id}  counter-notice, dead since \\S+  after ${Dispatch.MAX_FAILURES} failed runs`, "m"),
    );
    for (const operator of OPERATORS) {
      const alerts = (await inbox(operator)).filter((mail) =>
        mail.subject.includes(`Counter-notice ${counter.id} could not be processed`),
      );
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.body.text).toContain(`npm run dispatch -- retry ${counter.id}`);
    }
    const shown = await casePage(notice.id);
    expect(shown).toContain("Its mail is held");
    expect(shown).toContain(`npm run dispatch -- retry ${counter.id}`);

    // Repaired, then put back: its mail goes, and the count is cleared.
    await setNoticeId(counter.id, notice.id);
    expect((await dispatchCli("retry", counter.id)).out).toContain(`Counter-notice ${counter.id} is due again`);
    await Dispatch.sweep(later(1_000));
    const revived = await stored(counter.id);
    expect(revived.dispatch).toBeUndefined();
    expect(revived.outbox).toEqual({});
    expect(revived.events.filter((e) => e.type === "mail_sent").map((e) => e.detail)).toContain(`copy → ${requester}`);
    expect(await casePage(notice.id)).not.toContain("Its mail is held");
  });
});

describe("counter-notice mail SES keeps refusing", () => {
  it("is tried again with the notices' backoff, given up after MAIL_GIVE_UP_HOURS, and shown on the case page", async () => {
    const { notice, counter, requester } = await counterNotice();
    const throttled = () =>
      Object.assign(new Error("Maximum sending rate exceeded."), {
        name: "Throttling",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
      });
    const fault = intoSes({ when: (_, body) => body.includes(requester), effect: { error: throttled } });
    try {
      await Dispatch.sweep(later(1_000));
      const waiting = Object.values((await stored(counter.id)).outbox);
      expect(waiting).toEqual([expect.objectContaining({ kind: "copy", attempts: 1, lastError: "Throttling" })]);
      await Dispatch.sweep(later(config().mailGiveUpMs + 60_000));
    } finally {
      fault.remove();
    }
    const after = await stored(counter.id);
    expect(after.outbox).toEqual({});
    expect(after.events.filter((e) => e.type === "mail_failed").map((e) => e.detail)).toEqual([
      `copy → ${requester}: Throttling`,
    ]);
    expect(fault.hits()).toBe(2);
    expect(await casePage(notice.id)).toContain(`copy → ${requester}: Throttling`);
  });
});
