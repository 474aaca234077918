/**
 * Mail leaves through the outbox: with SES away a notice is still accepted,
 * and its mail goes out once SES answers again, exactly once.
 */
import { Dispatch, Notice } from "@takedown/core";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, startSes, type Engine } from "../../packages/local/src/engines";
import { ingestSource, noticeInput } from "../support/fixtures";
import { inbox } from "../support/mailbox";
import { withSettings } from "../support/settings";

const port = await freePort();
withSettings({ SES_ENDPOINT: `http://127.0.0.1:${port}` });

let ses: Engine | undefined;
afterAll(() => ses?.close());

const later = (ms: number) => new Date(Date.now() + ms);

describe("the outbox while SES is down", () => {
  it("keeps the notice, retries with backoff, and sends each mail once SES is back", async () => {
    const { articles } = await ingestSource(1);
    const input = noticeInput([articles[0]!.originalUrl]);
    const notice = await Notice.file(input);

    await Dispatch.sweep();
    const waiting = await Notice.get(notice.id);
    expect(waiting.status).toBe("awaiting_confirmation");
    expect(Object.values(waiting.outbox)).toMatchObject([{ kind: "receipt", attempts: 1 }]);
    // Not retried before its backoff is over.
    expect(await Dispatch.sweep(later(1_000))).toBe(0);

    ses = await startSes({ port });
    expect(await Dispatch.sweep(later(60_000))).toBe(1);
    await Dispatch.sweep(later(3_600_000));

    const mail = await inbox(input.requester.email, ses.url);
    expect(mail).toHaveLength(1);
    const sent = await Notice.get(notice.id);
    expect(sent.outbox).toEqual({});
    expect(sent.events.filter((e) => e.type === "mail_sent")).toHaveLength(1);
  });
});
