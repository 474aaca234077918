/** Working through many items: batches of a size, and a few tasks at a time. */
import { chunk, mapLimit } from "@takedown/core/batch";
import { describe, expect, it } from "vitest";

describe("batches", () => {
  it("hold every item once, in order, none larger than asked", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([1, 2], 2)).toEqual([[1, 2]]);
    expect(chunk([], 25)).toEqual([]);
  });
});

describe("a few tasks at a time", () => {
  it("runs every item, never more than the limit at once, and answers in the items' order", async () => {
    let running = 0;
    let most = 0;
    const results = await mapLimit([30, 10, 20, 0, 5], 2, async (ms) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running--;
      return ms * 2;
    });
    expect(results).toEqual([60, 20, 40, 0, 10]);
    expect(most).toBe(2);
  });

  it("starts no more workers than there are items, and none for no items", async () => {
    const seen: number[] = [];
    expect(await mapLimit([1], 8, async (item) => seen.push(item))).toEqual([1]);
    expect(seen).toEqual([1]);
    expect(await mapLimit([], 8, async () => 1)).toEqual([]);
  });
});
