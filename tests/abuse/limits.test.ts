/**
 * Floods against the public side: filing is limited per address and per
 * requester email (429 with Retry-After), confirming costs what filing paid, receipts to one
 * address are limited to one while its link works, so the form cannot spam someone, a victim's quota
 * cannot be burnt without doing the work, and the JSON API holds anonymous
 * systems to the same rules while API keys skip them.
 */
import { Abuse, Links, Notice, Pow } from "@takedown/core";
import { app } from "@takedown/web";
import { describe, expect, it } from "vitest";
import { call, newKey } from "../support/api";
import { drain, itemsOf, ORIGIN, tokenOf } from "../support/desk";
import { withinOneWindow } from "../support/clock";
import { callsDuring } from "../support/dynamo-calls";
import { figure } from "../support/figures";
import { ingestSource, noticeInput, unique } from "../support/fixtures";
import { inbox } from "../support/mailbox";
import { proofOfWork } from "../support/pow";
import { formFields, submitForm } from "./form";

const solved = () => proofOfWork()["proof-of-work"];
const notices = async () => (await itemsOf("notice")).length;
let addresses = 0;
/** A fresh address each time: one person each. */
const address = () => `203.0.${113 + (++addresses >> 8)}.${addresses & 255}`;

function confirmFrom(ip: string, id: string, email: string) {
  return app.request(
    `/takedowns/${id}/confirm`,
    {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: tokenOf(Links.act(id, "confirm", email)) }).toString(),
    },
    { incoming: { socket: { remoteAddress: ip } } },
  );
}

describe("filing through the form", () => {
  it(`takes ${Abuse.LIMITS.filingsPerIp.limit} notices an hour from one address, then 429 with the form kept`, async () => {
    const ip = "192.0.2.1";
    const { limit, windowSeconds } = Abuse.LIMITS.filingsPerIp;
    withinOneWindow(windowSeconds);
    for (let i = 0; i < limit; i++) {
      expect((await submitForm({ ...(await formFields()), proof: solved() }, ip)).status).toBe(303);
    }
    const before = await notices();
    const fields = await formFields();
    const refused = await submitForm({ ...fields, proof: solved() }, ip);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const html = await refused.text();
    expect(html).toContain("Too many requests");
    expect(html).toContain(`value="${fields.email}"`);
    expect(await notices()).toBe(before);
    // Another address is not affected.
    expect((await submitForm({ ...(await formFields()), proof: solved() }, address())).status).toBe(303);
    figure("abuse.form-per-ip", {
      limitPerHour: limit,
      accepted: limit,
      // biome-ignore lint/suspicious/noThenProperty: a figure's field, never awaited.
      then: refused.status,
      retryAfter: refused.headers.get("retry-after"),
    });
  });

  it("sends an address one receipt while its link works, however often anyone files, and refuses none", async () => {
    const victim = `victim-${unique()}@inbox.example`;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await submitForm({ ...(await formFields(victim)), proof: solved() }, address())).status);
    }
    expect(statuses).toEqual(Array(6).fill(303));
    await drain();
    expect(await inbox(victim)).toHaveLength(1);
    figure("abuse.receipts-per-email", { attempts: 6, statuses, receiptsDelivered: 1 });
  });

  it("does not let anyone use up an address's quota without doing the work", async () => {
    const victim = `target-${unique()}@inbox.example`;
    for (let i = 0; i < 10; i++) {
      expect((await submitForm({ ...(await formFields(victim)), proof: "forged" }, address())).status).toBe(422);
    }
    expect((await submitForm({ ...(await formFields(victim)), proof: solved() }, address())).status).toBe(303);
  });
});

describe("confirming", () => {
  it("is one write: the notice paid its limits when it was filed, so nothing is counted again", async () => {
    const { articles } = await ingestSource(1);
    const notice = await Notice.file(noticeInput([articles[0]!.originalUrl]));
    const { result, calls } = await callsDuring(async () => confirmFrom(address(), notice.id, notice.requester.email));
    expect(result.status).toBe(200);
    expect(await result.text()).toContain("Follow the status of your notice");
    expect(calls.map((c) => c.command)).toEqual(["UpdateItemCommand"]);
    expect((await Notice.get(notice.id)).status).toBe("pending_review");
  });
});

describe("filing through the JSON API", () => {
  it("asks anonymous systems for a solved challenge, and lets API keys through without one", async () => {
    const { articles } = await ingestSource(1);
    const input = noticeInput([articles[0]!.originalUrl]);
    const ip = address();

    const without = await call("POST", "/takedowns", { body: input, ip });
    expect(without.status).toBe(422);
    expect(await without.json()).toMatchObject({ error: { issues: [{ path: "proof" }] } });

    const issued = (await (await call("GET", "/challenge", { ip })).json()) as Pow.Challenge;
    expect(issued).toMatchObject({ algorithm: "SHA-256", bits: Number(process.env.POW_BITS) });
    const proof = Pow.solve(issued.challenge, issued.bits);
    const filed = await call("POST", "/takedowns", { body: input, ip, headers: { "proof-of-work": proof } });
    expect(filed.status).toBe(202);
    const replayed = await call("POST", "/takedowns", { body: input, ip, headers: { "proof-of-work": proof } });
    expect(replayed.status).toBe(422);

    const key = await newKey();
    expect(
      (await call("POST", "/takedowns", { key: key.secret, body: noticeInput([articles[0]!.originalUrl]) })).status,
    ).toBe(202);
  });

  it("holds anonymous systems to the same rule: one receipt per address while its link works", async () => {
    const victim = `api-victim-${unique()}@inbox.example`;
    const { articles } = await ingestSource(1);
    const body = noticeInput([articles[0]!.originalUrl], {
      requester: { name: "Jane Writer", email: victim, role: "author" },
    });
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await call("POST", "/takedowns", { body, ip: address(), headers: proofOfWork() })).status);
    expect(statuses).toEqual([202, 202, 202, 202]);
    await drain();
    expect(await inbox(victim)).toHaveLength(1);
  });
});
