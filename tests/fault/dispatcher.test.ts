/**
 * The dispatcher killed at every point of a batch — before and after each of
 * its DynamoDB and SES calls — then restarted once its lease has run out.
 * A call that never answers is what a killed process looks like from the
 * outside: nothing after it runs.
 */
import { Dispatch, Notice } from "@takedown/core";
import { describe, expect, it } from "vitest";
import { confirmedNotice, deliveries, drain, events, mailAbout, OPERATORS } from "../support/desk";
import { figure } from "../support/figures";
import { intoDynamo, intoSes } from "./inject";

/** Runs one dispatch of `id` that dies at call number `killAt`; returns the commands it made, the last one killed. */
async function dispatchDyingAt(id: string, killAt: number, after: boolean): Promise<string[]> {
  const calls: string[] = [];
  const when = (command: string) => calls.push(command) - 1 === killAt;
  const faults = [intoDynamo({ when, effect: "hang", after }), intoSes({ when, effect: "hang", after })];
  try {
    await Promise.race([Dispatch.deliver(id), ...faults.map((fault) => fault.hung)]);
  } finally {
    for (const fault of faults) fault.remove();
  }
  return calls.slice(0, killAt + 1);
}

describe("a dispatcher killed mid-batch", () => {
  it("sends every email after a restart, and twice only if it died between SES accepting it and the record", async () => {
    const rows: { killAt: number; after: boolean; call: string; duplicated: string[] }[] = [];
    for (let killAt = 0; ; killAt++) {
      let finished = false;
      for (const after of [false, true]) {
        // A receipt and two operator reviews, queued and not yet sent.
        const { notice, input } = await confirmedNotice();
        const calls = await dispatchDyingAt(notice.id, killAt, after);
        const call = calls[killAt];
        const previous = calls[killAt - 1];
        if (calls.length <= killAt) {
          finished = true;
          break;
        }
        // Restarted after the dead worker's lease (60 s) ran out.
        await drain(Date.now() + 61_000);

        const sent = deliveries(await mailAbout(notice.id));
        const expected = [`receipt → ${input.requester.email}`, ...OPERATORS.map((o) => `review → ${o}`)];
        const duplicated = sent.filter((line, i) => sent.indexOf(line) !== i);
        expect([...new Set(sent)].sort()).toEqual(expected.sort());
        // Between SES accepting a message and its record landing, and only there.
        const inWindow = after ? call === "SendEmailCommand" : previous === "SendEmailCommand";
        expect(duplicated).toHaveLength(inWindow ? 1 : 0);
        const stored = await Notice.get(notice.id);
        expect(stored.outbox).toEqual({});
        expect(events(stored, "mail_sent")).toHaveLength(3);
        rows.push({ killAt, after, call: call!, duplicated });
      }
      if (finished) break;
    }
    expect(rows.length).toBeGreaterThanOrEqual(16);
    figure("fault.dispatcher-killed", {
      killPoints: rows.length,
      exactlyOnce: rows.filter((r) => !r.duplicated.length).length,
      oneEmailTwice: rows.filter((r) => r.duplicated.length).length,
      calls: rows.filter((r) => !r.after).map((r) => r.call),
    });
  });
});
