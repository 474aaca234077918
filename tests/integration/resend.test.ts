/**
 * Issue 14, finding 8: a requester whose confirmation link expired or whose
 * receipt bounced asks for a new one from the status page, a limited number
 * of times; a bounce is shown there.
 */
import { Bounce, Links, Notice, Table } from "@takedown/core";
import { dynamo } from "@takedown/core/aws/dynamo";
import { app } from "@takedown/web";
import { describe, expect, it } from "vitest";
import { confirmedNotice, drain, press } from "../support/desk";
import { inbox, linkIn } from "../support/mailbox";

const pathOf = (link: string) => new URL(link).pathname + new URL(link).search;

async function unconfirmed() {
  const { notice, input } = await confirmedNotice({ confirm: false });
  await drain();
  return { id: notice.id, email: input.requester.email };
}

function pressResend(id: string) {
  const status = new URL(Links.status(id));
  return press(`${status.origin}/takedowns/${id}/resend?token=${status.searchParams.get("token")}`);
}

describe("a new confirmation link", () => {
  it("is offered once the receipt bounced, sent on request, and its link confirms", async () => {
    const { id, email } = await unconfirmed();
    expect(await (await app.request(pathOf(Links.status(id)))).text()).not.toContain("Send me a new confirmation link");

    await Bounce.recordSes(
      {
        eventType: "Bounce",
        bounce: { bounceType: "Transient", bouncedRecipients: [{ emailAddress: email }] },
        mail: { messageId: `m-${id}`, tags: { notice: [id] } },
        // After the receipt left (the drain ran the dispatcher up to an hour or so ahead).
      },
      new Date(Date.now() + 6 * 3_600_000),
    );
    const page = await (await app.request(pathOf(Links.status(id)))).text();
    expect(page).toContain("Our last email to you could not be delivered");
    expect(page).toContain("Send me a new confirmation link");

    expect((await pressResend(id)).status).toBe(200);
    await drain();
    const receipts = await inbox(email);
    expect(receipts).toHaveLength(2);
    expect((await press(linkIn(receipts[1]!, "confirm"))).status).toBe(200);
    expect((await Notice.get(id)).status).toBe("pending_review");
  });

  it("is offered once the link expired, and only a few times", async () => {
    const { id } = await unconfirmed();
    // The receipt went out eight days ago.
    await dynamo().send("UpdateItem", {
      TableName: Table.name(),
      Key: Table.key.notice(id),
      UpdateExpression: "SET events[1].#at = :old",
      ExpressionAttributeNames: { "#at": "at" },
      ExpressionAttributeValues: { ":old": new Date(Date.now() - 8 * 86_400_000).toISOString() },
    });
    expect(await (await app.request(pathOf(Links.status(id)))).text()).toContain("Send me a new confirmation link");
    const statuses: number[] = [];
    for (let i = 0; i < Notice.MAX_RESENDS + 1; i++) {
      statuses.push((await pressResend(id)).status);
      await drain();
      // Each new link counts as open until it, too, is old.
      await dynamo().send("UpdateItem", {
        TableName: Table.name(),
        Key: Table.key.notice(id),
        UpdateExpression: "SET events = :events",
        ExpressionAttributeValues: {
          ":events": (await Notice.get(id)).events.map((e) =>
            e.type === "mail_sent" ? { ...e, at: new Date(Date.now() - 8 * 86_400_000).toISOString() } : e,
          ),
        },
      });
    }
    expect(statuses).toEqual([...Array(Notice.MAX_RESENDS).fill(200), 429]);
  });

  it("is refused while the receipt's link still works", async () => {
    const { id } = await unconfirmed();
    expect((await pressResend(id)).status).toBe(409);
  });
});
