/**
 * The operators' side of a notice's life (docs/workflow.md): decisions URL by
 * URL, reversals, appeals, withdrawals and questions, run through the real
 * engines and the dispatcher, as the console and the review API call them.
 */
import { ApiKey, Article, Links, Moderation, Notice, Table } from "@takedown/core";
import { app } from "@takedown/web";
import { describe, expect, it } from "vitest";
import { approve, confirmedNotice, drain, mailAbout, OPERATORS, ORIGIN, reject } from "../support/desk";
import { ingestSource, noticeInput } from "../support/fixtures";

const [first, second] = OPERATORS as [string, string];

const statusToken = (id: string) => new URL(Links.status(id)).searchParams.get("token")!;

/** A requester's button on their status page: a same-origin form POST. */
function post(path: string, fields: Record<string, string>) {
  return app.request(path, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
}

async function fileConfirmed(urls: string[], overrides: Partial<Notice.Input> = {}) {
  const input = noticeInput(urls, overrides);
  const filed = await Notice.file(input);
  return Notice.confirmAnonymous(
    filed.id,
    new URL(Links.act(filed.id, "confirm", input.requester.email)).searchParams.get("token")!,
  );
}

const visible = async (id: string) => !Article.isHidden((await Article.get(id))!);
const queueOf = async (id: string) =>
  (await Notice.entity.getFields(Notice.entity.key(id), ["gsi5pk"], { consistent: true }))?.gsi5pk;
const mailsMatching = async (id: string, subject: RegExp) =>
  (await mailAbout(id)).filter((m) => subject.test(m.subject));

describe("a decision URL by URL", () => {
  it("hides the chosen URLs, keeps the others, and tells the requester why, URL by URL", async () => {
    const { articles } = await ingestSource(2);
    const [hide, keep] = articles.map((a) => a.originalUrl) as [string, string];
    const notice = await fileConfirmed([hide, keep]);
    expect(await queueOf(notice.id)).toBe(Table.queue.partition("pending_review"));

    const decided = await Notice.decideAs(
      notice.id,
      first,
      {
        action: "approve",
        reason: "Only the first is theirs.",
        ground: "infringement_confirmed",
        urls: [hide],
        reasons: { [keep]: "Licensed from the agency." },
      },
      "console",
    );
    expect(decided.status).toBe("partially_approved");
    expect(await queueOf(notice.id)).toBe(Table.queue.partition("decided"));
    await drain();

    expect(await visible(articles[0]!.id)).toBe(false);
    expect(await visible(articles[1]!.id)).toBe(true);
    const stored = await Notice.get(notice.id);
    expect(Notice.outcomes(stored).map((o) => o.outcome)).toEqual(["hidden", "kept"]);
    expect(Notice.actionTaken(stored)).toBe("partial");
    const [mail] = await mailsMatching(notice.id, /partly approved/);
    expect(mail!.body.text).toContain("Ground: Infringement confirmed.");
    expect(mail!.body.text).toContain("Licensed from the agency.");
    expect(mail!.body.text).toContain("Action taken: partly");
    expect(mail!.body.text).toContain("no automated means were used");
  });

  it("states the ground from the templates operators edited", async () => {
    await Notice.saveGrounds([
      ...Notice.Grounds,
      {
        id: "press_freedom",
        label: "Public interest reporting",
        text: "The article reports on a matter of public interest.",
      },
    ]);
    expect((await Notice.grounds()).map((g) => g.id)).toContain("press_freedom");
    await expect(Notice.saveGrounds([{ id: "Bad Id", label: "x", text: "y" }])).rejects.toMatchObject({
      code: "validation_failed",
    });
    const { articles } = await ingestSource(1);
    const notice = await fileConfirmed([articles[0]!.originalUrl]);
    await Notice.decideAs(
      notice.id,
      first,
      { action: "reject", reason: "We keep it up.", ground: "press_freedom" },
      "console",
    );
    await drain();
    const [mail] = await mailsMatching(notice.id, /was rejected/);
    expect(mail!.body.text).toContain(
      "Ground: Public interest reporting. The article reports on a matter of public interest.",
    );
    expect(mail!.body.text).toContain("Reason: We keep it up.");
    await Notice.saveGrounds([]);
    expect(await Notice.grounds()).toEqual(Notice.Grounds);
  });

  it("refuses URLs the notice does not list, and a split of a notice that hides by rule, changing nothing", async () => {
    const { articles } = await ingestSource(2);
    const urls = articles.map((a) => a.originalUrl);
    const notice = await fileConfirmed(urls);
    await expect(
      Notice.decideAs(
        notice.id,
        first,
        { action: "approve", reason: "x", urls: ["https://elsewhere.example/a"] },
        "console",
      ),
    ).rejects.toMatchObject({
      code: "validation_failed",
    });
    const wide = await fileConfirmed(urls, { scope: "source" });
    await expect(
      Notice.decideAs(wide.id, first, { action: "approve", reason: "x", urls: [urls[0]!] }, "console"),
    ).rejects.toMatchObject({
      code: "validation_failed",
    });
    expect((await Notice.get(notice.id)).status).toBe("pending_review");
  });

  it("says a decision taken through the review API was made by that key, not by a person", async () => {
    const { key } = await ApiKey.create({
      name: "Newsroom bot",
      scopes: ["notices:write"],
      owner: "desk@publisher.example",
    });
    const { articles } = await ingestSource(1);
    const notice = await fileConfirmed([articles[0]!.originalUrl]);
    await Notice.decideAs(
      notice.id,
      `key:${key.id}`,
      { action: "reject", reason: "Not the author.", ground: "insufficient_information" },
      "api",
    );
    await drain();
    const [mail] = await mailsMatching(notice.id, /was rejected/);
    expect(mail!.body.text).toContain(`through our review API by API key "Newsroom bot" (${key.id})`);
    expect(mail!.body.text).not.toContain("no automated means");
    expect((await Notice.get(notice.id)).events.find((e) => e.type === "decided")).toMatchObject({
      by: `key:${key.id}`,
      via: "api",
    });
  });
});

describe("a reversal", () => {
  it("leaves an article hidden while another approved notice still covers it, and mails the requester the reason", async () => {
    const { articles } = await ingestSource(1);
    const url = articles[0]!.originalUrl;
    const one = await fileConfirmed([url]);
    await approve(one.id);
    await drain();
    const two = await fileConfirmed([url]);
    await approve(two.id, second);
    await drain();

    const reversed = await Notice.reverse(one.id, second, {
      reason: "The first requester had no rights.",
      ground: "licence_in_place",
    });
    expect(reversed.status).toBe("reversed");
    // Every change of status reaches the webhooks, as a decision's does.
    expect(Object.keys(reversed.outbox)).toEqual(expect.arrayContaining(["reversal", "webhook:reversed"]));
    await drain();
    expect(await visible(articles[0]!.id)).toBe(false);
    expect((await Article.get(articles[0]!.id))!.hiddenBy).toEqual([two.id]);
    const [mail] = await mailsMatching(one.id, /approval reversed/);
    expect(mail!.body.text).toContain("The first requester had no rights.");
    expect(mail!.body.text).toContain(`stay hidden under notice ${two.id}`);
    expect(Notice.outcomes(await Notice.get(one.id))[0]!.outcome).toBe("restored");

    await Notice.reverse(two.id, first, { reason: "Neither had rights." });
    await drain();
    expect(await visible(articles[0]!.id)).toBe(true);
    // Once: a reversed notice cannot be reversed again.
    await expect(Notice.reverse(two.id, first, { reason: "Again." })).rejects.toMatchObject({ code: "invalid_state" });
  });

  it("of some URLs brings those back and keeps the rest hidden", async () => {
    const { articles } = await ingestSource(2);
    const notice = await fileConfirmed(articles.map((a) => a.originalUrl));
    await approve(notice.id);
    await drain();
    const after = await Notice.reverse(notice.id, second, {
      reason: "The second was licensed.",
      urls: [articles[1]!.originalUrl],
    });
    expect(after.status).toBe("partially_approved");
    await drain();
    expect(await visible(articles[0]!.id)).toBe(false);
    expect(await visible(articles[1]!.id)).toBe(true);
  });

  it("ends the rules the notice left, so what the source publishes later is shown", async () => {
    const { articles, sourceDomain, author } = await ingestSource(1);
    const notice = await fileConfirmed([articles[0]!.originalUrl], { scope: "source", future: true });
    await approve(notice.id);
    await drain();
    const ingest = (slug: string) =>
      Article.ingest({
        title: slug,
        author,
        sourceName: "S",
        sourceDomain,
        originalUrl: `https://www.${sourceDomain}/${slug}`,
        publishedAt: "2026-11-20T00:00:00Z",
      });
    const blocked = await ingest("later");
    expect(await visible(blocked.id)).toBe(false);

    await Notice.reverse(notice.id, second, { reason: "Wrong source." });
    await drain();
    const stored = await Notice.get(notice.id);
    expect(stored.events.filter((e) => e.type === "rule_ended")).toMatchObject([
      { rule: `source:${sourceDomain}`, by: "system" },
    ]);
    expect(await visible(articles[0]!.id)).toBe(true);
    expect(await visible(blocked.id)).toBe(true);
    expect(await visible((await ingest("even-later")).id)).toBe(true);
  });
});

describe("a preview", () => {
  it("tells what approving would hide now and which rules it would leave, writing nothing", async () => {
    const { articles, sourceDomain } = await ingestSource(3);
    const notice = await fileConfirmed([articles[0]!.originalUrl], { scope: "source", future: true });
    const preview = await Notice.preview(notice);
    expect(preview.hides).toBe(3);
    expect(preview.rules).toMatchObject([{ id: `source:${sourceDomain}`, kind: "source" }]);
    expect(await visible(articles[1]!.id)).toBe(true);
    const listed = await fileConfirmed(articles.slice(0, 2).map((a) => a.originalUrl));
    expect(await Notice.preview(listed)).toEqual({ hides: 2, rules: [] });
  });
});

describe("a restoration after a counter-notice", () => {
  it("puts the case back in the queue as contested once a counter-notice is recorded", async () => {
    const { articles } = await ingestSource(1);
    const notice = await fileConfirmed([articles[0]!.originalUrl]);
    await approve(notice.id);
    await drain();
    const step: Notice.CounterStep = {
      type: "counter_noticed",
      at: new Date().toISOString(),
      by: "system",
      counterNotice: "cn-1",
    };
    const countered = await Notice.recordCounter(notice.id, [step]);
    expect(countered.status).toBe("approved");
    expect(await queueOf(notice.id)).toBe(Table.queue.partition("contested"));
    await Notice.recordCounter(notice.id, [step]);
    expect((await Notice.get(notice.id)).events.filter((e) => e.type === "counter_noticed")).toHaveLength(1);
    await Notice.restore(notice.id, second, { reason: "Licence shown." });
    expect(await queueOf(notice.id)).toBe(Table.queue.partition("decided"));
  });

  it("brings the articles back, records it as restored and mails the requester", async () => {
    const { articles } = await ingestSource(1);
    const notice = await fileConfirmed([articles[0]!.originalUrl]);
    await approve(notice.id);
    await drain();
    const restored = await Notice.restore(notice.id, second, { reason: "The publisher showed its licence." });
    expect(restored.events.at(-1)).toMatchObject({ type: "restored", by: second, urls: [articles[0]!.originalUrl] });
    expect(restored.status).toBe("reversed");
    await drain();
    expect(await visible(articles[0]!.id)).toBe(true);
    expect((await mailsMatching(notice.id, /restored after a counter-notice/))[0]!.body.text).toContain(
      "The publisher showed its licence.",
    );
  });
});

describe("the requester's steps", () => {
  it("appeals a rejection once, from the status page; the case goes back to the queue as contested", async () => {
    const { articles } = await ingestSource(1);
    const notice = await fileConfirmed([articles[0]!.originalUrl]);
    await reject(notice.id, "Not the author.", first);
    await drain();
    const answer = await post(`/takedowns/${notice.id}/contest`, {
      token: statusToken(notice.id),
      objection: "My byline is on it.",
    });
    expect(answer.status).toBe(200);
    const appealed = await Notice.get(notice.id);
    expect(appealed.status).toBe("pending_review");
    expect(Notice.openAppeal(appealed)).toMatchObject({ reason: "My byline is on it.", rejectedBy: first });
    expect(appealed.appeal).toMatchObject({ reason: "My byline is on it.", rejectedBy: first });
    expect(await queueOf(notice.id)).toBe(Table.queue.partition("contested"));
    await drain();
    const told = await mailsMatching(notice.id, /appealed/);
    expect(told.map((m) => m.destination.to[0]).sort()).toEqual([...OPERATORS].sort());
    const toRejecter = told.find((m) => m.destination.to[0] === first)!;
    expect(toRejecter.body.text).toContain(`An operator other than ${first}`);
    expect(toRejecter.body.text).not.toContain("Approve");

    // The rejecting operator's own links from the review mail no longer decide it.
    const own = Links.act(notice.id, "approve", first);
    expect((await app.request(new URL(own).pathname + new URL(own).search)).status).toBe(403);
    expect((await approve(notice.id, first)).status).toBe(403);
    expect((await Notice.get(notice.id)).status).toBe("pending_review");

    await Notice.decideAs(notice.id, second, { action: "approve", reason: "The byline checks out." }, "console");
    await drain();
    expect(await visible(articles[0]!.id)).toBe(false);
    expect(await queueOf(notice.id)).toBe(Table.queue.partition("decided"));
    expect(
      (await post(`/takedowns/${notice.id}/contest`, { token: statusToken(notice.id), objection: "Again." })).status,
    ).toBe(410);
  });

  it("withdraws an approved notice: its articles come back and operators are told", async () => {
    const { articles } = await ingestSource(1);
    const notice = await fileConfirmed([articles[0]!.originalUrl]);
    await approve(notice.id);
    await drain();
    expect(await visible(articles[0]!.id)).toBe(false);
    const page = await app.request(`/takedowns/${notice.id}?token=${statusToken(notice.id)}`);
    expect(await page.text()).toContain('id="withdraw"');

    const answer = await post(`/takedowns/${notice.id}/withdraw`, {
      token: statusToken(notice.id),
      reason: "We settled.",
    });
    expect(answer.status).toBe(200);
    await drain();
    expect(await visible(articles[0]!.id)).toBe(true);
    const withdrawn = await Notice.get(notice.id);
    expect(withdrawn.status).toBe("withdrawn");
    expect(withdrawn.events.find((e) => e.type === "withdrawn")).toMatchObject({
      by: "requester",
      reason: "We settled.",
    });
    expect((await mailsMatching(notice.id, /withdrawn by its sender/)).length).toBe(OPERATORS.length);
    expect((await post(`/takedowns/${notice.id}/withdraw`, { token: statusToken(notice.id) })).status).toBe(409);
  });

  it("answers an operator's question; the clock stands still meanwhile", async () => {
    const { notice } = await confirmedNotice();
    const asked = await Notice.requestInfo(notice.id, first, { question: "Which edition <b>exactly</b>?" });
    expect(asked.status).toBe("awaiting_information");
    await drain();
    const [question] = await mailsMatching(notice.id, /need more information/);
    expect(question!.body.text).toContain("Which edition <b>exactly</b>?");
    const page = await (await app.request(`/takedowns/${notice.id}?token=${statusToken(notice.id)}`)).text();
    expect(page).toContain("Which edition &lt;b&gt;exactly&lt;/b&gt;?");

    const answered = await post(`/takedowns/${notice.id}/answer`, {
      token: statusToken(notice.id),
      answer: "The 2019 one.",
    });
    expect(answered.status).toBe(200);
    const back = await Notice.get(notice.id);
    expect(back.status).toBe("pending_review");
    // Recorded when asked and when answered: the queue's SLA counts the time between as paused.
    expect(Moderation.derive(back.events).pausedMs).toBeTypeOf("number");
    await drain();
    expect((await mailsMatching(notice.id, /its sender answered/))[0]!.body.text).toContain("The 2019 one.");
    expect(
      (await post(`/takedowns/${notice.id}/answer`, { token: statusToken(notice.id), answer: "Again." })).status,
    ).toBe(409);
  });
});

describe("the audit trail", () => {
  it("records every step with its actor; notes and assignments stay with operators", async () => {
    const { notice } = await confirmedNotice();
    await Notice.note(notice.id, first, { text: "Called the agency." });
    await Notice.assign(notice.id, first, { to: second });
    await expect(Notice.assign(notice.id, first, { to: "someone@else.example" })).rejects.toMatchObject({
      code: "validation_failed",
    });
    await Notice.decideAs(notice.id, second, { action: "approve" }, "console");
    await drain();
    await Notice.reverse(notice.id, first, { reason: "Mistake." });
    await drain();
    const trail = (await Notice.get(notice.id)).events
      .filter((e) => !e.type.startsWith("mail_"))
      .map((e) => [e.type, e.by]);
    expect(trail).toEqual([
      ["filed", expect.any(String)],
      ["confirmed", "requester"],
      ["noted", first],
      ["assigned", first],
      ["decided", second],
      ["articles_hidden", "system"],
      ["reversed", first],
      ["articles_restored", "system"],
    ]);
    const page = await (await app.request(`/takedowns/${notice.id}?token=${statusToken(notice.id)}`)).text();
    expect(page).not.toContain("Called the agency.");
  });
});

describe("the queue index on a table from before it", () => {
  it("puts the notices stored without queue keys into the queue their log says, once", async () => {
    const { articles } = await ingestSource(1);
    const notice = await fileConfirmed([articles[0]!.originalUrl]);
    await reject(notice.id, "No.", first);
    await Notice.appeal(notice.id, statusToken(notice.id), { reason: "Please look again." });
    // As stored before the index: no queue keys.
    await Notice.entity.update(Notice.entity.key(notice.id), [{ remove: "gsi5pk" }, { remove: "gsi5sk" }]);
    expect(await queueOf(notice.id)).toBeUndefined();
    expect(await Notice.backfillQueue()).toBeGreaterThanOrEqual(1);
    expect(await queueOf(notice.id)).toBe(Table.queue.partition("contested"));
    expect(await Notice.backfillQueue()).toBe(0);
  });
});
