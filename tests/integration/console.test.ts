/**
 * The console's queue and case pages, as a signed-in operator uses them:
 * states, filters, flags, search by any spelling of a URL, pagination,
 * assignment, notes, decisions URL by URL and reversals, each in the audit
 * trail with its actor.
 */
import { Abuse, ApiKey, Dispatch, Links, Notice, Paths, Queue, Table } from "@takedown/core";
import { dynamo } from "@takedown/core/aws/dynamo";
import { app } from "@takedown/web";
import { run as dispatchCli } from "../../packages/local/src/dispatch";
import { beforeAll, describe, expect, it } from "vitest";
import { page, post, signedIn } from "../support/console";
import { approve, confirmedNotice, drain, itemsOf, OPERATORS, tokenOf } from "../support/desk";
import { callsDuring } from "../support/dynamo-calls";
import { ingestSource, noticeInput, unique } from "../support/fixtures";

let cookie: string;
beforeAll(async () => {
  cookie = await signedIn(OPERATORS[0]!);
});

const html = async (path: string) => {
  const answer = await page(path, cookie);
  expect(answer.status, path).toBe(200);
  return answer.text();
};

/** The queue's rows for a query, as the page lists them (by notice id). */
const listed = async (query: Record<string, string>) => {
  const body = await html(`${Paths.routes.console}?${new URLSearchParams(query)}`);
  return [...body.matchAll(/data-notice="(\w+)"/g)].map((m) => m[1]!);
};

describe("the queue", () => {
  it("lists notices by state, oldest first, with their counts, sources and age", async () => {
    const first = await confirmedNotice();
    const second = await confirmedNotice({ articles: 2 });
    const waiting = await confirmedNotice({ confirm: false });
    const pending = await listed({ state: "pending_review" });
    expect(pending.indexOf(first.notice.id)).toBeLessThan(pending.indexOf(second.notice.id));
    expect(pending).not.toContain(waiting.notice.id);
    expect(await listed({ state: "awaiting_confirmation" })).toContain(waiting.notice.id);
    const body = await html(Paths.routes.console);
    expect(body).toContain(second.sourceDomain);
    expect(body).toMatch(/Pending review\s*\(\d+\)/);
  });

  it("marks a notice overdue once it has waited longer than REVIEW_SLA_HOURS, with the clock paused while a question is open", async () => {
    const { notice } = await confirmedNotice();
    const later = new Date(Date.now() + 49 * 3_600_000);
    const rowOf = async (now: Date) =>
      (await Queue.list(Queue.filter({ state: "pending_review", limit: "100" }), now)).rows.find(
        (r) => r.notice.id === notice.id,
      )!;
    expect((await rowOf(new Date())).overdue).toBe(false);
    expect((await rowOf(later)).overdue).toBe(true);
    await Notice.requestInfo(notice.id, OPERATORS[0]!, { question: "Which licence?" }, new Date(Date.now() + 60_000));
    const paused = await rowOf(later);
    expect(paused.overdue).toBe(false);
    expect(paused.waitingMs).toBeLessThan(2 * 60_000);
  });

  it("filters by source domain and requester email, and pages with a cursor", async () => {
    const a = await confirmedNotice();
    const b = await confirmedNotice();
    expect(await listed({ state: "pending_review", source: a.sourceDomain })).toEqual([a.notice.id]);
    expect(await listed({ state: "pending_review", requester: b.input.requester.email.toUpperCase() })).toEqual([
      b.notice.id,
    ]);

    const seen: string[] = [];
    let query: Record<string, string> | undefined = { state: "pending_review", limit: "2" };
    while (query) {
      const body = await html(`${Paths.routes.console}?${new URLSearchParams(query)}`);
      seen.push(...[...body.matchAll(/data-notice="(\w+)"/g)].map((m) => m[1]!));
      const next = /href="([^"]+)" rel="next"/.exec(body)?.[1]?.replace(/&amp;/g, "&");
      query = next ? Object.fromEntries(new URL(next, "http://x").searchParams) : undefined;
    }
    const all = (await Queue.list(Queue.filter({ state: "pending_review", limit: "100" }))).rows.map(
      (r) => r.notice.id,
    );
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("refuses a bad filter with a message, and a cursor from another list", async () => {
    const bad = await page(`${Paths.routes.console}?state=lost`, cookie);
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("state is one of");
    const cursor = Buffer.from(JSON.stringify({ pk: "x", sk: "y", gsi5pk: "QUEUE#decided", gsi5sk: "z" })).toString(
      "base64url",
    );
    const wrong = await page(`${Paths.routes.console}?state=pending_review&cursor=${cursor}`, cookie);
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain("This cursor does not belong to this list");
  });

  it("flags what should give an operator pause", async () => {
    // Domain matches its source, no history: no flags.
    const clean = await confirmedNotice();
    const own = await Notice.file(
      noticeInput([clean.articles[0]!.originalUrl], {
        requester: { name: "Jane Writer", email: `desk@${clean.sourceDomain}`, role: "publisher" },
      }),
    );
    // A requester with two notices rejected as unfounded.
    const repeat = await confirmedNotice();
    for (const id of ["n1", "n2"]) await Abuse.recordUnfounded(repeat.input.requester.email, id);
    // A key filing for an address that is not its owner's.
    const { key } = await ApiKey.create({
      name: "Newsroom bot",
      scopes: ["notices:write"],
      owner: "legal@bot.example",
    });
    const keyed = await Notice.file(noticeInput([clean.articles[0]!.originalUrl]), new Date(), {
      id: key.id,
      name: key.name,
      owner: key.owner,
    });
    // A source that has had a source-wide notice approved.
    const approvedBefore = await confirmedNotice({ overrides: { scope: "source" } });
    await approve(approvedBefore.notice.id);
    await drain();
    const again = await Notice.file(noticeInput([approvedBefore.articles[0]!.originalUrl]));

    const rows = new Map(
      (await Queue.list(Queue.filter({ state: "pending_review", limit: "100" }))).rows.map((r) => [
        r.notice.id,
        r.flags,
      ]),
    );
    const awaiting = new Map(
      (await Queue.list(Queue.filter({ state: "awaiting_confirmation", limit: "100" }))).rows.map((r) => [
        r.notice.id,
        r.flags,
      ]),
    );
    expect(rows.get(clean.notice.id)).toEqual({
      domainMismatch: [clean.sourceDomain],
      unfounded: 0,
      sourceApprovedBefore: [],
      unconfirmedKey: false,
    });
    expect(awaiting.get(own.id)?.domainMismatch).toEqual([]);
    expect(rows.get(repeat.notice.id)?.unfounded).toBe(2);
    expect(rows.get(keyed.id)?.unconfirmedKey).toBe(true);
    expect(awaiting.get(again.id)?.sourceApprovedBefore).toEqual([approvedBefore.sourceDomain]);

    const body = await html(Paths.routes.console);
    expect(body).toContain("2 earlier notices rejected as unfounded");
    expect(body).toContain("Filed with an API key; address never confirmed");
  });

  it("flags a source whose notices were approved URL by URL, leaving no rule, and not for its own approval", async () => {
    const first = await confirmedNotice({ articles: 2 });
    await approve(first.notice.id);
    await drain();
    // Another article of the same source: no rule covers it, and no approved notice lists it.
    const later = await Notice.file(noticeInput([first.articles[1]!.originalUrl]));
    const flags = async (state: Queue.State, id: string) =>
      (await Queue.list(Queue.filter({ state, limit: "100" }))).rows.find((r) => r.notice.id === id)?.flags;
    expect((await flags("awaiting_confirmation", later.id))?.sourceApprovedBefore).toEqual([first.sourceDomain]);
    expect((await flags("decided", first.notice.id))?.sourceApprovedBefore).toEqual([]);
  });
});

describe("search", () => {
  it("finds a notice by any spelling of its URL, ours or the original, and by email, organisation or key", async () => {
    const { key } = await ApiKey.create({
      name: "Search bot",
      scopes: ["notices:write"],
      owner: "legal@search.example",
    });
    const source = await ingestSource(1);
    const article = source.articles[0]!;
    const notice = await Notice.file(
      noticeInput([article.originalUrl], {
        requester: {
          name: "Jane Writer",
          email: "jane@search.example",
          organization: "Harbour Press Ltd",
          role: "agent",
        },
      }),
      new Date(),
      { id: key.id, name: key.name, owner: key.owner },
    );
    // Its terms are written by the dispatcher's first run, not by the filing.
    await Dispatch.deliver(notice.id);
    const spellings = [
      // No scheme's difference, no www., the host in capitals, a trailing slash, tracking and a fragment.
      `${article.originalUrl.replace("https://www.", "http://").replace(source.sourceDomain, source.sourceDomain.toUpperCase())}/?utm_source=x#top`,
      article.originalUrl.replace("https://www.", ""),
      `http://127.0.0.1:3999/articles/${article.id}`,
      "jane@search.example",
      "harbour press",
      key.id,
    ];
    for (const q of spellings) {
      const body = await html(`${Paths.routes.search}?${new URLSearchParams({ q })}`);
      expect(body, q).toContain(`data-notice="${notice.id}"`);
    }
    const none = await html(`${Paths.routes.search}?q=nothing-like-it.example%2Fx`);
    expect(none).not.toContain(`data-notice="${notice.id}"`);
    const empty = await page(`${Paths.routes.search}?q=`, cookie);
    expect(empty.status).toBe(422);
  });

  it("finds an old notice however many newer ones wait, reading only what it finds", async () => {
    const tag = unique();
    const source = await ingestSource(1);
    const article = source.articles[0]!;
    const old = await Notice.file(
      noticeInput([article.originalUrl], {
        requester: {
          name: "Jane Writer",
          email: `old-${tag}@search.example`,
          organization: `Lighthouse Media ${tag}`,
          role: "agent",
        },
      }),
      new Date(Date.now() - 86_400_000),
    );
    await Dispatch.deliver(old.id);
    await newerInQueue(old.id, 2_000);
    for (const q of [
      `OLD-${tag}@search.example`,
      article.originalUrl.replace("https://www.", "http://"),
      `http://127.0.0.1:3999/articles/${article.id}`,
      `lighthouse media ${tag}`,
      `media ${tag}`,
    ]) {
      const { result, calls } = await callsDuring(() => Queue.search({ q }));
      expect(
        result.rows.map((r) => r.notice.id),
        q,
      ).toEqual([old.id]);
      expect(result.complete, q).toBe(true);
      // Looked up, not walked: the notices read are the ones found.
      const read = calls
        .filter((c) => c.command === "BatchGetItemCommand")
        .flatMap((c) => Object.values<any>(c.input.RequestItems)[0].Keys)
        .filter((key: { pk: string }) => key.pk.startsWith("NOTICE#"));
      expect(read, q).toHaveLength(1);
    }
  });
});

describe("npm run dispatch -- backfill-search", () => {
  it("makes notices stored before the search findable, and their approvals count as approved before", async () => {
    const tag = unique();
    const first = await confirmedNotice({
      articles: 2,
      overrides: {
        requester: { name: "Jane Writer", email: `before-${tag}@search.example`, role: "author" },
      },
    });
    await approve(first.notice.id);
    await drain();
    // As a table from before the search holds them: no terms, no approval records.
    await forget(first.notice.id, first.sourceDomain);
    const later = await Notice.file(noticeInput([first.articles[1]!.originalUrl]));
    // The dispatcher's first run writes a notice's terms.
    await drain();
    await forget(later.id, first.sourceDomain);
    // Found by its id, which needs no term.
    const flagged = async () => (await Queue.search({ q: later.id })).rows[0]?.flags.sourceApprovedBefore;
    expect((await Queue.search({ q: `before-${tag}@search.example` })).rows).toEqual([]);
    expect(await flagged()).toEqual([]);

    const out: string[] = [];
    expect(await dispatchCli(["backfill-search"], { log: (line) => out.push(line), error: () => {} })).toBe(0);
    expect(out.join("\n")).toMatch(/\d+ notices made searchable; \d+ approved ones recorded on their sources\./);
    expect((await Queue.search({ q: `before-${tag}@search.example` })).rows.map((r) => r.notice.id)).toEqual([
      first.notice.id,
    ]);
    expect((await Queue.search({ q: first.articles[1]!.originalUrl })).rows.map((r) => r.notice.id)).toEqual([
      later.id,
    ]);
    expect(await flagged()).toEqual([first.sourceDomain]);
  });
});

/** Deletes what filing and approving wrote for the search and the flags, as if the notice predated them. */
async function forget(id: string, sourceDomain: string) {
  const terms = (await itemsOf("search_term")).filter((item) => item.notice === id);
  expect(terms.length).toBeGreaterThan(0);
  for (const item of terms) {
    await dynamo().send("DeleteItem", { TableName: Table.name(), Key: { pk: item.pk, sk: item.sk } });
  }
  await dynamo().send("DeleteItem", { TableName: Table.name(), Key: Table.key.sourceApprovals(sourceDomain) });
}

/** `count` notices filed after `id`, waiting in the same queue state, as on a busy desk; none matches its search terms. */
async function newerInQueue(id: string, count: number) {
  const { Item: item } = await dynamo().send("GetItem", { TableName: Table.name(), Key: Table.key.notice(id) });
  const copies = Array.from({ length: count }, (_, i) => {
    const copyId = `filler${unique()}${String(i).padStart(6, "0")}`;
    const createdAt = new Date(Date.now() + i).toISOString();
    return {
      ...item,
      ...Table.key.notice(copyId),
      ...Table.queue.of("awaiting_confirmation", createdAt, copyId),
      id: copyId,
      createdAt,
      requester: { ...item!.requester, email: `filler-${i}@elsewhere.example`, organization: undefined },
      urls: [{ url: `https://elsewhere.example/${i}` }],
      gsi2pk: undefined,
      gsi2sk: undefined,
    };
  });
  for (let i = 0; i < copies.length; i += 25) {
    await dynamo().send("BatchWriteItem", {
      RequestItems: {
        [Table.name()]: copies.slice(i, i + 25).map((Item) => ({
          PutRequest: { Item: Object.fromEntries(Object.entries(Item).filter(([, v]) => v !== undefined)) },
        })),
      },
    });
  }
}

describe("the case page", () => {
  it("assigns from the queue and from the case, and shows who did it in the audit trail", async () => {
    const { notice } = await confirmedNotice();
    const fromQueue = await post(Paths.caseAction(notice.id, "assign"), cookie, { to: OPERATORS[1]!, back: "queue" });
    expect(fromQueue.status).toBe(303);
    expect(fromQueue.headers.get("location")).toBe(Paths.routes.console);
    let body = await html(Paths.caseOf(notice.id));
    expect(body).toMatch(new RegExp(`id="assignee">${OPERATORS[1]}<`));
    expect(body).toContain(`Assigned to ${OPERATORS[1]}`);

    const refused = await post(Paths.caseAction(notice.id, "assign"), cookie, { to: "someone@elsewhere.example" });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("Assign the notice to an operator, or to nobody.");
    await post(Paths.caseAction(notice.id, "assign"), cookie, { to: "" });
    body = await html(Paths.caseOf(notice.id));
    expect(body).toContain('id="assignee">nobody<');
  });

  it("keeps internal notes for operators, escaped, and never shows them to the requester", async () => {
    const { notice } = await confirmedNotice();
    const text = `<script>alert(1)</script> check the licence ${notice.id}`;
    const added = await post(Paths.caseAction(notice.id, "note"), cookie, { text });
    expect(added.status).toBe(303);
    const body = await html(Paths.caseOf(notice.id));
    expect(body).toContain("&lt;script&gt;alert(1)&lt;/script&gt; check the licence");
    expect(body).not.toContain("<script>alert(1)");
    const stored = await Notice.get(notice.id);
    expect(stored.events.at(-1)).toMatchObject({ type: "noted", by: OPERATORS[0], text });

    // The requester's status page knows nothing of it.
    const status = new URL(Links.status(notice.id));
    const requesterPage = await (await app.request(status.pathname + status.search)).text();
    expect(requesterPage).toContain(notice.id);
    expect(requesterPage).not.toContain("check the licence");

    const empty = await post(Paths.caseAction(notice.id, "note"), cookie, { text: "  " });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain("Write the note.");
    expect((await Notice.get(notice.id)).version).toBe(stored.version);
  });

  it("decides URL by URL: some hidden, others kept, with a ground; then reverses one", async () => {
    const source = await ingestSource(2);
    const urls = source.articles.map((a) => a.originalUrl);
    const filed = await Notice.file(noticeInput(urls));
    const notice = await Notice.confirmAnonymous(
      filed.id,
      tokenOf(Links.act(filed.id, "confirm", filed.requester.email)),
    );

    const before = await html(Paths.caseOf(notice.id));
    expect(before).toContain("Hides 2 articles now");

    const missing = await post(Paths.caseAction(notice.id, "decide"), cookie, { reason: "x" });
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain("Choose whether to approve or to reject.");

    const decided = await post(Paths.caseAction(notice.id, "decide"), cookie, [
      ["action", "approve"],
      ["urls", urls[0]!],
      ["ground", "infringement_confirmed"],
      ["reason", "The first one only."],
    ]);
    expect(decided.status).toBe(303);
    await drain();
    const after = await Notice.get(notice.id);
    expect(after.status).toBe("partially_approved");
    expect(Notice.outcomes(after).map((o) => o.outcome)).toEqual(["hidden", "kept"]);
    expect(after.decision).toMatchObject({ by: OPERATORS[0], ground: "infringement_confirmed", via: "console" });

    const reversed = await post(Paths.caseAction(notice.id, "reverse"), cookie, {
      urls: urls[0]!,
      reason: "Licence found after all.",
    });
    expect(reversed.status).toBe(303);
    await drain();
    const trail = await html(Paths.caseOf(notice.id));
    expect(trail).toContain("Licence found after all.");
    expect((await Notice.get(notice.id)).events.some((e) => e.type === "reversed" && e.by === OPERATORS[0])).toBe(true);
  });

  it("marks an appeal, and warns the operator who rejected it", async () => {
    const { notice } = await confirmedNotice();
    const rejected = await post(Paths.caseAction(notice.id, "decide"), cookie, {
      action: "reject",
      ground: "licence_in_place",
      reason: "We hold a licence.",
    });
    expect(rejected.status).toBe(303);
    await drain();
    const token = new URL(Links.status(notice.id)).searchParams.get("token")!;
    await Notice.appeal(notice.id, token, { reason: "The licence ended last year." });

    const mine = await html(Paths.caseOf(notice.id));
    expect(mine).toContain("The licence ended last year.");
    expect(mine).toContain('id="appeal-warning"');
    expect(
      (await Queue.list(Queue.filter({ state: "contested", limit: "100" }))).rows.map((r) => r.notice.id),
    ).toContain(notice.id);

    const other = await signedIn(OPERATORS[1]!);
    const theirs = await (await page(Paths.caseOf(notice.id), other)).text();
    expect(theirs).toContain("The licence ended last year.");
    expect(theirs).not.toContain('id="appeal-warning"');
  });

  it("asks the requester a question, which pauses the case until they answer", async () => {
    const { notice } = await confirmedNotice();
    const empty = await post(Paths.caseAction(notice.id, "request-info"), cookie, { question: "" });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain("Write the question.");
    const asked = await post(Paths.caseAction(notice.id, "request-info"), cookie, {
      question: "Which licence do you mean?",
    });
    expect(asked.status).toBe(303);
    expect((await Notice.get(notice.id)).status).toBe("awaiting_information");
    expect(await html(Paths.caseOf(notice.id))).toContain("Asked the requester: Which licence do you mean?");
  });

  it("names an API key by its name in the audit trail, and operators by their address", async () => {
    const { key } = await ApiKey.create({ name: "Trail bot", scopes: ["notices:write"], owner: "legal@trail.example" });
    const source = await ingestSource(1);
    const filed = await Notice.file(noticeInput([source.articles[0]!.originalUrl]), new Date(), {
      id: key.id,
      name: key.name,
      owner: key.owner,
    });
    await post(Paths.caseAction(filed.id, "note"), cookie, { text: "Looked at it." });
    const body = await html(Paths.caseOf(filed.id));
    expect(body).toContain(`API key &quot;Trail bot&quot; (${key.id})`);
    expect(body).toMatch(new RegExp(`<td>${OPERATORS[0]}</td><td>Note: Looked at it.</td>`));
  });

  it("restores an approval after a counter-notice, from the contested queue", async () => {
    const { notice, articles } = await confirmedNotice();
    await approve(notice.id);
    await drain();
    await Notice.recordCounter(notice.id, [
      { type: "counter_noticed", at: new Date().toISOString(), by: "system", counterNotice: "cn-test" },
    ]);
    expect(
      (await Queue.list(Queue.filter({ state: "contested", limit: "100" }))).rows.map((r) => r.notice.id),
    ).toContain(notice.id);
    const before = await html(Paths.caseOf(notice.id));
    expect(before).toContain('id="action-restore"');

    const empty = await post(Paths.caseAction(notice.id, "restore"), cookie, { reason: "" });
    expect(empty.status).toBe(422);
    const restored = await post(Paths.caseAction(notice.id, "restore"), cookie, {
      reason: "The publisher showed its licence.",
    });
    expect(restored.status).toBe(303);
    await drain();
    const after = await Notice.get(notice.id);
    expect(after.events.some((e) => e.type === "restored" && e.by === OPERATORS[0])).toBe(true);
    expect((await app.request(`/articles/${articles[0]!.id}`)).status).toBe(200);
  });

  it("answers 404 for a notice that does not exist, and refuses an unknown ground", async () => {
    expect((await page(Paths.caseOf("0000000000nothere0000"), cookie)).status).toBe(404);
    const { notice } = await confirmedNotice();
    const bad = await post(Paths.caseAction(notice.id, "decide"), cookie, {
      action: "reject",
      ground: "made_up",
      reason: "x",
    });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("Choose a ground from the list.");
    expect((await Notice.get(notice.id)).status).toBe("pending_review");
  });
});

describe("reason templates", () => {
  it("lets operators reword a ground and add one, which the case page then offers", async () => {
    const before = await html(Paths.routes.grounds);
    expect(before).toContain("Infringement confirmed");
    const { Grounds } = await import("@takedown/core");
    const fields: [string, string][] = (await Grounds.list()).flatMap((g, i): [string, string][] => [
      [`grounds.${i}.label`, g.label],
      [`grounds.${i}.text`, i === 0 ? "Reworded: the requester showed their rights." : g.text],
    ]);
    const saved = await post(Paths.routes.grounds, cookie, [
      ...fields,
      ["added.label", "Public interest"],
      ["added.text", "Reporting in the public interest."],
    ]);
    expect(saved.status).toBe(303);
    const list = await Grounds.list();
    expect(list[0]!.text).toBe("Reworded: the requester showed their rights.");
    expect(list.at(-1)).toEqual({
      id: "public_interest",
      label: "Public interest",
      text: "Reporting in the public interest.",
    });
    const { notice } = await confirmedNotice();
    expect(await html(Paths.caseOf(notice.id))).toContain('<option value="public_interest">Public interest</option>');

    const blank = await post(Paths.routes.grounds, cookie, [
      ...fields.map(([k, v]): [string, string] => [k, k === "grounds.1.label" ? "" : v]),
    ]);
    expect(blank.status).toBe(422);
    expect(await blank.text()).toContain("Give the ground a label.");
    expect((await Grounds.list())[1]!.label).toBe(list[1]!.label);
  });
});
