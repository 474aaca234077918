/**
 * URL normalisation keeps apart what is apart: another port is another site,
 * and two addresses pasted on one line are not one address. Pure: no engines,
 * so `npm run mutation` runs it against every mutant of url.ts.
 */
import fc from "fast-check";
import * as Url from "@takedown/core/url";
import { describe, expect, it } from "vitest";

const SEED = 20261201;

const address = fc.webUrl({ withQueryParameters: true }).filter((url) => Url.normalize(url) !== undefined);

describe("URL normalisation keeps apart", () => {
  it("the same path on two ports, unless the port is one of the web's defaults (1,000 cases)", () => {
    const port = fc.integer({ min: 1, max: 65_535 }).filter((p) => p !== 80 && p !== 443);
    fc.assert(
      fc.property(address, port, (url, p) => {
        const plain = new URL(url);
        plain.port = "";
        const other = new URL(plain);
        other.port = String(p);
        expect(Url.normalize(other.href)).not.toBe(Url.normalize(plain.href));
        expect(Url.normalize(Url.normalize(other.href)!)).toBe(Url.normalize(other.href));
      }),
      { seed: SEED, numRuns: 1_000 },
    );
  });

  it("two addresses on one line, whatever space divides them (1,000 cases)", () => {
    const space = fc.constantFrom(" ", "\t", "\n", "\r\n", "\u00a0", "\u2003", "  ");
    fc.assert(
      fc.property(address, space, address, (first, between, second) => {
        expect(Url.normalize(`${first}${between}${second}`)).toBeUndefined();
      }),
      { seed: SEED, numRuns: 1_000 },
    );
  });
});
