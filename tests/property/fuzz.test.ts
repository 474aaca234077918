/**
 * Issue 9, "beyond the findings": hostile input generated over the notice's
 * real fields — over-long strings, every kind of Unicode character (controls,
 * format and bidi marks, lone surrogates, combining marks, private use,
 * noncharacters, emoji), deeply nested JSON — sent to the JSON API (with and
 * without a key) and to the form. Whatever arrives: no 5xx, a refused
 * request writes nothing, and afterwards the dispatcher still delivers the
 * next honest notice's mail (no accepted notice poisoned it).
 */
import fc from "fast-check";
import { Dispatch, Notice } from "@takedown/core";
import { app } from "@takedown/web";
import { describe, expect, it } from "vitest";
import { call, newKey } from "../support/api";
import { ORIGIN } from "../support/desk";
import { callsDuring } from "../support/dynamo-calls";
import { figure } from "../support/figures";
import { ingestSource, noticeInput, unique } from "../support/fixtures";
import { inbox } from "../support/mailbox";
import { proofOfWork } from "../support/pow";

const SEED = 20261201;
let peers = 0;
/** Each request from its own address, so the per-address limits do not decide the outcome. */
const peer = () => `10.99.${(++peers >> 8) & 255}.${peers & 255}`;

/** One character from each kind that has broken text handling somewhere. */
const HOSTILE_CHARS = [
  "\u0000",
  "\u0007",
  "\r\n",
  "\u007f",
  "\u0085", // controls
  "\u00ad",
  "\u200b",
  "\u200d",
  "\u2060",
  "\u3164",
  "\ufeff", // invisible and format
  "\u202e",
  "\u2066",
  "\u061c", // bidi
  "\ud800",
  "\udfff", // lone surrogates
  "\u0301",
  "\u0e49", // combining
  "\ue000",
  "\udb80\udc00", // private use
  "\ufffe",
  "\uffff", // noncharacters
  "\u00a0",
  "\u3000",
  "\u2028", // spaces and separators
  "😀",
  "👩‍👩‍👧",
  "🏳️‍🌈",
  "ǅ",
  "ß",
  "İ",
  "ﬃ",
  "Ⅻ",
  "١",
  "𝟘", // emoji, case oddities, digits
  "<script>",
  "\"'`",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template placeholder is one of the hostile strings.
  "${x}",
  "%00",
  "../",
  "@",
  "+",
];

const hostileString = fc.oneof(
  fc.string({ unit: fc.constantFrom(...HOSTILE_CHARS), maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.string({ unit: "grapheme", maxLength: 60 }),
  // Over every limit the schemas set (email 254, names 200, text 10,000…).
  fc.integer({ min: 250, max: 12_000 }).map((length) => "x".repeat(length)),
  fc.integer({ min: 60, max: 3_000 }).map((length) => `${"a".repeat(length)}@rights.example`),
);

/** Nested arrays and objects, up to thousands of levels. */
const nested = fc.integer({ min: 10, max: 5_000 }).chain((depth) =>
  fc.constantFrom(JSON.parse("[".repeat(Math.min(depth, 900)) + "]".repeat(Math.min(depth, 900))), {
    a: { b: { c: [[[{}]]] } },
  }),
);

const anything = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: nested },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
);

/** Hostile one time in `n`, else null (the field keeps its valid value). */
const replacedOneIn = (n: number) =>
  fc.oneof({ weight: n - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: anything });

/** A valid notice whose fields (each one, nested ones too) may be replaced by hostile values. */
function hostileNotices(url: string) {
  return fc
    .record({
      // Free text is replaced more often than the fields a notice cannot do without.
      name: replacedOneIn(3),
      email: replacedOneIn(6),
      organization: replacedOneIn(2),
      address: replacedOneIn(2),
      phone: replacedOneIn(4),
      url: replacedOneIn(8),
      work: replacedOneIn(2),
      explanation: replacedOneIn(2),
      signature: replacedOneIn(8),
    })
    .map((hostile) => {
      const base = noticeInput([url]);
      const pick = <T>(value: unknown, fallback: T) => (value === null ? fallback : value);
      const name = pick(hostile.name, base.requester.name);
      return {
        ...base,
        requester: {
          name,
          email: pick(hostile.email, `fuzz-${unique()}@rights.example`),
          organization: pick(hostile.organization, undefined),
          role: "author",
          address: pick(hostile.address, undefined),
          phone: pick(hostile.phone, undefined),
        },
        urls: [pick(hostile.url, url)],
        work: pick(hostile.work, base.work),
        explanation: pick(hostile.explanation, base.explanation),
        // Signed with the name when the name is text, so some hostile names get through.
        signature: pick(hostile.signature, typeof name === "string" ? name : base.signature),
      };
    });
}

/**
 * Writes a request made, apart from the rate counts every call moves: an
 * address's on its own item (`RATE#…`), a key's on the key's item (`rate#…`).
 */
async function writesDuring(request: () => Promise<Response>) {
  const { result: response, calls } = await callsDuring(request);
  const writes = calls.filter(
    (c) => /^(Put|Update|Delete|BatchWrite)/.test(c.command) && !/"rate#/i.test(JSON.stringify(c.input)),
  );
  return { response, writes: writes.length };
}

type Hostile = {
  requester: Record<string, unknown>;
  urls: unknown[];
  work: unknown;
  explanation: unknown;
  signature: unknown;
};

function asForm(body: Hostile): Record<string, string> {
  const text = (value: unknown) => (typeof value === "string" ? value : (JSON.stringify(value) ?? ""));
  return {
    name: text(body.requester.name),
    email: text(body.requester.email),
    organization: text(body.requester.organization ?? ""),
    role: "author",
    address: text(body.requester.address ?? ""),
    phone: text(body.requester.phone ?? ""),
    urls: body.urls.map(text).join("\n"),
    scope: "urls",
    work: text(body.work),
    explanation: text(body.explanation),
    goodFaith: "on",
    accurate: "on",
    signature: text(body.signature),
    proof: proofOfWork()["proof-of-work"],
  };
}

describe("hostile input", () => {
  it("never gets a 5xx, writes nothing when refused, and leaves the dispatcher delivering", async () => {
    const { articles } = await ingestSource(1);
    const url = articles[0]!.originalUrl;
    const key = await newKey();
    // Its first use records the date; after that a refused call writes nothing.
    await call("GET", "/takedowns", { key: key.secret });
    const statuses: Record<string, number> = {};
    const count = (label: string, status: number) =>
      (statuses[`${label} ${status}`] = (statuses[`${label} ${status}`] ?? 0) + 1);
    const started = Date.now();

    await fc.assert(
      fc.asyncProperty(hostileNotices(url), fc.constantFrom("anonymous", "keyed", "form"), async (body, via) => {
        const { response, writes } = await writesDuring(() =>
          via === "form"
            ? Promise.resolve(
                app.request(
                  "/takedown",
                  {
                    method: "POST",
                    headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
                    body: new URLSearchParams(asForm(body)).toString(),
                  },
                  { incoming: { socket: { remoteAddress: peer() } } },
                ),
              )
            : call("POST", "/takedowns", {
                body,
                ip: peer(),
                ...(via === "keyed" ? { key: key.secret } : { headers: proofOfWork() }),
              }),
        );
        count(via, response.status);
        expect(response.status, `${via}: ${JSON.stringify(body).slice(0, 300)}`).toBeLessThan(500);
        if (response.status >= 400) expect(writes, `${via} refused with ${response.status} but wrote`).toBe(0);
      }),
      { seed: SEED, numRuns: 150 },
    );

    // Whatever was accepted goes through the dispatcher without poisoning it.
    for (let round = 1; round <= 3; round++) await Dispatch.sweep(new Date(Date.now() + round * 16 * 60_000));
    const honest = noticeInput([url]);
    const filed = await Notice.file(honest);
    await Dispatch.sweep(new Date(Date.now() + 60 * 60_000));
    expect(await inbox(honest.requester.email)).toHaveLength(1);
    expect(await Dispatch.dead()).toEqual([]);
    expect((await Notice.get(filed.id)).outbox).toEqual({});
    figure("property.hostile-input", { runs: 150, statuses, server5xx: 0, ms: Date.now() - started });
  });
});
