/**
 * aws-ses-v2-local stopped while notices are filed, confirmed and decided,
 * then started again on the same port: every notice is kept and moves on, and
 * every email goes out exactly once.
 */
import { Dispatch, Links, Notice } from "@takedown/core";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, startSes, type Engine } from "../../packages/local/src/engines";
import { approve, deliveries, drain, events, fileJson, mailAbout, OPERATORS, press, reject } from "../support/desk";
import { figure } from "../support/figures";
import { ingestSource, noticeInput } from "../support/fixtures";
import type { Mail } from "../support/mailbox";
import { withSettings } from "../support/settings";

const port = await freePort();
withSettings({ SES_ENDPOINT: `http://127.0.0.1:${port}` });

let ses: Engine | undefined;
afterAll(() => ses?.close());

async function fileOne() {
  const { articles } = await ingestSource(1);
  const input = noticeInput([articles[0]!.originalUrl]);
  const response = await fileJson(input);
  expect(response.status).toBe(202);
  const { id } = (await response.json()) as { id: string };
  return { id, email: input.requester.email };
}

describe("SES down in the middle of the workflow", () => {
  it("keeps every notice and sends every email once SES is back, none twice", async () => {
    ses = await startSes({ port });
    const early = await Promise.all(Array.from({ length: 6 }, fileOne));
    await drain();
    const before: Mail[] = (await Promise.all(early.map((n) => mailAbout(n.id, ses!.url)))).flat();
    expect(before).toHaveLength(6);

    await ses.close();
    const started = Date.now();
    for (const { id, email } of early) {
      expect((await press(Links.act(id, "confirm", email))).status).toBe(200);
    }
    const decided = await Promise.all(early.map(({ id }, i) => (i % 2 ? reject(id, "Not the author.") : approve(id))));
    expect(decided.map((r) => r.status)).toEqual(early.map(() => 200));
    const late = await Promise.all(Array.from({ length: 4 }, fileOne));
    // The dispatcher keeps trying while SES is away; each failure is recorded.
    await Dispatch.sweep();
    for (const { id } of [...early, ...late]) {
      const notice = await Notice.get(id);
      expect(Object.values(notice.outbox).every((message) => message.attempts >= 1)).toBe(true);
    }

    ses = await startSes({ port });
    const rounds = await drain();
    // The stand-in keeps its mailbox in memory across a restart in one process.
    const after: Mail[] = (await Promise.all([...early, ...late].map((n) => mailAbout(n.id, ses!.url))))
      .flat()
      .filter((mail) => !before.some((seen) => seen.messageId === mail.messageId));

    const expected = [
      ...early.flatMap(({ email }) => [
        `receipt → ${email}`,
        ...OPERATORS.map((o) => `review → ${o}`),
        `decision → ${email}`,
      ]),
      ...late.map(({ email }) => `receipt → ${email}`),
    ].sort();
    expect(deliveries([...before, ...after])).toEqual(expected);
    for (const [i, { id }] of early.entries()) {
      const notice = await Notice.get(id);
      expect(notice.status).toBe(i % 2 ? "rejected" : "approved");
      expect(notice.outbox).toEqual({});
      expect(events(notice, "mail_sent")).toHaveLength(4);
    }
    for (const { id } of late) expect((await Notice.get(id)).status).toBe("awaiting_confirmation");
    figure("fault.ses-down", {
      notices: early.length + late.length,
      emailsExpected: expected.length,
      emailsDelivered: before.length + after.length,
      sweepsAfterRestart: rounds,
      outageMs: Date.now() - started,
    });
  });
});
