/**
 * Whatever arrives — any JSON, any form, any article, any URL — the answer is
 * a 2xx or a 4xx that names what is wrong, never a 5xx, and a refused request
 * writes nothing. URL normalisation is idempotent and sends every tracking
 * variant of an address to one article.
 */
import fc from "fast-check";
import { Article, Url } from "@takedown/core";
import { app } from "@takedown/web";
import { describe, expect, it } from "vitest";
import { ORIGIN } from "../support/desk";
import { callsDuring } from "../support/dynamo-calls";
import { figure } from "../support/figures";
import { ingestSource, noticeInput, unique } from "../support/fixtures";
import { proofOfWork } from "../support/pow";

const SEED = 20261129;
let peers = 0;
/** Each request from its own address, so the per-address limits do not decide the outcome. */
const peer = () => ({
  incoming: { socket: { remoteAddress: `10.${(++peers >> 16) & 255}.${(peers >> 8) & 255}.${peers & 255}` } },
});

/** Sends a request and counts its writes, apart from the rate counters every API call moves. */
async function sent(request: () => Response | Promise<Response>) {
  const { result: response, calls } = await callsDuring(async () => request());
  const writes = calls.filter(
    (call) => /^(Put|Update|Delete|BatchWrite)/.test(call.command) && !JSON.stringify(call.input).includes('"RATE#'),
  );
  return { response, writes: writes.length };
}

/** A valid notice with any of its fields replaced by anything, or removed. */
function noticeBodies(url: string) {
  const base = noticeInput([url]) as unknown as Record<string, unknown>;
  const fields = Object.keys(base);
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.subarray(fields), fc.dictionary(fc.constantFrom(...fields), fc.jsonValue()))
        .map(([removed, replaced]) => {
          const body = {
            ...base,
            requester: { ...(base.requester as object), email: `fuzz-${unique()}@rights.example` },
          };
          for (const field of removed) delete (body as Record<string, unknown>)[field];
          return JSON.stringify({ ...body, ...replaced });
        }),
    },
    { weight: 1, arbitrary: fc.json() },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 300 }) },
  );
}

/** A 4xx must say what is wrong; a 422 names the fields. */
async function explains(response: Response): Promise<boolean> {
  const { error } = (await response.json()) as {
    error?: { code?: string; message?: string; issues?: { path: string; message: string }[] };
  };
  if (!error?.code || !error.message) return false;
  return (
    response.status !== 422 || (error.issues ?? []).every((i) => typeof i.path === "string" && i.message.length > 0)
  );
}

describe("any body sent to the JSON API", () => {
  it("gets a 2xx or a 4xx that explains itself, and a refused one writes nothing", async () => {
    const { articles } = await ingestSource(1);
    const statuses: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(noticeBodies(articles[0]!.originalUrl), async (body) => {
        const { response, writes } = await sent(() =>
          app.request(
            "/api/v1/takedowns",
            {
              method: "POST",
              headers: { "content-type": "application/json", ...proofOfWork() },
              body,
            },
            peer(),
          ),
        );
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) {
          expect(await explains(response)).toBe(true);
          expect(writes).toBe(0);
        }
      }),
      { seed: SEED, numRuns: 100 },
    );
    expect(statuses[202]).toBeGreaterThan(0);
    expect(statuses[422]).toBeGreaterThan(0);
    figure("property.json-bodies", { runs: 100, statuses, server5xx: 0 });
  });

  it("any article sent to ingest gets a 2xx or a 4xx, never a 5xx", async () => {
    const base = {
      title: "T",
      author: "A",
      sourceName: "S",
      sourceDomain: "s.example",
      originalUrl: "https://s.example/a",
      publishedAt: "2026-11-01T00:00:00Z",
    };
    const statuses: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...Object.keys(base), "body"), fc.oneof(fc.string(), fc.jsonValue())),
        async (replaced) => {
          const response = await app.request(
            "/api/v1/articles",
            {
              method: "POST",
              headers: { "content-type": "application/json", authorization: "Bearer test-ingest-token" },
              body: JSON.stringify({ ...base, originalUrl: `https://s.example/${unique()}`, ...replaced }),
            },
            peer(),
          );
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) expect(await explains(response)).toBe(true);
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
    figure("property.ingest-bodies", { runs: 60, statuses, server5xx: 0 });
  });
});

describe("any form sent to /takedown", () => {
  it("gets the status page (303) or the form back with its messages (422), and a refused one writes nothing", async () => {
    const { articles } = await ingestSource(1);
    const names = [
      "name",
      "email",
      "organization",
      "role",
      "address",
      "phone",
      "urls",
      "scope",
      "future",
      "work",
      "explanation",
      "goodFaith",
      "accurate",
      "signature",
      "proof",
      "token",
      "x",
    ];
    const valid = {
      name: "Jane Writer",
      email: "",
      role: "author",
      urls: articles[0]!.originalUrl,
      scope: "urls",
      work: "w",
      explanation: "e",
      goodFaith: "on",
      accurate: "on",
      signature: "Jane Writer",
    };
    const statuses: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...names), fc.string({ unit: "binary", maxLength: 200 })),
        fc.boolean(),
        async (fields, keepValid) => {
          const body = new URLSearchParams({
            ...(keepValid
              ? { ...valid, email: `form-${unique()}@rights.example`, proof: proofOfWork()["proof-of-work"] }
              : {}),
            ...fields,
          });
          const { response, writes } = await sent(() =>
            app.request(
              "/takedown",
              {
                method: "POST",
                headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
                body: body.toString(),
              },
              peer(),
            ),
          );
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          expect([303, 422]).toContain(response.status);
          if (response.status === 422) {
            expect(await response.text()).toContain('id="form-errors"');
            expect(writes).toBe(0);
          }
        },
      ),
      { seed: SEED, numRuns: 80 },
    );
    expect(statuses[303]).toBeGreaterThan(0);
    figure("property.form-bodies", { runs: 80, statuses, server5xx: 0 });
  });
});

describe("URL normalisation", () => {
  const TRACKING = [
    "utm_source",
    "utm_medium",
    "UTM_Campaign",
    "fbclid",
    "gclid",
    "mc_eid",
    "_ga",
    "igshid",
    "ref_src",
  ];

  it("is idempotent on any web address (5,000 cases)", () => {
    const urls = fc.oneof(
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc
        .tuple(
          fc.webUrl(),
          fc.constantFrom("http://", "https://", ""),
          fc.constantFrom("", "www.", "www.www.", "WWW."),
          fc.constantFrom("", ":80", ":443", ":8080"),
        )
        .map(([url, scheme, www, port]) => {
          const { host, pathname, search } = new URL(url);
          return `${scheme}${www}${host}${port}${pathname}${search}`;
        }),
    );
    fc.assert(
      fc.property(urls, (url) => {
        const once = Url.normalize(url);
        if (once !== undefined) expect(Url.normalize(once)).toBe(once);
      }),
      { seed: SEED, numRuns: 5_000 },
    );
  });

  it("sends every tracking variant of an address to the same article (1,000 addresses)", () => {
    const word = fc.constantFrom("a", "news", "x-y", "Site9", "2026", "story_1", "caf%C3%A9", "~me");
    const address = fc.record({
      host: fc
        .tuple(fc.constantFrom("a", "news", "x-y", "site9"), fc.nat(99), fc.constantFrom("example", "co.example"))
        .map(([a, n, b]) => `${a}${n}.${b}`),
      path: fc.array(word, { maxLength: 4 }).map((parts) => `/${parts.join("/")}`),
      params: fc.uniqueArray(fc.tuple(fc.constantFrom("id", "page", "q", "lang", "p"), word), {
        selector: ([k]) => k,
        maxLength: 3,
      }),
    });
    const variant = fc.record({
      scheme: fc.constantFrom("http://", "https://", ""),
      www: fc.constantFrom("", "www.", "WWW.", "www.www."),
      upper: fc.boolean(),
      port: fc.constantFrom("", ":80", ":443"),
      slash: fc.constantFrom("", "/", "//"),
      tracking: fc.subarray(TRACKING),
      value: fc.constantFrom("rss", "a1B2", "newsletter-7"),
      shuffle: fc.boolean(),
      fragment: fc.constantFrom("", "#top", "#comments"),
    });
    let variants = 0;
    fc.assert(
      fc.property(address, fc.array(variant, { minLength: 2, maxLength: 5 }), ({ host, path, params }, shapes) => {
        const ids = shapes.map((v) => {
          const query = [...params, ...v.tracking.map((name) => [name, v.value] as [string, string])];
          if (v.shuffle) query.reverse();
          const search = query.length ? `?${query.map(([k, x]) => `${k}=${x}`).join("&")}` : "";
          const url = `${v.scheme}${v.www}${v.upper ? host.toUpperCase() : host}${v.port}${path === "/" ? v.slash : path + v.slash}${search}${v.fragment}`;
          variants++;
          return Article.idForUrl(url, "http://127.0.0.1:3999");
        });
        expect(ids[0]).toBeDefined();
        expect(new Set(ids).size).toBe(1);
      }),
      { seed: SEED, numRuns: 1_000 },
    );
    figure("property.url-variants", { addresses: 1_000, variants, articlesPerAddress: 1 });
  });
});
