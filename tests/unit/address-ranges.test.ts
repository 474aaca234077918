/**
 * The table of ranges that are not public is read when the module loads: a
 * malformed entry would stop every webhook from being registered or sent.
 * Imported here inside a test, so that such an entry fails this test rather
 * than the loading of a file, which the mutation runner would not count.
 */
import { describe, expect, it } from "vitest";

describe("the ranges that are not public", () => {
  it("load, and refuse the metadata service while allowing a public address", async () => {
    const { isPublic } = await import("@takedown/core/address");
    expect(isPublic("169.254.169.254")).toBe(false);
    expect(isPublic("93.184.215.14")).toBe(true);
  });
});
