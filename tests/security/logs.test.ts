/**
 * Logs are JSON lines with a request id, and carry no link token, email
 * address or requester text, even when requests fail with those in their
 * URL, body or error. This file checks its own worker's lines; the leak check
 * after the run (tests/support/log-check.ts) reads every worker's.
 */
import { readFileSync } from "node:fs";
import { Dispatch, Links, Token } from "@takedown/core";
import { app } from "@takedown/web";
import { describe, expect, inject, it } from "vitest";
import { confirmedNotice, drain, fileJson, OPERATORS, press } from "../support/desk";
import { figure } from "../support/figures";
import { CANARY, leaks } from "../support/log-check";
import { ingestSource, noticeInput } from "../support/fixtures";
import { internal, intoDynamo, intoSes, timeout, writesTo } from "../fault/inject";

const ownLog = () => readFileSync(`${inject("logDir")}/${process.pid}.log`, "utf8");

describe("the logs", () => {
  it("give every request a JSON line with its id, and leak nothing when things go wrong", async () => {
    // The worker may have run other files first: only what this test logs counts.
    const before = ownLog().length;
    const { articles } = await ingestSource(1);
    const input = noticeInput([articles[0]!.originalUrl], { work: `${CANARY} the work`, explanation: `${CANARY} why` });
    const file = () => fileJson(input);

    // A bug whose message names the sender: a 500 that must not echo it.
    const bug = intoDynamo({
      when: writesTo("NOTICE#"),
      effect: { error: () => new Error(`boom for ${input.requester.email}: ${CANARY}`) },
      times: 1,
    });
    expect((await file()).status).toBe(500);
    bug.remove();
    const throttle = intoDynamo({ when: writesTo("NOTICE#"), effect: { error: internal }, times: 1 });
    expect((await file()).status).toBe(503);
    throttle.remove();
    const filed = await file();
    expect(filed.status).toBe(202);
    const { id, statusUrl } = (await filed.json()) as { id: string; statusUrl: string };

    // Tokens in URLs, good and bad; mail failing and a dispatcher taking over.
    expect((await app.request(new URL(statusUrl).pathname + new URL(statusUrl).search)).status).toBe(200);
    expect(
      (
        await app.request(
          `/takedowns/${id}/confirm?token=${Token.sign({ notice: id, action: "approve", actor: input.requester.email })}`,
        )
      ).status,
    ).toBe(403);
    const sesDown = intoSes({ when: () => true, effect: { error: timeout } });
    await Dispatch.sweep();
    sesDown.remove();
    const dying = intoSes({ when: () => true, effect: "hang", times: 1 });
    const { notice } = await confirmedNotice();
    void Dispatch.deliver(notice.id);
    await dying.hung;
    dying.remove();
    await drain(Date.now() + 61_000);
    const hiding = intoDynamo({ when: writesTo("ARTICLE#"), effect: { error: internal } });
    expect((await press(Links.act(notice.id, "approve", OPERATORS[0]!))).status).toBe(200);
    await Dispatch.sweep(new Date(Date.now() + 122_000));
    hiding.remove();
    await drain(Date.now() + 122_000);

    const logged = ownLog().slice(before);
    const lines = logged.split("\n").filter((line) => line.startsWith("{"));
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = entries.filter((e) => e.msg === "request");
    // Each request this test made: the bug, the throttle, the filing, the status page, the wrong link, the approval.
    expect(requests.map((e) => e.status)).toEqual(expect.arrayContaining([500, 503, 202, 200, 403, 200]));
    expect(requests.every((e) => typeof e.requestId === "string" && typeof e.status === "number")).toBe(true);
    const failures = entries.filter((e) => e.msg === "request.failed");
    expect(failures.map((e) => e.status)).toEqual(expect.arrayContaining([500, 503]));
    // A failure's line carries the id of the request it failed.
    for (const failure of failures) expect(requests.some((r) => r.requestId === failure.requestId)).toBe(true);
    const messages = new Set(entries.map((e) => e.msg));
    for (const msg of ["mail.failed", "dispatch.takeover", "effects.failed"]) expect(messages).toContain(msg);

    expect(leaks(logged)).toEqual([]);
    figure("logs.own-worker", {
      lines: lines.length,
      requests: requests.length,
      kinds: [...messages].sort(),
      leaks: 0,
    });
  });

  it("the leak check catches an address, a token and requester text", () => {
    const token = Token.sign({ notice: "n1", action: "approve", actor: OPERATORS[0]!, expires: Date.now() });
    const found = leaks(
      [
        JSON.stringify({ msg: "x", to: "someone@rights.example" }),
        JSON.stringify({ msg: "x", path: `/takedowns/n1/approve?token=${token}` }),
        JSON.stringify({ msg: "x", work: `${CANARY} my article` }),
        JSON.stringify({
          msg: "request",
          requestId: "3781d924-3ef9-49fe-b69f-fd380e163a59",
          path: "/takedowns/0mx1blwvff391grw1cys/approve",
        }),
      ].join("\n"),
    );
    expect(found.map((line) => line.split(":")[0])).toEqual(["email address", "link token", "requester text"]);
  });
});
