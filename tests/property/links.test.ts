/**
 * The signed links in the mail, attacked: any altered character, a link for
 * another notice, action or person, an expired or used link are refused (403
 * or 410) and change nothing; opening live links any number of times (mail
 * scanners do) changes nothing and does not use them up.
 */
import fc from "fast-check";
import { Links, Notice, Token } from "@takedown/core";
import { app } from "@takedown/web";
import { describe, expect, it } from "vitest";
import { confirmedNotice, OPERATORS, press, tokenOf } from "../support/desk";
import { figure } from "../support/figures";

const SEED = 20261129;
const ACTIONS = ["confirm", "approve", "reject"] as const;

function codeOf(run: () => unknown): string {
  try {
    run();
    return "accepted";
  } catch (error) {
    return (error as { code?: string }).code ?? "threw";
  }
}

/** Any one edit of a token: a character replaced, inserted or removed. */
const edited = (token: string) =>
  fc
    .record({
      at: fc.nat({ max: token.length }),
      kind: fc.constantFrom("replace", "insert", "delete"),
      char: fc.oneof(
        fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."),
        fc.string({ minLength: 1, maxLength: 1, unit: "binary" }),
      ),
    })
    .map(({ at, kind, char }) =>
      kind === "insert"
        ? token.slice(0, at) + char + token.slice(at)
        : token.slice(0, Math.min(at, token.length - 1)) +
          (kind === "replace" ? char : "") +
          token.slice(Math.min(at, token.length - 1) + 1),
    )
    .filter((changed) => changed !== token);

/** What a person can see and what a decision changes, to compare before and after. */
async function snapshot(id: string) {
  const notice = await Notice.get(id);
  return {
    status: notice.status,
    version: notice.version,
    events: notice.events.length,
    outbox: Object.keys(notice.outbox),
  };
}

describe("a link's token", () => {
  it("refuses every edit of any character (unit, 3,000 cases)", () => {
    const token = Token.sign({ notice: "n1", action: "approve", actor: OPERATORS[0]!, expires: Date.now() + 60_000 });
    fc.assert(
      fc.property(edited(token), (changed) => {
        expect(codeOf(() => Token.verify(changed, { notice: "n1", action: "approve" }))).toBe("invalid_link");
      }),
      { seed: SEED, numRuns: 3_000 },
    );
  });

  it("refuses edited tokens over HTTP, opened or pressed, and the notice does not change", async () => {
    const { notice } = await confirmedNotice();
    const before = await snapshot(notice.id);
    const link = Links.act(notice.id, "approve", OPERATORS[0]!);
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(edited(tokenOf(link)), fc.boolean(), async (token, post) => {
        const response = post
          ? await press(`${new URL(link).origin}/takedowns/${notice.id}/approve?token=${encodeURIComponent(token)}`)
          : await app.request(`/takedowns/${notice.id}/approve?token=${encodeURIComponent(token)}`);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status).toBe(403);
      }),
      { seed: SEED, numRuns: 60 },
    );
    expect(await snapshot(notice.id)).toEqual(before);
    figure("links.edited-tokens-http", { requests: 60, statuses: Object.fromEntries(statuses), noticeChanged: false });
  });

  it("refuses a token made for another notice, action or person", async () => {
    const { notice, input } = await confirmedNotice();
    const other = await confirmedNotice();
    const before = await snapshot(notice.id);
    const people = [...OPERATORS, input.requester.email, "stranger@elsewhere.example"];
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(notice.id, other.notice.id),
        fc.constantFrom(...ACTIONS, "status" as const),
        fc.constantFrom(...people),
        fc.constantFrom("approve", "reject"),
        async (tokenNotice, tokenAction, actor, used) => {
          const valid = tokenNotice === notice.id && tokenAction === used && OPERATORS.includes(actor);
          fc.pre(!valid);
          const token = Token.sign({ notice: tokenNotice, action: tokenAction, actor, expires: Date.now() + 60_000 });
          const response = await press(`http://x/takedowns/${notice.id}/${used}?token=${token}`, { reason: "x" });
          expect(response.status).toBe(403);
          refused++;
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
    expect(await snapshot(notice.id)).toEqual(before);
    figure("links.wrong-claims", { refused, noticeChanged: false });
  });

  it("refuses an expired token with 410, opened or pressed", async () => {
    const { notice } = await confirmedNotice();
    const before = await snapshot(notice.id);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 400 * 24 * 3_600_000 }),
        fc.constantFrom("approve", "reject"),
        async (ago, action) => {
          const token = Token.sign({ notice: notice.id, action, actor: OPERATORS[0]!, expires: Date.now() - ago });
          expect((await app.request(`/takedowns/${notice.id}/${action}?token=${token}`)).status).toBe(410);
          expect(
            (await press(`http://x/takedowns/${notice.id}/${action}?token=${token}`, { reason: "x" })).status,
          ).toBe(410);
        },
      ),
      { seed: SEED, numRuns: 20 },
    );
    expect(await snapshot(notice.id)).toEqual(before);
  });

  it("refuses every link once the notice is decided, the used one included", async () => {
    const { notice, input } = await confirmedNotice();
    const used = Links.act(notice.id, "approve", OPERATORS[0]!);
    expect((await press(used)).status).toBe(200);
    const after = await snapshot(notice.id);
    const links = [
      used,
      Links.act(notice.id, "approve", OPERATORS[1]!),
      Links.act(notice.id, "reject", OPERATORS[0]!),
      Links.act(notice.id, "reject", OPERATORS[1]!),
      Links.act(notice.id, "confirm", input.requester.email),
    ];
    for (const link of links) {
      expect((await press(link, { reason: "late" })).status).toBe(410);
      expect((await app.request(new URL(link).pathname + new URL(link).search)).status).toBe(410);
    }
    expect(await snapshot(notice.id)).toEqual(after);
  });
});

describe("mail scanners opening live links", () => {
  it("1,000 GET and HEAD requests change nothing and leave every link usable", async () => {
    const { notice, input } = await confirmedNotice({ confirm: false });
    const links = [Links.act(notice.id, "confirm", input.requester.email)];
    const paths = links.map((link) => new URL(link).pathname + new URL(link).search);
    const before = await snapshot(notice.id);
    const started = performance.now();
    const statuses = new Map<string, number>();
    for (let batch = 0; batch < 50; batch++) {
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => app.request(paths[0]!, { method: (batch * 20 + i) % 2 ? "HEAD" : "GET" })),
      );
      for (const r of responses) statuses.set(String(r.status), (statuses.get(String(r.status)) ?? 0) + 1);
    }
    const ms = Math.round(performance.now() - started);
    expect(Object.fromEntries(statuses)).toEqual({ "200": 1_000 });
    expect(await snapshot(notice.id)).toEqual(before);

    // The link still does what its button says, once.
    expect((await press(links[0]!)).status).toBe(200);
    expect((await Notice.get(notice.id)).status).toBe("pending_review");
    const approveLink = Links.act(notice.id, "approve", OPERATORS[0]!);
    const approvePath = new URL(approveLink).pathname + new URL(approveLink).search;
    const reviewed = await snapshot(notice.id);
    const opened = await Promise.all(
      Array.from({ length: 100 }, (_, i) => app.request(approvePath, { method: i % 2 ? "HEAD" : "GET" })),
    );
    expect(opened.every((r) => r.status === 200)).toBe(true);
    expect(await snapshot(notice.id)).toEqual(reviewed);
    expect((await press(approveLink)).status).toBe(200);
    figure("links.scanner-opens", {
      requests: 1_000,
      statuses: Object.fromEntries(statuses),
      noticeChanged: false,
      ms,
      linkStillWorked: true,
    });
  });
});
