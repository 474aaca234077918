/**
 * DSA Art. 23: an operator can reject a notice as manifestly unfounded; once a
 * sender has had FLAG_AFTER of those, operators are warned on every later
 * notice from them, in the review mail and on the page they decide on.
 */
import { Abuse, Dispatch, Links, Notice } from "@takedown/core";
import { app } from "@takedown/web";
import { describe, expect, it } from "vitest";
import { confirmedNotice, drain, mailAbout, OPERATORS, press, reject } from "../support/desk";
import { figure } from "../support/figures";
import { intoDynamo, timeout } from "../fault/inject";

const rejectUnfounded = (id: string) =>
  press(Links.act(id, "reject", OPERATORS[0]!), { reason: "You do not hold the rights.", unfounded: "on" });

async function noticeFrom(email: string) {
  return confirmedNotice({ overrides: { requester: { name: "Jane Writer", email, role: "author" } } });
}

const warningOnPage = async (id: string, action: "approve" | "reject") => {
  const link = Links.act(id, action, OPERATORS[1]!);
  const html = await (await app.request(new URL(link).pathname + new URL(link).search)).text();
  return /id="unfounded-warning"[\s\S]*?rejected (\d+) earlier notices/.exec(html)?.[1];
};

describe("senders whose notices are rejected as unfounded", () => {
  it("are counted once per notice and flagged to operators from the second one", async () => {
    const email = `serial-${Date.now()}@claims.example`;
    const first = await noticeFrom(email);
    expect((await rejectUnfounded(first.notice.id)).status).toBe(200);
    expect((await Notice.get(first.notice.id)).decision).toMatchObject({ action: "rejected", unfounded: true });
    await Dispatch.deliver(first.notice.id);
    expect(await Abuse.standing(email)).toEqual({ unfounded: 1, flagged: false });

    const second = await noticeFrom(email);
    expect(await warningOnPage(second.notice.id, "approve")).toBeUndefined();
    expect((await rejectUnfounded(second.notice.id)).status).toBe(200);
    await Dispatch.deliver(second.notice.id);
    expect(await Abuse.standing(email)).toEqual({ unfounded: 2, flagged: true });

    const third = await noticeFrom(email);
    await drain();
    const review = (await mailAbout(third.notice.id)).find((m) => m.destination.to.includes(OPERATORS[0]!))!;
    expect(review.body.text).toContain(
      "WARNING: operators rejected 2 earlier notices from this address as manifestly unfounded.",
    );
    expect(await warningOnPage(third.notice.id, "approve")).toBe("2");
    expect(await warningOnPage(third.notice.id, "reject")).toBe("2");

    const other = await noticeFrom(`someone-else-${Date.now()}@claims.example`);
    await drain();
    const otherReview = (await mailAbout(other.notice.id)).find((m) => m.destination.to.includes(OPERATORS[0]!))!;
    expect(otherReview.body.text).not.toContain("manifestly unfounded");
    expect(await warningOnPage(other.notice.id, "approve")).toBeUndefined();
    figure("abuse.unfounded-flag", {
      rejectedUnfounded: 2,
      flaggedFrom: Abuse.FLAG_AFTER,
      warnedInMail: true,
      warnedOnPage: true,
    });
  });

  it("a rejection without the box does not count", async () => {
    const email = `plain-${Date.now()}@claims.example`;
    const { notice } = await noticeFrom(email);
    expect((await reject(notice.id)).status).toBe(200);
    await drain();
    expect(await Abuse.standing(email)).toEqual({ unfounded: 0, flagged: false });
  });

  it("counts once even when recording it is retried after a lost answer", async () => {
    const email = `retried-${Date.now()}@claims.example`;
    const { notice } = await noticeFrom(email);
    expect((await rejectUnfounded(notice.id)).status).toBe(200);
    const fault = intoDynamo({
      when: (command, input) => command === "UpdateItemCommand" && input.includes("REQUESTER#"),
      effect: { error: timeout },
      after: true,
      times: 1,
    });
    try {
      await expect(Dispatch.deliver(notice.id)).rejects.toThrow();
    } finally {
      fault.remove();
    }
    expect((await Notice.get(notice.id)).effectsPending).toBe(true);
    await drain();
    expect((await Notice.get(notice.id)).effectsPending).toBeUndefined();
    expect(await Abuse.standing(email)).toEqual({ unfounded: 1, flagged: false });
  });
});
