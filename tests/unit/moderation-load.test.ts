/**
 * The log's schemas are built when moderation.ts loads: a malformed kind of
 * event would stop every notice from being read. Imported here inside a test,
 * so that such a fault fails this test rather than the loading of a file,
 * which the mutation runner would not count (as tests/unit/address-ranges.test.ts).
 */
import { describe, expect, it } from "vitest";

describe("the log's schemas", () => {
  it("load, and read a filing back by its type", async () => {
    const { Event } = await import("@takedown/core/moderation");
    const filed = { type: "filed", at: "2026-11-29T10:00:00.000Z", by: "jane@a.example", confirmed: false };
    expect(Event.safeParse(filed).data).toEqual(filed);
    expect(Event.safeParse({ ...filed, type: "withdrawn" }).data).toEqual({
      type: "withdrawn",
      at: filed.at,
      by: filed.by,
    });
  });
});
