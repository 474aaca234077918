/**
 * Issue 9, finding 1: a notice the dispatcher cannot process must not stall
 * everyone else's mail. Over-long fields are refused at the edge; a notice
 * that fails anyway (stored before a limit existed, or failing for a reason
 * nobody foresaw) is backed off, then parked as dead, operators are told, and
 * an operator can put it back.
 */
import { Abuse, Dispatch, Notice, Table } from "@takedown/core";
import { dynamo } from "@takedown/core/aws/dynamo";
import { describe, expect, it } from "vitest";
import { run } from "../../packages/local/src/dispatch";
import { call, newKey } from "../support/api";
import { confirmedNotice, fileJson, mailAbout, OPERATORS } from "../support/desk";
import { ingestSource, noticeInput } from "../support/fixtures";
import { inbox } from "../support/mailbox";

async function dispatchCli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { log: (line) => out.push(line), error: (line) => err.push(line) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const longEmail = `${"a".repeat(2_080)}@rights.example`;

/**
 * A notice the dispatcher fails on every time: one whose stored article id is
 * over DynamoDB's key limit, as a notice written by a buggy or older version
 * could be. (The over-long email of the review is refused at the edge now,
 * and its keys are bounded, so it no longer makes a poison notice.)
 */
async function poisonNotice(): Promise<string> {
  const { notice } = await confirmedNotice();
  await setArticleId(notice.id, "x".repeat(3_000));
  return notice.id;
}

async function setArticleId(id: string, articleId: string) {
  await dynamo().send("UpdateItem", {
    TableName: Table.name(),
    Key: Table.key.notice(id),
    UpdateExpression: "SET urls[0].articleId = :id",
    ExpressionAttributeValues: { ":id": articleId },
  });
}

describe("a poison notice", () => {
  it("is refused at the edge: an email over 254 characters answers 422, with a key and without", async () => {
    const { articles } = await ingestSource(1);
    const input = noticeInput([articles[0]!.originalUrl]);
    input.requester.email = longEmail;
    const key = await newKey();
    const keyed = await call("POST", "/takedowns", { key: key.secret, body: input });
    expect(keyed.status).toBe(422);
    const anonymous = await fileJson(input);
    expect(anonymous.status).toBe(422);
    const body = (await anonymous.json()) as { error: { issues: { path: string }[] } };
    expect(body.error.issues.map((i) => i.path)).toContain("requester.email");
    // Keys built from an address are bounded whatever its length: the sender's record reads.
    await expect(Abuse.standing(longEmail)).resolves.toEqual({ unfounded: 0, flagged: false });
  });

  it("is backed off, then parked as dead with operators told, while the next notice's mail goes out", async () => {
    const poison = await poisonNotice();
    const start = Date.now();
    const seen: number[] = [];
    for (let attempt = 1; attempt <= Dispatch.MAX_FAILURES; attempt++) {
      // Each sweep is past the last one's backoff; an honest notice filed meanwhile is not held up.
      const at = new Date(start + attempt * 16 * 60_000);
      const honest = await confirmedNotice();
      await Dispatch.sweep(at);
      expect((await mailAbout(honest.notice.id)).length, `honest notice, sweep ${attempt}`).toBe(1 + OPERATORS.length);
      const stored = await Notice.get(poison);
      seen.push(stored.dispatch?.failures ?? 0);
    }
    expect(seen).toEqual(Array.from({ length: Dispatch.MAX_FAILURES }, (_, i) => i + 1));
    const dead = await Notice.get(poison);
    expect(dead.dispatch?.dead).toBeTruthy();
    // Out of the due index: a later sweep does not look at it again.
    expect(await Dispatch.sweep(new Date(start + 48 * 3_600_000))).toBe(0);
    const listed = await dispatchCli("list");
    expect(listed.out).toMatch(
      new RegExp(`^${poison}  dead since \\S+  after ${Dispatch.MAX_FAILURES} failed runs`, "m"),
    );
    for (const operator of OPERATORS) {
      const alert = (await inbox(operator)).filter(
        (mail) => mail.subject.includes(poison) && /could not be processed/.test(mail.subject),
      );
      expect(alert).toHaveLength(1);
      expect(alert[0]!.body.text).toContain(`npm run dispatch -- retry ${poison}`);
    }

    // Repaired by an operator, then put back.
    const { articles } = await ingestSource(1);
    await setArticleId(poison, articles[0]!.id);
    expect((await dispatchCli("retry", poison)).code).toBe(0);
    expect((await dispatchCli("retry", poison)).err).toBe(`Nothing parked as dead has the id ${poison}.`);
    await Dispatch.sweep(new Date(Date.now() + 1_000));
    const revived = await Notice.get(poison);
    expect(revived.dispatch).toBeUndefined();
    expect(revived.outbox).toEqual({});
  });

  it("with a hundred poison notices due first, the sweep still reaches the honest one", async () => {
    const poisoned = await Promise.all(Array.from({ length: 101 }, poisonNotice));
    const honest = await confirmedNotice();
    await Dispatch.sweep(new Date(Date.now() + 1_000));
    expect((await mailAbout(honest.notice.id)).length).toBe(1 + OPERATORS.length);
    expect(poisoned).toHaveLength(101);
  });
});
