/** Operators clicking at the same moment: one decision, and the other is told. */
import { Dispatch, Links, Notice } from "@takedown/core";
import { describe, expect, it } from "vitest";
import { press, tokenOf } from "../support/desk";
import { ingestSource, noticeInput } from "../support/fixtures";
import { inbox } from "../support/mailbox";

describe("two operators deciding at once", () => {
  it("records exactly one decision and tells the other who decided what, and when", async () => {
    const { articles } = await ingestSource(1);
    const input = noticeInput([articles[0]!.originalUrl]);
    const filed = await Notice.file(input);
    const confirmToken = tokenOf(Links.act(filed.id, "confirm", input.requester.email));
    await Notice.confirmAnonymous(filed.id, confirmToken);

    const responses = await Promise.all([
      press(Links.act(filed.id, "approve", "ops-one@syndication.example")),
      press(Links.act(filed.id, "reject", "ops-two@syndication.example"), { reason: "Not the author." }),
      press(Links.act(filed.id, "approve", "ops-two@syndication.example")),
    ]);
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 410, 410]);

    const notice = await Notice.get(filed.id);
    expect(notice.events.filter((e) => e.type === "decided")).toHaveLength(1);
    const loser = responses.find((r) => r.status === 410)!;
    expect(await loser.text()).toContain(`already ${notice.decision!.action} by ${notice.decision!.by}`);

    await Dispatch.sweep();
    await Dispatch.sweep();
    const decisions = (await inbox(input.requester.email)).filter((m) => /was (approved|rejected)/.test(m.subject));
    expect(decisions).toHaveLength(1);
  });
});
