/**
 * The operators' daily digest, against dynalite and aws-ses-v2-local: what it
 * names (notices past REVIEW_SLA_HOURS, counter-notices due within two
 * business days or ready for an operator), and that nothing is sent when
 * there is nothing to say. The clock is advanced by passing `now`.
 */
import { CounterNotice, Digest, Links } from "@takedown/core";
import { describe, expect, it } from "vitest";
import { run as digestCommand } from "../../packages/local/src/digest";
import { call, newKey } from "../support/api";
import { approve, confirmedNotice, drain } from "../support/desk";
import { counterNoticeInput } from "../support/fixtures";
import { inbox, waitForMail } from "../support/mailbox";

const HOUR = 60 * 60 * 1000;
const OPERATOR = "ops-one@syndication.example";
const digests = async () => (await inbox(OPERATOR)).filter((mail) => /Takedown Desk digest/.test(mail.subject));

function output() {
  const lines: string[] = [];
  return { lines, out: { log: (line: string) => lines.push(line), error: (line: string) => lines.push(line) } };
}

describe("the digest", () => {
  it("is not sent when there is nothing to say, also by npm run digest", async () => {
    const before = (await digests()).length;
    expect(await Digest.send()).toBeUndefined();
    const { lines, out } = output();
    expect(await digestCommand([], out)).toBe(0);
    expect(lines).toEqual(["Nothing to say: no digest sent."]);
    // A notice waiting less than REVIEW_SLA_HOURS is nothing to say yet.
    await confirmedNotice();
    expect(await Digest.send(new Date(Date.now() + 47 * HOUR))).toBeUndefined();
    expect(await digests()).toHaveLength(before);
  });

  it("names the notices waiting longer than REVIEW_SLA_HOURS, oldest first, in one mail to each operator", async () => {
    const { notice } = await confirmedNotice();
    const later = new Date(Date.now() + 49 * HOUR);
    const sent = await Digest.send(later);
    expect(sent?.waiting.map((entry) => entry.id)).toContain(notice.id);
    expect(sent!.waiting.find((entry) => entry.id === notice.id)).toMatchObject({ hours: 49, contested: false });
    const mail = await waitForMail(OPERATOR, /Takedown Desk digest/);
    expect(mail.body.text).toContain(`Notice ${notice.id}: waiting 49 hours`);
    await waitForMail("ops-two@syndication.example", /Takedown Desk digest/);
    // A decided notice waits no more.
    await approve(notice.id);
    expect((await Digest.gather(later)).waiting.map((entry) => entry.id)).not.toContain(notice.id);
  });

  it("names counter-notices whose window closes within two business days, then those ready for an operator", async () => {
    const { notice, articles } = await confirmedNotice();
    await approve(notice.id);
    await drain();
    const key = await newKey(["notices:write"]);
    const filed = await call("POST", "/counter-notices", {
      key: key.secret,
      body: counterNoticeInput(Links.article(articles[0]!.id)),
    });
    const { id, closesAt } = (await filed.json()) as { id: string; closesAt: string };
    const closes = Date.parse(closesAt);
    const ids = (list: CounterNotice.CounterNotice[]) => list.map((counter) => counter.id);
    // Ten business days away: not yet; the business day before it closes: due.
    expect(ids((await Digest.gather(new Date())).closing)).not.toContain(id);
    const dayBefore = new Date(closes - 24 * HOUR);
    const due = await Digest.gather(dayBefore);
    expect(ids(due.closing)).toContain(id);
    expect(Digest.render(due, dayBefore).text).toContain(
      `Counter-notice ${id} (notice ${notice.id}): the window closes`,
    );
    // Closed without a court action, and not restored yet: ready.
    await CounterNotice.dueRun(new Date(closes + 60_000));
    const after = await Digest.gather(new Date(closes + HOUR));
    expect(ids(after.closing)).not.toContain(id);
    expect(ids(after.ready)).toContain(id);
    expect(Digest.render(after, new Date(closes + HOUR)).text).toContain(
      `Counter-notice ${id} (notice ${notice.id}): closed`,
    );
  });
});
