/**
 * The review API, as an integration (a newsroom tool, a chat bot) uses it
 * with a `notices:review` key: list every notice, read one with its audit
 * trail, decide, reverse and annotate it. Against dynalite and
 * aws-ses-v2-local: the dispatcher applies what a decision leads to, sends
 * the requester's mail and the filing key's webhook events.
 */
import { ApiKey, Article, CounterNotice, Dispatch, Links, Notice, Paths, Table } from "@takedown/core";
import { dynamo } from "@takedown/core/aws/dynamo";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { run as dispatchCli } from "../../packages/local/src/dispatch";
import { document } from "../../packages/web/src/routes/docs";
import { call, newKey, type Key } from "../support/api";
import { post, signedIn } from "../support/console";
import { approve, confirmedNotice, itemsOf, OPERATORS, reject } from "../support/desk";
import { counterNoticeInput, ingestSource, noticeInput } from "../support/fixtures";
import { waitForMail } from "../support/mailbox";
import { startReceiver, type Receiver } from "../support/receiver";

type Case = Notice.Case;

let reviewer: Key;
let filer: Key;

beforeAll(async () => {
  [reviewer, filer] = await Promise.all([newKey(["notices:review"]), newKey(["notices:write"])]);
});

const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

/** A notice filed with the filer's key (so straight to review) over `count` fresh articles. */
async function keyedNotice(count = 1) {
  const source = await ingestSource(count);
  const input = noticeInput(source.articles.map((article) => article.originalUrl));
  const response = await call("POST", "/takedowns", { key: filer.secret, body: input });
  expect(response.status).toBe(202);
  const { id } = (await response.json()) as { id: string };
  return { ...source, input, id };
}

async function read(id: string, key = reviewer): Promise<Case> {
  const response = await call("GET", `/takedowns/${id}`, { key: key.secret });
  expect(response.status).toBe(200);
  return (await response.json()) as Case;
}

/** Every page of GET /takedowns for `key`, following the cursor. */
async function listAll(key: Key, query: Record<string, string> = {}): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const search = new URLSearchParams({ ...query, ...(cursor ? { cursor } : {}) });
    const response = await call("GET", `/takedowns?${search}`, { key: key.secret });
    expect(response.status).toBe(200);
    const page = (await response.json()) as Notice.List;
    ids.push(...page.notices.map((notice) => notice.id));
    cursor = page.cursor;
    pages++;
  } while (cursor);
  return { ids, pages };
}

describe("GET /takedowns with notices:review", () => {
  it("lists every notice however it was filed, each once, where a filing key lists only its own", async () => {
    const since = new Date().toISOString();
    const unconfirmed = await confirmedNotice({ confirm: false });
    const confirmed = await confirmedNotice();
    const keyed = await keyedNotice();
    const decided = await confirmedNotice();
    await approve(decided.notice.id);
    const ours = [unconfirmed.notice.id, confirmed.notice.id, keyed.id, decided.notice.id];

    const all = await listAll(reviewer, { since });
    expect(all.ids.filter((id) => ours.includes(id)).sort()).toEqual([...ours].sort());
    expect(new Set(all.ids).size).toBe(all.ids.length);
    // Open cases first, then those awaiting confirmation, then the decided.
    const at = (id: string) => all.ids.indexOf(id);
    expect(at(confirmed.notice.id)).toBeLessThan(at(keyed.id));
    expect(at(keyed.id)).toBeLessThan(at(unconfirmed.notice.id));
    expect(at(unconfirmed.notice.id)).toBeLessThan(at(decided.notice.id));

    // A page at a time, the same notices.
    const paged = await listAll(reviewer, { since, limit: "1" });
    expect(paged.ids).toEqual(all.ids);
    expect(paged.pages).toBeGreaterThanOrEqual(ours.length);

    expect((await listAll(filer)).ids).toEqual([keyed.id]);
  });

  it("filters by status across the queues a status can wait in", async () => {
    const since = new Date().toISOString();
    const unconfirmed = await confirmedNotice({ confirm: false });
    const waiting = await confirmedNotice();
    const decided = await confirmedNotice();
    await approve(decided.notice.id);

    expect((await listAll(reviewer, { since, status: "awaiting_confirmation" })).ids).toEqual([unconfirmed.notice.id]);
    expect((await listAll(reviewer, { since, status: "pending_review" })).ids).toEqual([waiting.notice.id]);
    expect((await listAll(reviewer, { since, status: "approved" })).ids).toEqual([decided.notice.id]);
    expect((await listAll(reviewer, { since, status: "rejected" })).ids).toEqual([]);
  });

  it("refuses a cursor from another list, and a status that does not exist, with the field at fault", async () => {
    const since = new Date().toISOString();
    await confirmedNotice();
    await confirmedNotice();
    const first = await call("GET", `/takedowns?since=${since}&limit=1`, { key: reviewer.secret });
    const { cursor } = (await first.json()) as Notice.List;
    expect(cursor).toBeDefined();

    const elsewhere = await call("GET", `/takedowns?status=approved&cursor=${cursor}`, { key: reviewer.secret });
    expect(elsewhere.status).toBe(422);
    expect(await elsewhere.json()).toMatchObject({
      error: { code: "validation_failed", issues: [{ path: "cursor" }] },
    });
    const forged = await call("GET", "/takedowns?cursor=bm90LWEtY3Vyc29y", { key: reviewer.secret });
    expect(forged.status).toBe(422);
    const status = await call("GET", "/takedowns?status=pondering", { key: reviewer.secret });
    expect(status.status).toBe(422);
    expect(await status.json()).toMatchObject({ error: { issues: [{ path: "status" }] } });
  });

  it("is refused to a key with neither scope", async () => {
    const ingester = await newKey(["articles:write"]);
    const response = await call("GET", "/takedowns", { key: ingester.secret });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: "forbidden" } });
  });
});

describe("GET /takedowns/:id with notices:review", () => {
  it("reads any notice with its audit trail, each event with its actor and time, and no address", async () => {
    const { notice, input } = await confirmedNotice();
    await Dispatch.deliver(notice.id);
    await Notice.assign(notice.id, OPERATORS[0]!, { to: OPERATORS[1]! });
    const response = await call("GET", `/takedowns/${notice.id}`, { key: reviewer.secret });
    expect(response.status).toBe(200);
    const body = await response.text();
    const read = JSON.parse(body) as Case;

    expect(read).toMatchObject({ id: notice.id, status: "pending_review", notes: [] });
    expect(read.events.slice(0, 2).map((event) => [event.type, event.actor])).toEqual([
      ["filed", "the sender"],
      ["confirmed", "the sender"],
    ]);
    expect(read.events.at(-1)).toMatchObject({ type: "assigned", to: expect.any(String), actor: expect.any(String) });
    const mails = read.events.slice(2, -1);
    expect(mails.map((event) => [event.type, event.actor, event.kind]).sort()).toEqual(
      [["receipt"], ...OPERATORS.map(() => ["review"])].map(([kind]) => ["mail_sent", "the desk", kind]).sort(),
    );
    expect(read.events.every((event) => !Number.isNaN(Date.parse(event.at)))).toBe(true);
    // Neither the requester's address nor an operator's is in the answer.
    for (const address of [input.requester.email, ...OPERATORS]) expect(body).not.toContain(address);
  });

  it("names the key that filed a notice in its audit trail", async () => {
    const { id } = await keyedNotice();
    const { events } = await read(id);
    expect(events[0]).toMatchObject({ type: "filed", actor: `API key "${filer.name}" (${filer.id})` });
  });

  it("answers 404 for an unknown id; a filing key still reads only its own, without the audit trail", async () => {
    const unknown = await call("GET", "/takedowns/0123456789abcdefghij", { key: reviewer.secret });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "not_found" } });

    const { notice } = await confirmedNotice();
    expect((await call("GET", `/takedowns/${notice.id}`, { key: filer.secret })).status).toBe(404);
    const { id } = await keyedNotice();
    const own = (await (await call("GET", `/takedowns/${id}`, { key: filer.secret })).json()) as Record<
      string,
      unknown
    >;
    expect(own).toMatchObject({ id, status: "pending_review" });
    expect(own).not.toHaveProperty("events");
    expect(own).not.toHaveProperty("notes");
  });
});

/** The answer to a review call: its status and JSON body. */
async function act(id: string, what: "decision" | "reversal" | "notes", body: unknown, key = reviewer) {
  const response = await call("POST", `/takedowns/${id}/${what}`, { key: key.secret, body });
  return {
    status: response.status,
    body: (await response.json()) as Case & { error: { code: string; message: string; issues?: { path: string }[] } },
  };
}

const hidden = async (articleId: string) => Article.isHidden((await Article.get(articleId))!);

const keyName = (key: Key) => `API key "${key.name}" (${key.id})`;

/** The filer's key with an endpoint at a fresh receiver that trusts its secret. */
async function subscribed() {
  const hooks = await startReceiver();
  receivers.push(hooks);
  const response = await call("POST", "/webhooks", { key: filer.secret, body: { url: hooks.url } });
  expect(response.status).toBe(201);
  hooks.trust(((await response.json()) as { secret: string }).secret);
  return hooks;
}

describe("POST /takedowns/:id/decision", () => {
  it("approves as the key: the audit trail names it, the articles are hidden, the requester's mail says the review API decided", async () => {
    const { notice, input, articles } = await confirmedNotice();
    const { status, body } = await act(notice.id, "decision", { action: "approve", reason: "The sender wrote it." });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: notice.id,
      status: "approved",
      decision: { action: "approved", reason: "The sender wrote it." },
    });
    expect(body.events.at(-1)).toMatchObject({
      type: "decided",
      action: "approved",
      via: "api",
      actor: keyName(reviewer),
    });

    await Dispatch.deliver(notice.id);
    expect(await hidden(articles[0]!.id)).toBe(true);
    const mail = await waitForMail(input.requester.email, /was approved/);
    expect(mail.body.text).toContain(`made through our review API by ${keyName(reviewer)}`);
    expect(mail.body.text).not.toContain("no automated means");
    expect(mail.body.text).toContain("Reason: The sender wrote it.");
  });

  it("decides URL by URL: those listed hidden, the others kept, the notice partially approved", async () => {
    const { notice, input, articles } = await confirmedNotice({ articles: 2 });
    // confirmedNotice lists the first article; file one that lists both.
    const both = await Notice.file({ ...input, urls: articles.map((a) => a.originalUrl) }, new Date(), {
      id: filer.id,
      name: filer.name,
      owner: filer.owner,
    });
    expect(notice.status).toBe("pending_review");
    const { status, body } = await act(both.id, "decision", {
      action: "approve",
      reason: "Only the first is theirs.",
      urls: [articles[0]!.originalUrl],
    });
    expect(status).toBe(200);
    expect(body.status).toBe("partially_approved");
    expect(body.urls.map((u) => u.outcome)).toEqual(["hidden", "kept"]);
    await Dispatch.deliver(both.id);
    expect(await Promise.all(articles.map((a) => hidden(a.id)))).toEqual([true, false]);
  });

  it("rejects as manifestly unfounded, with the reason the requester is sent", async () => {
    const { notice, input } = await confirmedNotice();
    const { status, body } = await act(notice.id, "decision", {
      action: "reject",
      reason: "We hold a licence.",
      unfounded: true,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: "rejected",
      decision: { action: "rejected", unfounded: true, reason: "We hold a licence." },
    });
    await Dispatch.deliver(notice.id);
    const mail = await waitForMail(input.requester.email, /was rejected/);
    expect(mail.body.text).toContain(`made through our review API by ${keyName(reviewer)}`);
  });

  it("refuses bad fields with a message per field, and changes nothing", async () => {
    const { notice } = await confirmedNotice();
    const cases: [unknown, string][] = [
      [{ action: "maybe", reason: "Hm." }, "action"],
      [{ action: "reject" }, "reason"],
      [{ action: "approve", reason: "Yes.", urls: ["https://elsewhere.example/not-listed"] }, "urls"],
      [{ action: "approve", reason: "Yes.", unfounded: "very" }, "unfounded"],
    ];
    for (const [input, path] of cases) {
      const { status, body } = await act(notice.id, "decision", input);
      expect(status, JSON.stringify(input)).toBe(422);
      expect(body.error.code).toBe("validation_failed");
      expect(body.error.issues?.map((issue) => issue.path)).toContain(path);
    }
    expect((await read(notice.id)).status).toBe("pending_review");
  });

  it("answers 409 for a decided notice, naming who decided without their address, and 404 for an unknown one", async () => {
    const { notice } = await confirmedNotice();
    await approve(notice.id);
    const { status, body } = await act(notice.id, "decision", { action: "reject", reason: "Too late." });
    expect(status).toBe(409);
    expect(body.error.code).toBe("already_decided");
    expect(body.error.message).toMatch(/^This notice was already approved by an operator on /);
    for (const address of OPERATORS) expect(body.error.message).not.toContain(address);

    const twice = await act(notice.id, "decision", { action: "approve", reason: "Again." });
    expect(twice.status).toBe(409);

    const unconfirmed = await confirmedNotice({ confirm: false });
    const early = await act(unconfirmed.notice.id, "decision", { action: "approve", reason: "Early." });
    expect([early.status, early.body.error.code]).toEqual([409, "not_confirmed"]);

    const unknown = await act("0123456789abcdefghij", "decision", { action: "approve", reason: "Who?" });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, "not_found"]);
  });

  it("is refused without the scope: 403 to a filing key, 401 without a key", async () => {
    const { notice } = await confirmedNotice();
    const decision = { action: "approve", reason: "Mine." };
    for (const what of ["decision", "reversal", "notes"] as const) {
      const body = what === "notes" ? { text: "Hello." } : decision;
      const { status, body: answer } = await act(notice.id, what, body, filer);
      expect([what, status, answer.error.code]).toEqual([what, 403, "forbidden"]);
      expect((await call("POST", `/takedowns/${notice.id}/${what}`, { body })).status).toBe(401);
    }
    expect((await read(notice.id)).status).toBe("pending_review");
  });
});

describe("POST /takedowns/:id/reversal", () => {
  it("brings the articles back and tells the requester, with the reason, under the key's name", async () => {
    const { notice, input, articles } = await confirmedNotice();
    expect((await act(notice.id, "decision", { action: "approve", reason: "Theirs." })).status).toBe(200);
    await Dispatch.deliver(notice.id);
    expect(await hidden(articles[0]!.id)).toBe(true);

    const { status, body } = await act(notice.id, "reversal", { reason: "We found our licence." });
    expect(status).toBe(200);
    expect(body.status).toBe("reversed");
    expect(body.urls.map((u) => u.outcome)).toEqual(["restored"]);
    expect(body.events.at(-1)).toMatchObject({
      type: "reversed",
      reason: "We found our licence.",
      actor: keyName(reviewer),
    });
    await Dispatch.deliver(notice.id);
    expect(await hidden(articles[0]!.id)).toBe(false);
    const mail = await waitForMail(input.requester.email, /revers/i);
    expect(mail.body.text).toContain("We found our licence.");
  });

  it("reverses some URLs only, keeping the others hidden", async () => {
    const { input, articles } = await confirmedNotice({ articles: 2 });
    const both = await Notice.file({ ...input, urls: articles.map((a) => a.originalUrl) }, new Date(), {
      id: filer.id,
      name: filer.name,
    });
    await act(both.id, "decision", { action: "approve", reason: "Both theirs." });
    await Dispatch.deliver(both.id);
    const { status, body } = await act(both.id, "reversal", {
      reason: "The second is ours.",
      urls: [articles[1]!.originalUrl],
    });
    expect(status).toBe(200);
    expect(body.status).toBe("partially_approved");
    expect(body.urls.map((u) => u.outcome)).toEqual(["hidden", "restored"]);
    await Dispatch.deliver(both.id);
    expect(await Promise.all(articles.map((a) => hidden(a.id)))).toEqual([true, false]);
  });

  it("answers 409 when there is no approval to reverse, 422 without a reason, 404 for an unknown notice", async () => {
    const { notice } = await confirmedNotice();
    const pending = await act(notice.id, "reversal", { reason: "Nothing to undo." });
    expect([pending.status, pending.body.error.code]).toEqual([409, "invalid_state"]);
    const reasonless = await act(notice.id, "reversal", {});
    expect([reasonless.status, reasonless.body.error.issues?.[0]?.path]).toEqual([422, "reason"]);
    const unknown = await act("0123456789abcdefghij", "reversal", { reason: "Who?" });
    expect(unknown.status).toBe(404);
  });
});

describe("POST /takedowns/:id/notes", () => {
  it("adds an internal note under the key's name, which the requester's view does not show", async () => {
    const { notice } = await confirmedNotice();
    const { status, body } = await act(notice.id, "notes", { text: "Asked the newsroom about the licence." });
    expect(status).toBe(201);
    expect(body.status).toBe("pending_review");
    expect(body.notes).toEqual([
      { text: "Asked the newsroom about the licence.", actor: keyName(reviewer), at: expect.any(String) },
    ]);
    expect(body.events.at(-1)).toMatchObject({ type: "noted", actor: keyName(reviewer) });

    const statusLink = new URL(Links.status(notice.id));
    const requesterView = await call("GET", `/takedowns/${notice.id}?token=${statusLink.searchParams.get("token")}`);
    expect(await requesterView.text()).not.toContain("Asked the newsroom");
  });

  it("refuses an empty note, a body that is not an object, and an unknown notice", async () => {
    const { notice } = await confirmedNotice();
    for (const body of [{ text: "  " }, {}, null, JSON.stringify("a note")]) {
      const { status, body: answer } = await act(notice.id, "notes", body);
      expect([JSON.stringify(body), status, answer.error.issues?.[0]?.path]).toEqual([
        JSON.stringify(body),
        422,
        "text",
      ]);
    }
    expect((await read(notice.id)).notes).toEqual([]);
    expect((await act("0123456789abcdefghij", "notes", { text: "Who?" })).status).toBe(404);
  });
});

describe("webhooks", () => {
  it("hear each change of status the review API makes, on the key that filed the notice", async () => {
    const hooks = await subscribed();
    const { id } = await keyedNotice();
    await Dispatch.deliver(id);
    await act(id, "notes", { text: "Looks genuine." });
    await act(id, "decision", { action: "approve", reason: "Theirs." });
    await Dispatch.deliver(id);
    await act(id, "reversal", { reason: "Licensed after all." });
    await Dispatch.deliver(id);

    expect(hooks.verified().map((r) => r.event.data.status)).toEqual(["pending_review", "approved", "reversed"]);
    const last = hooks.verified().at(-1)!.event.data;
    expect(last).toEqual(await (await call("GET", `/takedowns/${id}`, { key: filer.secret })).json());
  });

  it("tell the filing key every change of status, whoever made it, a status reached again included", async () => {
    const hooks = await subscribed();
    const { id, articles } = await keyedNotice();
    const token = new URL(Links.status(id)).searchParams.get("token")!;
    const cookie = await signedIn(OPERATORS[0]!);
    const steps: (() => unknown)[] = [
      // An operator in the console asks; the requester answers from the status page.
      () => post(Paths.caseAction(id, "request-info"), cookie, { question: "Which licence do you mean?" }),
      () => Notice.answer(id, token, { answer: "The one of 2024." }),
      // An operator rejects from the review mail's link; the requester appeals.
      () => reject(id, "Licensed to us.", OPERATORS[0]),
      () => Notice.appeal(id, token, { reason: "That licence ended in 2025." }),
      // A review key decides the appeal.
      () => act(id, "decision", { action: "approve", reason: "The licence ended." }),
      // A counter-notice, and an operator restores after it; the requester withdraws.
      async () => {
        await CounterNotice.fileWithKey(counterNoticeInput(Links.article(articles[0]!.id)), {
          id: filer.id,
          name: filer.name,
        });
        return Notice.restore(id, OPERATORS[1]!, { reason: "The publisher's licence checks out." });
      },
      () => Notice.withdraw(id, token),
    ];
    await Dispatch.deliver(id);
    for (const step of steps) {
      await step();
      await Dispatch.deliver(id);
    }
    // Signing in sweeps, which tells this endpoint of the filer's earlier notices too: this one's are what counts.
    const heard = hooks.verified().filter((r) => r.event.data.id === id);
    expect(heard.map((r) => r.event.data.status)).toEqual([
      "pending_review",
      "awaiting_information",
      "pending_review",
      "rejected",
      "pending_review",
      "approved",
      "reversed",
      "withdrawn",
    ]);
    expect(new Set(heard.map((r) => r.headers["webhook-id"])).size).toBe(8);
  });

  it("tell a notices:review key's endpoints of every notice, from when it is confirmed, until deleted or revoked", async () => {
    const watcher = await newKey(["notices:review"]);
    const hooks = await startReceiver();
    receivers.push(hooks);
    const registered = await call("POST", "/webhooks", { key: watcher.secret, body: { url: hooks.url } });
    expect(registered.status).toBe(201);
    const endpoint = (await registered.json()) as { id: string; secret: string };
    hooks.trust(endpoint.secret);
    const heard = () => hooks.verified().map((r) => [r.event.data.id, r.event.data.status]);

    // Nobody is told of a notice its sender has not confirmed: anyone can type anyone's address.
    const unconfirmed = await confirmedNotice({ confirm: false });
    await Dispatch.deliver(unconfirmed.notice.id);
    await Notice.withdraw(
      unconfirmed.notice.id,
      new URL(Links.status(unconfirmed.notice.id)).searchParams.get("token")!,
    );
    await Dispatch.deliver(unconfirmed.notice.id);
    const anonymous = await confirmedNotice();
    await Dispatch.deliver(anonymous.notice.id);
    await approve(anonymous.notice.id);
    await Dispatch.deliver(anonymous.notice.id);
    const keyed = await keyedNotice();
    await Dispatch.deliver(keyed.id);
    expect(heard()).toEqual([
      [anonymous.notice.id, "pending_review"],
      [anonymous.notice.id, "approved"],
      [keyed.id, "pending_review"],
    ]);

    // Deleted, the endpoint hears nothing more; another, once its key is revoked, neither.
    expect((await call("DELETE", `/webhooks/${endpoint.id}`, { key: watcher.secret })).status).toBe(204);
    const second = (await (
      await call("POST", "/webhooks", { key: watcher.secret, body: { url: hooks.url } })
    ).json()) as {
      id: string;
      secret: string;
    };
    hooks.trust(second.secret);
    await ApiKey.revoke(watcher.id);
    for (let i = 0; i < 2; i++) {
      const later = await keyedNotice();
      await Dispatch.deliver(later.id);
    }
    expect(heard()).toHaveLength(3);
    // The revoked key's endpoint failed once, and was then no longer told.
    const tried = (await itemsOf("webhook_delivery")).filter((d) => d.endpointId === second.id);
    expect(tried).toEqual([expect.objectContaining({ status: "failed", lastError: "key_revoked" })]);
  });
});

describe("npm run dispatch -- backfill-webhooks", () => {
  it("subscribes the endpoints a review key registered before review keys heard of every notice", async () => {
    const both = await newKey(["notices:write", "notices:review"]);
    const hooks = await startReceiver();
    receivers.push(hooks);
    const endpoint = (await (
      await call("POST", "/webhooks", { key: both.secret, body: { url: hooks.url } })
    ).json()) as {
      id: string;
      secret: string;
    };
    hooks.trust(endpoint.secret);
    // As registered before: not among the endpoints that hear of every notice.
    await dynamo().send("UpdateItem", {
      TableName: Table.name(),
      Key: Table.key.reviewWebhooks(),
      UpdateExpression: "DELETE endpoints :it",
      ExpressionAttributeValues: { ":it": new Set([`${both.id}/${endpoint.id}`]) },
    });
    const before = await confirmedNotice();
    await Dispatch.deliver(before.notice.id);
    expect(hooks.verified()).toEqual([]);

    const out: string[] = [];
    expect(await dispatchCli(["backfill-webhooks"], { log: (line) => out.push(line), error: () => {} })).toBe(0);
    expect(out.join("\n")).toMatch(/^[1-9]\d* endpoints of review keys now hear of every notice\.$/);
    const after = await confirmedNotice();
    await Dispatch.deliver(after.notice.id);
    expect(hooks.verified().map((r) => r.event.data.id)).toEqual([after.notice.id]);
    expect((await call("DELETE", `/webhooks/${endpoint.id}`, { key: both.secret })).status).toBe(204);
  });
});

describe("as integrations call it", () => {
  it("answers a decision retried with the same Idempotency-Key as the first time, deciding once", async () => {
    const { notice } = await confirmedNotice();
    const send = () =>
      call("POST", `/takedowns/${notice.id}/decision`, {
        key: reviewer.secret,
        body: { action: "approve", reason: "Theirs." },
        headers: { "Idempotency-Key": `decide-${notice.id}` },
      });
    const first = await send();
    const retry = await send();
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await retry.json()).toEqual(await first.json());
    expect((await read(notice.id)).events.filter((event) => event.type === "decided")).toHaveLength(1);
  });

  it("accepts the OpenAPI document's examples as they are", async () => {
    const example = (path: string) => document().paths[path]!.post!.requestBody!.content["application/json"].example;
    const { notice } = await confirmedNotice();
    expect((await act(notice.id, "notes", example("/takedowns/{id}/notes"))).status).toBe(201);
    expect((await act(notice.id, "decision", { action: "approve", reason: "Theirs." })).status).toBe(200);
    expect((await act(notice.id, "reversal", example("/takedowns/{id}/reversal"))).status).toBe(200);
    const other = await confirmedNotice();
    expect((await act(other.notice.id, "decision", example("/takedowns/{id}/decision"))).status).toBe(200);
  });
});
