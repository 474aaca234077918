/**
 * The public form's proof of work: served and solved on our own origin, checked
 * on the server, spent once, and never spent on a notice that cannot be filed.
 */
import { Pow } from "@takedown/core";
import { load } from "@takedown/core/config";
import { app } from "@takedown/web";
import { describe, expect, it } from "vitest";
import { itemsOf } from "../support/desk";
import { callsDuring } from "../support/dynamo-calls";
import { figure } from "../support/figures";
import { formFields, submitForm } from "./form";

/** The proof-of-work script a page links to, as the browser gets it. */
async function scriptOf(html: string) {
  const path = /<script src="(\/assets\/pow\.\w+\.js)" defer="?"?><\/script>/.exec(html)![1]!;
  const response = await app.request(path);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/javascript");
  expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  return response.text();
}

const challengeOf = (html: string) => ({
  challenge: /data-pow="([^"]+)"/.exec(html)![1]!,
  bits: Number(/data-pow-bits="(\d+)"/.exec(html)![1]),
});

async function freshChallenge() {
  return challengeOf(await (await app.request("/takedown")).text());
}

const notices = async () => (await itemsOf("notice")).length;

describe("the API's challenge", () => {
  it("is signed, not stored: handing one out makes no DynamoDB call", async () => {
    const { result, calls } = await callsDuring(async () => app.request("/api/v1/challenge"));
    expect(result.status).toBe(200);
    expect(((await result.json()) as Pow.Challenge).bits).toBeGreaterThan(0);
    expect(calls).toEqual([]);
  });
});

describe("the form's proof of work", () => {
  it("is served from our origin, with the difficulty configured (18 bits unless set)", async () => {
    const page = await app.request("/takedown");
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*src="\/)/);
    expect(await scriptOf(html)).toContain("crypto.subtle.digest");
    expect(challengeOf(html).bits).toBe(Number(process.env.POW_BITS));
    expect(load({}).powBits).toBe(18);
  });

  it("files a notice with a solved proof, and refuses the same proof again", async () => {
    const { challenge, bits } = await freshChallenge();
    const proof = Pow.solve(challenge, bits);
    const fields = await formFields();
    const before = await notices();
    const filed = await submitForm({ ...fields, proof });
    expect(filed.status).toBe(303);
    expect(await notices()).toBe(before + 1);

    const replayed = await submitForm({ ...(await formFields()), proof });
    expect(replayed.status).toBe(422);
    const html = await replayed.text();
    expect(html).toContain("already used");
    // The page sent back carries a new challenge to solve.
    expect(challengeOf(html).challenge).not.toBe(challenge);
    expect(await notices()).toBe(before + 1);
  });

  it("refuses a missing, forged, expired or unfinished proof and writes nothing", async () => {
    const { challenge, bits } = await freshChallenge();
    const [id, , expires, mac] = challenge.split(".");
    const expired = Pow.issue(Date.now() - Pow.LIFETIME_MS - 1_000);
    // Every nonce before the first solution is work left unfinished.
    const solution = Number(Pow.solve(challenge, bits).split(":")[1]);
    const unfinished = solution > 0 ? `${challenge}:${solution - 1}` : undefined;
    const cases = {
      missing: undefined,
      garbage: "not-a-proof",
      forgedMac: `${id}.${bits}.${expires}.${mac!.replace(/^./, (c) => (c === "A" ? "B" : "A"))}:1`,
      easierBits: Pow.solve(`${id}.1.${expires}.${mac}`, 1),
      expired: Pow.solve(expired.challenge, expired.bits),
      ...(unfinished ? { unfinished } : {}),
    };
    const before = await notices();
    const statuses: Record<string, number> = {};
    for (const [name, proof] of Object.entries(cases)) {
      const response = await submitForm({ ...(await formFields()), ...(proof ? { proof } : {}) });
      statuses[name] = response.status;
      expect(response.status, name).toBe(422);
      expect(await response.text(), name).toMatch(/anti-abuse check/);
    }
    expect(await notices()).toBe(before);
    figure("abuse.pow-refusals", { ...statuses, written: 0 });
  });

  it("reports field errors first and keeps the proof for the corrected form", async () => {
    const { challenge, bits } = await freshChallenge();
    const proof = Pow.solve(challenge, bits);
    const wrong = await submitForm({ ...(await formFields()), email: "not an email", proof });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain("Enter a valid email address.");
    expect((await submitForm({ ...(await formFields()), proof })).status).toBe(303);
  });

  /** Runs the served script against a stand-in form; `crypto` stands in for the browser's. */
  async function inStandInPage(html: string, crypto: unknown = globalThis.crypto) {
    const { challenge, bits } = challengeOf(html);
    const field = { value: "" };
    const status = { textContent: "" };
    let onSubmit: ((event: { preventDefault(): void }) => void) | undefined;
    let submitted!: () => void;
    const sent = new Promise<void>((resolve) => (submitted = resolve));
    const form = {
      dataset: { pow: challenge, powBits: String(bits) },
      querySelector: () => field,
      addEventListener: (_: string, handler: typeof onSubmit) => (onSubmit = handler),
      submit: submitted,
    };
    const document = { querySelector: () => form, getElementById: () => status };
    new Function("document", "crypto", await scriptOf(html))(document, crypto);
    /** Presses Send: whether the script held the form, once it has let it go. */
    const send = async () => {
      let prevented = false;
      onSubmit!({ preventDefault: () => (prevented = true) });
      await sent;
      return prevented;
    };
    return { bits, field, status, send };
  }

  it("the served script solves the challenge in the page and then sends the form", async () => {
    const { bits, field, status, send } = await inStandInPage(await (await app.request("/takedown")).text());
    const started = performance.now();
    expect(await send()).toBe(true);
    expect(status.textContent).toContain("anti-abuse check");
    const before = await notices();
    expect((await submitForm({ ...(await formFields()), proof: field.value })).status).toBe(303);
    expect(await notices()).toBe(before + 1);
    figure("abuse.pow-script", { bits, solveMs: Math.round(performance.now() - started) });
  });

  it("still sends the form from a browser that cannot hash, so that the person reads why, not a button that does nothing", async () => {
    const noWebCrypto = { subtle: { digest: () => Promise.reject(new Error("Web Crypto needs a secure context")) } };
    const { field, send } = await inStandInPage(await (await app.request("/takedown")).text(), noWebCrypto);
    const sent = await Promise.race([send(), new Promise((resolve) => setTimeout(resolve, 2_000, "never sent"))]);
    expect(sent).toBe(true);
    const refused = await submitForm({ ...(await formFields()), proof: field.value });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("anti-abuse check");
  });
});
