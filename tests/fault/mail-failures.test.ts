/**
 * Issue 10, findings 2, 3 and 7; issue 14, finding 8: mail that can never be
 * delivered is given up (at once when SES refuses it for good, after a
 * bounded time when it keeps failing for passing reasons), recorded on the
 * notice, shown to the requester and to operators; SES's bounce and
 * complaint events stop the desk mailing those addresses; the stream reports
 * what it could not finish; the sweep pages through everything due at the
 * account's SES rate.
 */
import { Bounce, config, Dispatch, Links, Notice, Table } from "@takedown/core";
import { dynamo } from "@takedown/core/aws/dynamo";
import { app } from "@takedown/web";
import { describe, expect, it } from "vitest";
import { handler as dispatch } from "../../packages/functions/src/dispatch";
import { handler as sesEvents } from "../../packages/functions/src/ses-events";
import { streamBatch } from "../infra/support/events";
import { confirmedNotice, drain, tokenOf, events, mailAbout, OPERATORS } from "../support/desk";
import { figure } from "../support/figures";
import { ingestSource, noticeInput } from "../support/fixtures";
import { inbox } from "../support/mailbox";
import { withSettings } from "../support/settings";
import { intoSes } from "./inject";

// 20 messages a second.
withSettings({ SES_MAX_SEND_RATE: "20" });

const sesError = (name: string, message: string) => () =>
  Object.assign(new Error(message), { name, $fault: "client", $metadata: { httpStatusCode: 400 } });
const notVerified = sesError(
  "MessageRejected",
  "Email address is not verified. The following identities failed the check in region US-EAST-1: someone@rights.example",
);
const throttled = sesError("Throttling", "Maximum sending rate exceeded.");

const later = (ms: number) => new Date(Date.now() + ms);

async function statusPage(id: string): Promise<string> {
  const response = await app.request(new URL(Links.status(id)).pathname + new URL(Links.status(id)).search);
  expect(response.status).toBe(200);
  return response.text();
}

/** What SES publishes through SNS when mail it accepted bounces (configuration set event publishing). */
function bounceEvent(
  notice: string,
  address: string,
  bounceType: "Permanent" | "Transient",
  messageId = `ses-${notice}`,
) {
  const message = {
    eventType: "Bounce",
    bounce: {
      bounceType,
      bounceSubType: bounceType === "Permanent" ? "General" : "MailboxFull",
      bouncedRecipients: [
        { emailAddress: address, action: "failed", status: "5.1.1", diagnosticCode: "smtp; 550 5.1.1 user unknown" },
      ],
      timestamp: new Date().toISOString(),
      feedbackId: `feedback-${notice}`,
    },
    mail: {
      timestamp: new Date().toISOString(),
      source: "takedowns@syndication.example",
      messageId,
      destination: [address],
      tags: { notice: [notice], kind: ["receipt"] },
    },
  };
  return {
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: "arn:aws:sns:us-east-1:123456789012:ses-events:sub",
        Sns: {
          Type: "Notification",
          MessageId: `sns-${messageId}`,
          TopicArn: "arn:aws:sns:us-east-1:123456789012:ses-events",
          Subject: null,
          Message: JSON.stringify(message),
          Timestamp: new Date().toISOString(),
          SignatureVersion: "1",
          Signature: "",
          SigningCertUrl: "",
          UnsubscribeUrl: "",
          MessageAttributes: {},
        },
      },
    ],
  };
}

describe("mail SES refuses", () => {
  it("is given up at once on a permanent error, recorded on the notice and told on the status page", async () => {
    const { notice, input } = await confirmedNotice({ confirm: false });
    const fault = intoSes({ when: (_, body) => body.includes(input.requester.email), effect: { error: notVerified } });
    try {
      await Dispatch.sweep(later(1_000));
    } finally {
      fault.remove();
    }
    const stored = await Notice.get(notice.id);
    expect(stored.outbox).toEqual({});
    expect(events(stored, "mail_failed")).toMatchObject([
      { kind: "receipt", to: input.requester.email, error: "MessageRejected", permanent: true },
    ]);
    // Nothing is retried: the notice has left the due index.
    expect(await Dispatch.sweep(later(3_600_000))).toBe(0);
    expect(fault.hits()).toBe(1);
    expect(await statusPage(notice.id)).toContain("We cannot email you at this address");
  });

  it("is given up after MAIL_GIVE_UP_HOURS when it keeps failing for passing reasons", async () => {
    const { notice, input } = await confirmedNotice({ confirm: false });
    const fault = intoSes({ when: (_, body) => body.includes(input.requester.email), effect: { error: throttled } });
    try {
      await Dispatch.sweep(later(1_000));
      expect(Object.values((await Notice.get(notice.id)).outbox)).toMatchObject([{ kind: "receipt", attempts: 1 }]);
      await Dispatch.sweep(later(config().mailGiveUpMs + 60_000));
    } finally {
      fault.remove();
    }
    const stored = await Notice.get(notice.id);
    expect(stored.outbox).toEqual({});
    expect(events(stored, "mail_failed")).toMatchObject([{ kind: "receipt", error: "Throttling", permanent: false }]);
    expect(fault.hits()).toBe(2);
  });

  it("tells operators, on the decision page and in the review mail, that the requester could not be mailed", async () => {
    const { notice, input } = await confirmedNotice({ confirm: false });
    const fault = intoSes({ when: (_, body) => body.includes(input.requester.email), effect: { error: notVerified } });
    try {
      await drain();
    } finally {
      fault.remove();
    }
    // The receipt could not go out, but its sender confirmed (a link passed on another way, for instance).
    await Notice.confirmAnonymous(notice.id, tokenOf(Links.act(notice.id, "confirm", input.requester.email)));
    await drain();
    const review = (await inbox(OPERATORS[0]!)).find((mail) => mail.subject.includes(notice.id))!;
    expect(review.body.text).toMatch(/could not be delivered/i);
    const page = await app.request(
      new URL(Links.act(notice.id, "approve", OPERATORS[0]!)).pathname +
        new URL(Links.act(notice.id, "approve", OPERATORS[0]!)).search,
    );
    expect(await page.text()).toMatch(/could not be delivered/i);
  });
});

describe("SES bounce and complaint events", () => {
  it("record the bounce on the notice, suppress the address, and keep later notices from mailing it", async () => {
    const { notice, input } = await confirmedNotice({ confirm: false });
    await drain();
    const address = input.requester.email;
    // SNS delivers at least once: the same event twice is one bounce.
    await sesEvents(bounceEvent(notice.id, address, "Permanent") as never);
    await sesEvents(bounceEvent(notice.id, address, "Permanent") as never);
    const bounced = await Notice.get(notice.id);
    expect(events(bounced, "mail_bounced")).toMatchObject([{ to: address, bounce: "permanent" }]);
    expect(await Bounce.suppressed([address])).toEqual(new Set([address]));
    expect(await statusPage(notice.id)).toContain("We cannot email you at this address");

    const { articles } = await ingestSource(1);
    const again = await Notice.file(noticeInput([articles[0]!.originalUrl], { requester: { ...input.requester } }));
    await drain();
    expect(await mailAbout(again.id)).toHaveLength(0);
    expect(events(await Notice.get(again.id), "mail_failed")).toMatchObject([
      { error: "AddressSuppressed", permanent: true },
    ]);
  });

  it("a transient bounce is recorded but does not suppress the address", async () => {
    const { notice, input } = await confirmedNotice({ confirm: false });
    await sesEvents(bounceEvent(notice.id, input.requester.email, "Transient") as never);
    expect(events(await Notice.get(notice.id), "mail_bounced")).toMatchObject([{ bounce: "transient" }]);
    expect(await Bounce.suppressed([input.requester.email])).toEqual(new Set());
  });
});

describe("the stream's signal", () => {
  it("reports a record whose notice is due but leased by another worker, so Lambda retries it", async () => {
    const { notice } = await confirmedNotice();
    const batch = await streamBatch(config().dynamoEndpoint!, config().tableName, [Table.key.notice(notice.id)]);
    // Another worker (or one that died) took the notice after this record was written.
    await dynamo().send("UpdateItem", {
      TableName: Table.name(),
      Key: Table.key.notice(notice.id),
      UpdateExpression: "SET lease = :until, holder = :other",
      ExpressionAttributeValues: { ":until": Date.now() + 60_000, ":other": "another-worker" },
    });
    expect(await dispatch(batch)).toEqual({
      batchItemFailures: [{ itemIdentifier: batch.Records[0]!.dynamodb!.SequenceNumber }],
    });
  });
});

describe("the sweep", () => {
  it("pages through everything due in one run, paced to SES_MAX_SEND_RATE", async () => {
    const filed = await Promise.all(Array.from({ length: 12 }, () => confirmedNotice({ confirm: false })));
    const started = Date.now();
    // Pages of 5: one run still reaches all 12.
    await Dispatch.sweep(later(1_000), 5);
    const ms = Date.now() - started;
    for (const { notice } of filed) expect(await mailAbout(notice.id)).toHaveLength(1);
    // 12 receipts at 20 a second take at least 11 gaps of 50 ms.
    expect(ms).toBeGreaterThanOrEqual(11 * 50 - 10);
    figure("dispatch.paced-sweep", { receipts: 12, ratePerSecond: 20, pageSize: 5, ms });
  });
});
