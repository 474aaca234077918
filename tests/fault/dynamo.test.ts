/**
 * DynamoDB throttling, failing, and losing answers to writes that landed,
 * injected into the shared client under its real retries: every request
 * either succeeds once or answers 503 with Retry-After and leaves nothing
 * half done, and sending it again doubles nothing.
 */
import { Dispatch, Links, Notice } from "@takedown/core";
import { app } from "@takedown/web";
import { afterEach, describe, expect, it } from "vitest";
import {
  approve,
  confirmedNotice,
  deliveries,
  drain,
  events,
  fileJson,
  itemsOf,
  mailAbout,
  OPERATORS,
  press,
} from "../support/desk";
import { figure } from "../support/figures";
import { ingestSource, noticeInput } from "../support/fixtures";
import { internal, intoDynamo, throttled, throttling, timeout, writesTo } from "./inject";

const faults: { remove: () => void }[] = [];
const inject = (...args: Parameters<typeof intoDynamo>) => {
  const fault = intoDynamo(...args);
  faults.push(fault);
  return fault;
};
afterEach(() => {
  for (const fault of faults.splice(0)) fault.remove();
});

const noticeCount = async () => (await itemsOf("notice")).length;

describe("filing while DynamoDB fails", () => {
  it.each([
    ["ProvisionedThroughputExceededException", throttled],
    ["ThrottlingException", throttling],
    ["InternalServerError", internal],
  ])(
    "answers 503 with Retry-After on %s and stores nothing; the same request then succeeds once",
    async (name, error) => {
      const { articles } = await ingestSource(1);
      const input = noticeInput([articles[0]!.originalUrl]);
      const before = await noticeCount();
      const fault = inject({ when: writesTo("NOTICE#"), effect: { error } });

      const refused = await fileJson(input);
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe("2");
      expect(await refused.json()).toMatchObject({ error: { code: "unavailable" } });
      expect(await noticeCount()).toBe(before);

      fault.remove();
      const accepted = await fileJson(input);
      expect(accepted.status).toBe(202);
      expect(await noticeCount()).toBe(before + 1);
      figure(`fault.file.${name}`, {
        first: refused.status,
        retryAfter: refused.headers.get("retry-after"),
        retry: accepted.status,
        stored: 1,
      });
    },
  );

  it("rides out a short throttle inside the client's retries", async () => {
    const { articles } = await ingestSource(1);
    const before = await noticeCount();
    const fault = inject({ when: writesTo("NOTICE#"), effect: { error: throttled }, retried: true, times: 1 });
    const response = await fileJson(noticeInput([articles[0]!.originalUrl]));
    expect(fault.hits()).toBe(1);
    expect(response.status).toBe(202);
    expect(await noticeCount()).toBe(before + 1);
  });

  it("stores one notice and mails one receipt when the filing write landed but its answer was lost", async () => {
    const { articles } = await ingestSource(1);
    const input = noticeInput([articles[0]!.originalUrl]);
    const before = await noticeCount();
    const fault = inject({
      when: writesTo("NOTICE#"),
      effect: { error: timeout },
      after: true,
      retried: true,
      times: 1,
    });
    const response = await fileJson(input);
    expect(fault.hits()).toBe(1);
    expect(response.status).toBe(202);
    expect(await noticeCount()).toBe(before + 1);
    const { id } = (await response.json()) as { id: string };
    await drain();
    expect(deliveries(await mailAbout(id))).toEqual([`receipt → ${input.requester.email}`]);
  });

  it("answers a page with 503 and Retry-After when reads are throttled", async () => {
    const { articles } = await ingestSource(1);
    inject({ when: (command) => command === "BatchGetItemCommand", effect: { error: throttling } });
    const page = await app.request(`/articles/${articles[0]!.id}`);
    expect(page.status).toBe(503);
    expect(page.headers.get("retry-after")).toBe("2");
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(await page.text()).toContain("try again in a moment");
  });
});

describe("deciding while DynamoDB fails", () => {
  /** Everything a decision leads to, as a person would check it. */
  async function outcome(id: string) {
    await drain();
    const notice = await Notice.get(id);
    const page = await app.request(`/articles/${notice.urls[0]!.articleId}`);
    return {
      status: notice.status,
      decisions: events(notice, "decided").length,
      hiddenEvents: events(notice, "articles_hidden").length,
      article: page.status,
      mail: deliveries((await mailAbout(id)).filter((m) => /was (approved|rejected)/.test(m.subject))),
    };
  }

  /** One approval, one hiding, the article gone, one decision mail. */
  const approvedOnce = (requester: string) => ({
    status: "approved",
    decisions: 1,
    hiddenEvents: 1,
    article: 451,
    mail: [`decision → ${requester}`],
  });

  it("a failed decision write answers 503, changes nothing, and the retry decides once", async () => {
    const { notice, input } = await confirmedNotice();
    inject({ when: (c, i) => writesTo("NOTICE#")(c, i) && i.includes("decided"), effect: { error: internal } });
    const refused = await approve(notice.id);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("2");
    const untouched = await Notice.get(notice.id);
    expect(untouched.status).toBe("pending_review");
    expect(untouched.outbox).not.toHaveProperty("decision");
    expect((await app.request(`/articles/${notice.urls[0]!.articleId}`)).status).toBe(200);

    for (const fault of faults.splice(0)) fault.remove();
    expect((await approve(notice.id)).status).toBe(200);
    expect(await outcome(notice.id)).toEqual(approvedOnce(input.requester.email));
  });

  it("a decision whose write landed but whose answer was lost succeeds once under the client's retry", async () => {
    const { notice, input } = await confirmedNotice();
    const fault = inject({
      when: (c, i) => writesTo("NOTICE#")(c, i) && i.includes("decided"),
      effect: { error: timeout },
      after: true,
      retried: true,
      times: 1,
    });
    const response = await approve(notice.id);
    expect(fault.hits()).toBe(1);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("being hidden");
    expect(await outcome(notice.id)).toEqual(approvedOnce(input.requester.email));
  });

  it("a lost answer after the client gave up is a 503; the whole decision stands and a retry is told it is done", async () => {
    const { notice, input } = await confirmedNotice();
    inject({
      when: (c, i) => writesTo("NOTICE#")(c, i) && i.includes("decided"),
      effect: { error: timeout },
      after: true,
      times: 1,
    });
    const lost = await approve(notice.id);
    expect(lost.status).toBe(503);
    // One write holds the decision, its mail and its pending effects: all or nothing.
    const stored = await Notice.get(notice.id);
    expect(stored).toMatchObject({ status: "approved", effectsPending: true, decision: { by: OPERATORS[0] } });
    expect(stored.outbox).toHaveProperty("decision");

    const retried = await approve(notice.id);
    expect(retried.status).toBe(410);
    expect(await retried.text()).toContain(`already approved by ${OPERATORS[0]}`);
    expect(await outcome(notice.id)).toEqual(approvedOnce(input.requester.email));
    figure("fault.decide.lost-answer", { first: lost.status, retry: retried.status, decisions: 1, decisionMails: 1 });
  });

  it("an approval whose hiding fails is still one approval; the dispatcher finishes the hiding", async () => {
    const { notice, input } = await confirmedNotice({ articles: 2 });
    const fault = inject({ when: writesTo("ARTICLE#"), effect: { error: internal } });
    const response = await approve(notice.id);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("being hidden");
    await expect(Dispatch.deliver(notice.id)).rejects.toThrow();
    expect(fault.hits()).toBeGreaterThan(0);
    expect(await Notice.get(notice.id)).toMatchObject({ status: "approved", effectsPending: true });
    fault.remove();
    expect(await outcome(notice.id)).toEqual(approvedOnce(input.requester.email));
  });

  it("a confirmation whose write landed but whose answer was lost confirms once and tells operators once", async () => {
    const { notice, input } = await confirmedNotice({ confirm: false });
    inject({
      when: (c, i) => writesTo("NOTICE#")(c, i) && i.includes("confirmed"),
      effect: { error: timeout },
      after: true,
      retried: true,
      times: 1,
    });
    const response = await press(Links.act(notice.id, "confirm", input.requester.email));
    expect(response.status).toBe(200);
    await drain();
    expect(deliveries(await mailAbout(notice.id))).toEqual(
      [`receipt → ${input.requester.email}`, ...OPERATORS.map((o) => `review → ${o}`)].sort(),
    );
  });
});
