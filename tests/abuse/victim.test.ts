/**
 * Issue 9, finding 3: limits protect the person whose address is used, and
 * never lock them out. One notice at a time waits for an address's
 * confirmation (a new one takes the old one's place and its receipt); plus-tags,
 * the dots gmail ignores and case do not make new addresses; a /64 is one
 * IPv6 address; and the receipt carries nothing the sender typed.
 */
import { Abuse, Notice } from "@takedown/core";
import { app } from "@takedown/web";
import { describe, expect, it } from "vitest";
import { withinOneWindow } from "../support/clock";
import { drain, ORIGIN, press } from "../support/desk";
import { CANARY } from "../support/log-check";
import { unique } from "../support/fixtures";
import { inbox, linkIn } from "../support/mailbox";
import { proofOfWork } from "../support/pow";
import { formFields, submitForm } from "./form";

const solved = () => proofOfWork()["proof-of-work"];
let hosts = 0;
const address = () => `203.0.114.${++hosts}`;

async function fileAs(email: string, fields: Record<string, string> = {}, ip = address()) {
  const response = await submitForm({ ...(await formFields(email)), ...fields, proof: solved() }, ip);
  expect(response.status).toBe(303);
  const location = new URL(response.headers.get("location")!, ORIGIN);
  return { id: location.pathname.split("/").at(-1)!, status: location.pathname + location.search };
}

describe("an address used by someone else", () => {
  it("gets one receipt with nothing the sender typed, and its owner can still file and confirm their own notice", async () => {
    const name = `victim${unique()}`;
    const victim = `${name}@gmail.com`;
    const hostile = {
      name: `${CANARY} Pay now`,
      signature: `${CANARY} Pay now`,
      work: `${CANARY} call +1 555`,
      explanation: `${CANARY} visit evil`,
    };
    const variants = [
      `${name}+1@gmail.com`,
      `${name.slice(0, 3)}.${name.slice(3)}@googlemail.com`,
      `${name.toUpperCase()}+x@Gmail.com`,
    ];
    const attacks = [];
    for (const variant of variants) attacks.push(await fileAs(variant, hostile));
    await drain();
    const received = [
      ...(await inbox(victim)),
      ...(await Promise.all(variants.map((v) => inbox(v.toLowerCase())))).flat(),
    ];
    expect(received).toHaveLength(1);
    const receipt = received[0]!;
    expect(receipt.body.text).not.toContain(CANARY);
    expect(receipt.body.html).not.toContain(CANARY);
    expect(receipt.subject).not.toContain(CANARY);

    // The owner files: not refused, and no second receipt.
    const own = await fileAs(victim, { name: "Vic Owner", signature: "Vic Owner" });
    await drain();
    expect(
      (await inbox(victim)).length + (await Promise.all(variants.map((v) => inbox(v.toLowerCase())))).flat().length,
    ).toBe(1);

    // The one receipt's link opens and confirms the owner's notice, the latest.
    const link = new URL(linkIn(receipt, "confirm"));
    const moved = await app.request(link.pathname + link.search);
    expect(moved.status).toBe(303);
    const current = new URL(moved.headers.get("location")!);
    expect(current.pathname).toBe(`/takedowns/${own.id}/confirm`);
    const page = await app.request(current.pathname + current.search);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Vic Owner");
    expect(html).not.toContain(CANARY);
    // The stale page's button does nothing; the current one confirms.
    expect((await press(link.href)).status).toBe(410);
    expect((await press(current.href)).status).toBe(200);
    expect((await Notice.get(own.id)).status).toBe("pending_review");
    for (const attack of attacks) expect((await Notice.get(attack.id)).status).toBe("awaiting_confirmation");

    // The attacker's status page says its notice was replaced, and shows nothing of the owner's.
    const theirs = await app.request(attacks[0]!.status);
    const text = await theirs.text();
    expect(text).toContain("replaced by a later notice");
    expect(text).not.toContain("Vic Owner");
  });

  it("counts plus-tags, ignored dots and case as one address", () => {
    expect(Abuse.mailbox("Jane.Doe+news@GoogleMail.com")).toBe("janedoe@gmail.com");
    expect(Abuse.mailbox("jane.doe+x@example.org")).toBe("jane.doe@example.org");
    expect(Abuse.mailbox("JANE@Example.org")).toBe("jane@example.org");
  });
});

describe("IPv6", () => {
  it("counts a /64 as one address", async () => {
    const { limit, windowSeconds } = Abuse.LIMITS.filingsPerIp;
    withinOneWindow(windowSeconds);
    const statuses: number[] = [];
    for (let i = 1; i <= limit + 1; i++) {
      const response = await submitForm(
        { ...(await formFields()), proof: solved() },
        `2001:db8:77:1:${i.toString(16)}::1`,
      );
      statuses.push(response.status);
    }
    expect(statuses).toEqual([...Array(limit).fill(303), 429]);
    expect((await submitForm({ ...(await formFields()), proof: solved() }, "2001:db8:77:2::1")).status).toBe(303);
    expect(Abuse.network("2001:db8:77:1:ffff:1:2:3")).toBe(Abuse.network("2001:0db8:0077:0001::9"));
    expect(Abuse.network("::ffff:198.51.100.9")).toBe("198.51.100.9");
  });
});
