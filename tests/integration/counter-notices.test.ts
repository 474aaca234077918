/**
 * Counter-notices (DMCA 512(g)) end to end, through the HTTP app, against
 * dynalite and aws-ses-v2-local: from the 451 page's link, through the
 * sender's confirmation and the copy to the original requester, to a court
 * action or the window's end (the clock advanced by passing `now` to the job).
 */
import { CounterNotice, Dispatch, Links, Notice, Paths, Pow, Present, Queue } from "@takedown/core";
import { app } from "@takedown/web";
import { describe, expect, it } from "vitest";
import { call, newKey } from "../support/api";
import { page, post, signedIn } from "../support/console";
import { approve, confirmedNotice, drain, itemsOf, ORIGIN, press } from "../support/desk";
import { counterNoticeInput } from "../support/fixtures";
import { inbox, linkIn, waitForMail } from "../support/mailbox";
import { proofOfWork } from "../support/pow";
import { withSettings } from "../support/settings";
import { internal, intoDynamo, writesTo } from "../fault/inject";

const DAY = 24 * 60 * 60 * 1000;

/** An article hidden by an approved notice, as a 451 page shows it. */
async function withheld(overrides: Partial<Notice.Input> = {}) {
  const filed = await confirmedNotice({ overrides });
  expect((await approve(filed.notice.id)).status).toBe(200);
  await drain();
  return { ...filed, article: filed.articles[0]! };
}

/** The form as a browser posts it: same origin, the fields by name, a solved proof of work. */
function postForm(input: CounterNotice.Input, proof = true) {
  const { challenge, bits } = Pow.issue();
  const fields = {
    article: input.article,
    name: input.sender.name,
    email: input.sender.email,
    address: input.sender.address,
    phone: input.sender.phone,
    material: input.material,
    evidence: input.evidence,
    ...(input.mistake ? { mistake: "on" } : {}),
    ...(input.jurisdiction ? { jurisdiction: "on" } : {}),
    ...(input.service ? { service: "on" } : {}),
    signature: input.signature,
    proof: proof ? Pow.solve(challenge, bits) : "",
  };
  return app.request("/counter-notice", {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
}

const counterNoticesOf = async (id: string) => CounterNotice.ofNotice(await Notice.get(id));

/** One row of the case page's audit trail, as an operator reads it: when, who, what. */
const auditRow = (at: string, who: string, what: string) =>
  `<tr><td><time datetime="${at}">${Present.date(at)}</time></td><td>${who}</td><td>${what}</td></tr>`;

/** The notice's row in one state's queue, as Queue.list answers it for the console. */
async function queueRow(state: Queue.State, id: string) {
  return (await Queue.list(Queue.filter({ state, limit: "100" }))).rows.find((row) => row.notice.id === id);
}

/** Files through the form and confirms from the receipt, as the sender does. */
async function filedAndConfirmed(articleUrl: string) {
  const input = counterNoticeInput(articleUrl);
  expect((await postForm(input)).status).toBe(202);
  await drain();
  const receipt = await waitForMail(input.sender.email, /Confirm your counter-notice/);
  expect((await press(linkIn(receipt, "confirm"))).status).toBe(200);
  await drain();
  return input;
}

describe("the 451 page", () => {
  it("links to a counter-notice form that names where the material was and what it was", async () => {
    const { article } = await withheld();
    const page = await app.request(`/articles/${article.id}`);
    expect(page.status).toBe(451);
    const html = await page.text();
    expect(html).toContain(`/counter-notice?article=${article.id}`);
    const form = await (await app.request(`/counter-notice?article=${article.id}`)).text();
    expect(form).toContain(`value="${Links.article(article.id)}"`);
    expect(form).toContain(article.title);
    expect(form).toContain("under penalty of perjury");
  });
});

describe("filing a counter-notice through the form", () => {
  it("mails a receipt; its link opens a page that changes nothing; its button confirms, records it on the notice and tells everyone", async () => {
    const { article, notice, input: noticeInput } = await withheld();
    const input = counterNoticeInput(Links.article(article.id));
    const filed = await postForm(input);
    expect(filed.status).toBe(202);
    expect(await filed.text()).toContain("Check your email");
    expect(await counterNoticesOf(notice.id)).toEqual([]);

    await drain();
    const receipt = await waitForMail(input.sender.email, /Confirm your counter-notice/);
    // The receipt goes to an address nobody confirmed: it carries nothing the sender typed.
    expect(receipt.body.text).not.toContain(input.evidence);
    const link = linkIn(receipt, "confirm");
    const opened = await app.request(new URL(link).pathname + new URL(link).search);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain("Confirm the counter-notice");
    expect((await itemsOf("counter_notice"))[0]).toMatchObject({ status: "awaiting_confirmation" });

    const confirmed = await press(link);
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain("Your counter-notice is confirmed");
    const [counter] = await counterNoticesOf(notice.id);
    expect(counter).toMatchObject({ status: "open", articleId: article.id, notices: [notice.id] });
    const after = await Notice.get(notice.id);
    expect(after.events.filter((e) => e.type === "counter_noticed")).toEqual([
      expect.objectContaining({ counterNotice: counter!.id, by: "system", at: counter!.confirmedAt }),
    ]);
    const trail = await (await page(Paths.caseOf(notice.id), await signedIn("ops-one@syndication.example"))).text();
    expect(trail).toContain(
      auditRow(
        counter!.confirmedAt!,
        "the desk",
        `Counter-notice ${counter!.id} confirmed by its sender; the requester&#39;s window to report a court action opened`,
      ),
    );
    // Pressing again records nothing twice.
    expect((await press(link)).status).toBe(200);
    expect((await Notice.get(notice.id)).events.filter((e) => e.type === "counter_noticed")).toHaveLength(1);

    await drain();
    const copy = await waitForMail(
      noticeInput.requester.email,
      new RegExp(`Counter-notice ${counter!.id} disputes your takedown notice ${notice.id}`),
    );
    for (const shown of [
      input.sender.name,
      input.sender.address,
      input.sender.phone,
      input.evidence,
      "penalty of perjury",
      "service of process",
    ]) {
      expect(copy.body.text).toContain(shown);
    }
    expect(copy.body.text).toContain(new Date(counter!.closesAt!).getUTCFullYear().toString());
    expect(linkIn(copy, "court-action")).toContain(`/counter-notices/court-action/${notice.id}?token=`);
    for (const operator of ["ops-one@syndication.example", "ops-two@syndication.example"]) {
      await waitForMail(operator, new RegExp(`Counter-notice ${counter!.id} against notice ${notice.id}`));
    }
    await waitForMail(input.sender.email, new RegExp(`Your counter-notice ${counter!.id} is confirmed`));
    // The requester's status page offers the court action.
    const status = await app.request(
      new URL(Links.status(notice.id)).pathname + new URL(Links.status(notice.id)).search,
    );
    expect(await status.text()).toContain("I have filed a court action");
  });

  it("sends the form back with field messages, and files nothing, when it is wrong", async () => {
    const { article } = await withheld();
    const before = (await itemsOf("counter_notice")).length;
    const unsworn = await postForm(counterNoticeInput(Links.article(article.id), { mistake: false as true }));
    expect(unsworn.status).toBe(422);
    expect(await unsworn.text()).toContain("The statement under penalty of perjury is required.");
    const unsigned = await postForm(counterNoticeInput(Links.article(article.id), { signature: "Someone Else" }));
    expect(unsigned.status).toBe(422);
    expect(await unsigned.text()).toContain("Type your full name, as given above");
    const shown = await confirmedNotice();
    const notWithheld = await postForm(counterNoticeInput(Links.article(shown.articles[0]!.id)));
    expect(notWithheld.status).toBe(422);
    expect(await notWithheld.text()).toContain("not withheld here");
    expect((await postForm(counterNoticeInput(Links.article(article.id)), false)).status).toBe(422);
    expect(await itemsOf("counter_notice")).toHaveLength(before);
  });
});

describe("POST /api/v1/counter-notices", () => {
  it("without a key: costs a proof of work and waits for confirmation", async () => {
    const { article } = await withheld();
    const body = counterNoticeInput(Links.article(article.id));
    const refused = await call("POST", "/counter-notices", { body });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ error: { issues: [expect.objectContaining({ path: "proof" })] } });
    const filed = await call("POST", "/counter-notices", { body, headers: proofOfWork() });
    expect(filed.status).toBe(202);
    expect(await filed.json()).toEqual({ id: expect.any(String), status: "awaiting_confirmation" });
  });

  it("with a key: opens at once, records it on the notice and mails the requester", async () => {
    const { article, notice, input: noticeInput } = await withheld();
    const key = await newKey(["notices:write"]);
    const filed = await call("POST", "/counter-notices", {
      key: key.secret,
      body: counterNoticeInput(article.originalUrl),
    });
    expect(filed.status).toBe(202);
    const json = (await filed.json()) as { id: string; status: string; closesAt: string };
    expect(json).toEqual({ id: expect.any(String), status: "open", closesAt: expect.any(String) });
    // Ten business days: at least two weeks on.
    expect(Date.parse(json.closesAt) - Date.now()).toBeGreaterThanOrEqual(13 * DAY);
    expect((await counterNoticesOf(notice.id)).map((c) => c.id)).toEqual([json.id]);
    await drain();
    await waitForMail(noticeInput.requester.email, new RegExp(`Counter-notice ${json.id} disputes`));
  });

  it("sends each mail once when two sweeps run at the same moment", async () => {
    const { article, notice, input: noticeInput } = await withheld();
    const key = await newKey(["notices:write"]);
    const filed = await call("POST", "/counter-notices", {
      key: key.secret,
      body: counterNoticeInput(Links.article(article.id)),
    });
    const { id } = (await filed.json()) as { id: string };
    const at = new Date(Date.now() + 1_000);
    await Promise.all([Dispatch.sweep(at), Dispatch.sweep(at), Dispatch.sweep(at)]);
    await drain();
    const copies = (await inbox(noticeInput.requester.email)).filter((mail) =>
      mail.subject.includes(`Counter-notice ${id}`),
    );
    expect(copies).toHaveLength(1);
    const [counter] = await counterNoticesOf(notice.id);
    expect(counter!.outbox).toEqual({});
    expect(
      counter!.events
        .filter((e) => e.type === "mail_sent")
        .map((e) => e.detail)
        .sort(),
    ).toEqual(
      [
        `confirmed → ${counter!.sender.email}`,
        `copy → ${noticeInput.requester.email}`,
        "operators → ops-one@syndication.example",
        "operators → ops-two@syndication.example",
      ].sort(),
    );
  });

  it("refuses a body that is not a counter-notice, with field messages", async () => {
    const key = await newKey(["notices:write"]);
    const response = await call("POST", "/counter-notices", { key: key.secret, body: { article: "" } });
    expect(response.status).toBe(422);
    const { error } = (await response.json()) as { error: { issues: { path: string }[] } };
    expect(error.issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining(["article", "sender", "mistake", "signature"]),
    );
  });
});

describe("the requester's answer and the window's end", () => {
  it("a court action reported from the copy's link stops restoration for good", async () => {
    const { article, notice, input: noticeInput } = await withheld();
    const input = await filedAndConfirmed(Links.article(article.id));
    const copy = await waitForMail(noticeInput.requester.email, /disputes your takedown notice/);
    const link = linkIn(copy, "court-action");
    const form = await app.request(new URL(link).pathname + new URL(link).search);
    expect(await form.text()).toContain("I have filed a court action");
    const empty = await press(link, { courtAction: "" });
    expect(empty.status).toBe(422);
    expect(await queueRow("contested", notice.id)).toBeDefined();
    expect((await press(link, { courtAction: "N.D. Cal. case 3:26-cv-01234" })).status).toBe(200);
    const [counter] = await counterNoticesOf(notice.id);
    expect(counter).toMatchObject({ status: "court_action", courtAction: { text: "N.D. Cal. case 3:26-cv-01234" } });
    // The notice's own audit trail says it too, with who reported it and when. The approval stands,
    // and the case leaves the contested list: a court decides what comes next, not the desk.
    const reported = await Notice.get(notice.id);
    expect(reported.status).toBe("approved");
    expect(reported.events.filter((e) => e.type === "court_action_reported")).toEqual([
      {
        type: "court_action_reported",
        at: counter!.courtAction!.at,
        by: "requester",
        counterNotice: counter!.id,
        text: "N.D. Cal. case 3:26-cv-01234",
      },
    ]);
    expect(await queueRow("contested", notice.id)).toBeUndefined();
    expect(await queueRow("decided", notice.id)).toMatchObject({ ready: false });
    const casePage = await (await page(Paths.caseOf(notice.id), await signedIn("ops-one@syndication.example"))).text();
    expect(casePage).toContain(
      auditRow(
        counter!.courtAction!.at,
        "the sender",
        `Court action reported against counter-notice ${counter!.id}: N.D. Cal. case 3:26-cv-01234`,
      ),
    );

    withSettings({ COUNTER_NOTICE_AUTO_RESTORE: "true" });
    try {
      await CounterNotice.dueRun(new Date(Date.parse(counter!.closesAt!) + DAY));
    } finally {
      withSettings({});
    }
    expect((await counterNoticesOf(notice.id))[0]).toMatchObject({ status: "court_action" });
    expect((await app.request(`/articles/${article.id}`)).status).toBe(451);
    await drain();
    await waitForMail(input.sender.email, new RegExp(`A court action was reported on counter-notice ${counter!.id}`));
    await waitForMail(
      "ops-one@syndication.example",
      new RegExp(`A court action was reported on counter-notice ${counter!.id}`),
    );
  });

  it("when the window closes without one, the case is ready for an operator and both sides are mailed", async () => {
    const { article, notice, input: noticeInput } = await withheld();
    const input = await filedAndConfirmed(Links.article(article.id));
    const [open] = await counterNoticesOf(notice.id);
    // Not before the window closes.
    expect(await CounterNotice.dueRun(new Date(Date.parse(open!.closesAt!) - 60_000))).toBe(0);
    expect(await CounterNotice.dueRun(new Date(Date.parse(open!.closesAt!) + 60_000))).toBeGreaterThanOrEqual(1);
    const [closed] = await counterNoticesOf(notice.id);
    expect(closed).toMatchObject({ status: "ready" });
    // The queue marks the case ready in the contested list; the notice's audit trail records the window's end.
    expect(await queueRow("contested", notice.id)).toMatchObject({ ready: true });
    expect((await Notice.get(notice.id)).events.filter((e) => e.type === "counter_window_closed")).toEqual([
      { type: "counter_window_closed", at: closed!.closedAt, by: "system", counterNotice: open!.id },
    ]);
    expect((await CounterNotice.ready(new Date(Date.parse(open!.closesAt!) + 60_000))).map((c) => c.id)).toContain(
      open!.id,
    );
    // Restoring is the operator's decision: the article is still withheld.
    expect((await app.request(`/articles/${article.id}`)).status).toBe(451);
    await drain(Date.parse(open!.closesAt!) + 60_000);
    await waitForMail(input.sender.email, new RegExp(`The window of counter-notice ${open!.id}`));
    await waitForMail(noticeInput.requester.email, new RegExp(`The window of counter-notice ${open!.id}`));
    // The court action link now says there is nothing left to answer.
    expect((await press(CounterNotice.links.courtAction(notice.id), { courtAction: "Too late" })).status).toBe(410);

    // The operator reads the counter-notice on the case page, sees it ready, and restores from there;
    // the case then leaves the list of those waiting for one.
    const cookie = await signedIn("ops-one@syndication.example");
    const queue = await (await page(`${Paths.routes.console}?state=contested&limit=100`, cookie)).text();
    expect(queue).toMatch(
      new RegExp(`<tr class="ready" data-notice="${notice.id}">(?:(?!</tr>).)*Ready to restore`, "s"),
    );
    const casePage = await (await page(Paths.caseOf(notice.id), cookie)).text();
    expect(casePage).toContain(
      auditRow(
        closed!.closedAt!,
        "the desk",
        `Counter-notice ${open!.id}: the window closed without a court action; ready to restore (an operator decides)`,
      ),
    );
    expect(casePage).toContain(`id="counter-notice-${open!.id}"`);
    expect(casePage).toMatch(/ready: the window closed without a court action/);
    expect(casePage).toContain(input.evidence);
    const restored = await post(Paths.caseAction(notice.id, "restore"), cookie, {
      ground: "licence_in_place",
      reason: "The publisher's licence checks out.",
    });
    expect(restored.status).toBe(303);
    const later = new Date(Date.parse(open!.closesAt!) + 2 * 60_000);
    await drain(later.getTime());
    expect((await app.request(`/articles/${article.id}`)).status).toBe(200);
    expect((await CounterNotice.ready(later)).map((c) => c.id)).not.toContain(open!.id);
    expect((await counterNoticesOf(notice.id))[0]).toMatchObject({ status: "restored" });
    expect(await queueRow("contested", notice.id)).toBeUndefined();
    expect(await queueRow("decided", notice.id)).toMatchObject({ ready: false });
    // Both sides are told: the requester by the restoration, the sender as the window's mail promised.
    await waitForMail(noticeInput.requester.email, /restored after a counter-notice/);
    const answered = await waitForMail(input.sender.email, new RegExp(`The material of counter-notice ${open!.id}`));
    expect(answered.body.text).toContain("As the counter-notice asked, it is shown again.");
  });

  it("an operator who restores before the window closes answers the counter-notice then", async () => {
    const { article, notice } = await withheld();
    const input = await filedAndConfirmed(Links.article(article.id));
    const [open] = await counterNoticesOf(notice.id);
    await Notice.restore(notice.id, "ops-two@syndication.example", { reason: "The licence is plain to see." });
    await drain();
    expect((await app.request(`/articles/${article.id}`)).status).toBe(200);
    expect((await counterNoticesOf(notice.id))[0]).toMatchObject({ status: "restored" });
    const answered = await waitForMail(input.sender.email, new RegExp(`The material of counter-notice ${open!.id}`));
    expect(answered.body.text).toContain("before the window to report a court action closed");
    // Its window is over: the job does not close it again, nor mail anyone that the case waits for an operator.
    const after = Date.parse(open!.closesAt!) + 60_000;
    await CounterNotice.dueRun(new Date(after));
    await drain(after);
    expect((await counterNoticesOf(notice.id))[0]).toMatchObject({ status: "restored" });
    expect(
      (await inbox(input.sender.email)).filter((mail) =>
        mail.subject.includes(`The window of counter-notice ${open!.id}`),
      ),
    ).toEqual([]);
  });

  it("a window closed while the notice could not be written is recorded on it by the next sweep", async () => {
    const { notice } = await withheld();
    await filedAndConfirmed(Links.article((await Notice.get(notice.id)).urls[0]!.articleId!));
    const [open] = await counterNoticesOf(notice.id);
    const at = Date.parse(open!.closesAt!) + 60_000;
    // The window job closes the counter-notice, then dies writing the notice.
    const fault = intoDynamo({ when: writesTo("NOTICE#"), effect: { error: internal } });
    try {
      await expect(CounterNotice.dueRun(new Date(at))).rejects.toThrow();
    } finally {
      fault.remove();
    }
    expect((await counterNoticesOf(notice.id))[0]).toMatchObject({ status: "ready" });
    expect(await queueRow("contested", notice.id)).toMatchObject({ ready: false });
    // The sweep that mails the counter-notice records the step the notice missed, once.
    await drain(at);
    const events = (await Notice.get(notice.id)).events.filter((e) => e.type === "counter_window_closed");
    expect(events).toEqual([expect.objectContaining({ counterNotice: open!.id, at: new Date(at).toISOString() })]);
    expect(await queueRow("contested", notice.id)).toMatchObject({ ready: true });
  });

  it("with COUNTER_NOTICE_AUTO_RESTORE on, a notice for a whole source still waits for an operator", async () => {
    const { article, notice } = await withheld({ scope: "source" });
    await filedAndConfirmed(Links.article(article.id));
    const [open] = await counterNoticesOf(notice.id);
    withSettings({ COUNTER_NOTICE_AUTO_RESTORE: "true" });
    try {
      await CounterNotice.dueRun(new Date(Date.parse(open!.closesAt!) + 60_000));
    } finally {
      withSettings({});
    }
    expect((await counterNoticesOf(notice.id))[0]).toMatchObject({ status: "ready" });
    expect((await app.request(`/articles/${article.id}`)).status).toBe(451);
  });

  it("with COUNTER_NOTICE_AUTO_RESTORE on, the job restores the article at the window's end", async () => {
    const { article, notice, input: noticeInput } = await withheld();
    const input = await filedAndConfirmed(Links.article(article.id));
    const [open] = await counterNoticesOf(notice.id);
    withSettings({ COUNTER_NOTICE_AUTO_RESTORE: "true" });
    try {
      expect(await CounterNotice.dueRun(new Date(Date.parse(open!.closesAt!) + 60_000))).toBeGreaterThanOrEqual(1);
    } finally {
      withSettings({});
    }
    await drain(Date.parse(open!.closesAt!) + 60_000);
    expect((await app.request(`/articles/${article.id}`)).status).toBe(200);
    const restored = await Notice.get(notice.id);
    expect(restored.events).toContainEqual(expect.objectContaining({ type: "restored", by: "system" }));
    expect((await counterNoticesOf(notice.id))[0]).toMatchObject({ status: "restored" });
    await waitForMail(input.sender.email, new RegExp(`The material of counter-notice ${open!.id}`));
    await waitForMail(noticeInput.requester.email, new RegExp(`The material of counter-notice ${open!.id}`));
  });
});
