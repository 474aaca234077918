/**
 * The review API, as an integration (a newsroom tool, a chat bot) uses it
 * with a `notices:review` key: list every notice, read one with its audit
 * trail, decide, reverse and annotate it. Against dynalite and
 * aws-ses-v2-local: the dispatcher applies what a decision leads to, sends
 * the requester's mail and the filing key's webhook events.
 */
import { Dispatch, Notice } from "@takedown/core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { call, newKey, type Key } from "../support/api";
import { approve, confirmedNotice, OPERATORS } from "../support/desk";
import { ingestSource, noticeInput } from "../support/fixtures";
import type { Receiver } from "../support/receiver";

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
    expect(await elsewhere.json()).toMatchObject({ error: { code: "validation_failed", issues: [{ path: "cursor" }] } });
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
    const response = await call("GET", `/takedowns/${notice.id}`, { key: reviewer.secret });
    expect(response.status).toBe(200);
    const body = await response.text();
    const read = JSON.parse(body) as Case;

    expect(read).toMatchObject({ id: notice.id, status: "pending_review", notes: [] });
    expect(read.events.slice(0, 2).map((event) => [event.type, event.actor])).toEqual([
      ["filed", "the sender"],
      ["confirmed", "the sender"],
    ]);
    const mails = read.events.slice(2);
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
    const own = (await (await call("GET", `/takedowns/${id}`, { key: filer.secret })).json()) as Record<string, unknown>;
    expect(own).toMatchObject({ id, status: "pending_review" });
    expect(own).not.toHaveProperty("events");
    expect(own).not.toHaveProperty("notes");
  });
});
