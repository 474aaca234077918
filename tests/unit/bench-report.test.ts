/**
 * The bench's table judges each figure against its floor, limit or baseline;
 * a wrong mark would tell the integrator a floor is reached when it is not.
 */
import { describe, expect, it } from "vitest";
import { add, describe as describeCalls, emptyTally, unitsOf } from "../../bench/meter";
import { indexUnits } from "../../bench/index-units";
import { judge, render, results } from "../../bench/report";

describe("judging a figure", () => {
  it("marks calls above the floor, and only those", () => {
    expect(judge({ figure: "confirm", ours: 3, reference: 1, compare: "floor" })).toMatchObject({
      ratio: 3,
      met: false,
    });
    expect(judge({ figure: "view", ours: 1, reference: 1, compare: "floor" })).toMatchObject({ ratio: 1, met: true });
  });

  it("holds a floor of zero calls to zero", () => {
    expect(judge({ figure: "challenge", ours: 0, reference: 0, compare: "floor" }).met).toBe(true);
    expect(judge({ figure: "challenge", ours: 1, reference: 0, compare: "floor" })).toMatchObject({
      ratio: Infinity,
      met: false,
    });
  });

  it("judges throughput by the paired ratio against its target, not by the medians", () => {
    const row = { figure: "notices", ours: 40, reference: 100, compare: "at-least" as const, target: 0.3 };
    expect(judge(row)).toMatchObject({ ratio: 0.4, met: true });
    expect(judge({ ...row, ratio: 0.25 })).toMatchObject({ ratio: 0.25, met: false });
  });

  it("judges a cost against a target ratio from above", () => {
    const row = { figure: "api init", ours: 160, reference: 100, compare: "at-most" as const, target: 1.5 };
    expect(judge(row).met).toBe(false);
    expect(judge({ ...row, ours: 150 }).met).toBe(true);
  });

  it("gives a ratio but no mark where there is nothing to meet", () => {
    expect(judge({ figure: "bundle", ours: 500, reference: 25 })).toEqual({
      figure: "bundle",
      ours: 500,
      reference: 25,
      ratio: 20,
    });
  });
});

describe("the table", () => {
  const sections = [
    { title: "Calls", rows: [{ figure: "confirm", ours: 3, unit: "calls", reference: 1, compare: "floor" as const }] },
    { title: "Feeds", rows: [{ figure: "articles per second", ours: 1_234.5, unit: "/s" }] },
  ];

  it("prints every section a runner adds, with its marks", () => {
    const table = render(sections);
    expect(table).toContain("**Calls**");
    expect(table).toMatch(/\| confirm +\| 3 calls +\| 1 calls +\| 3× +\| ✗ /);
    expect(table).toMatch(/\| articles per second +\| 1,235 \/s +\|/);
  });

  it("lists what missed in results.json", () => {
    expect(results(sections, { mode: "quick" })).toMatchObject({ mode: "quick", missed: ["Calls: confirm"] });
  });
});

describe("counting calls", () => {
  it("sums units from one answer or one per table, and files them as reads or writes", () => {
    expect(unitsOf(undefined)).toBe(0);
    expect(unitsOf({ CapacityUnits: 2 })).toBe(2);
    expect(unitsOf([{ CapacityUnits: 1.5 }, { CapacityUnits: 1 }])).toBe(2.5);
    const tally = emptyTally();
    add(tally, "BatchGetItemCommand", 1.5);
    add(tally, "UpdateItemCommand", 2);
    add(tally, "UpdateItemCommand", 1);
    expect(tally).toEqual({ calls: 3, byCommand: { BatchGetItem: 1, UpdateItem: 2 }, rcu: 1.5, wcu: 3, indexWcu: {} });
    expect(describeCalls(tally)).toBe("1 BatchGetItem + 2 UpdateItem");
  });
});

describe("index write units, which dynalite does not report", () => {
  const article = {
    pk: "ARTICLE#a",
    sk: "ARTICLE",
    gsi1pk: "SOURCE#s.example",
    gsi1sk: "AUTHOR#jane#2026-11-01#a",
    title: "Harbour",
    body: "x".repeat(5_000),
  };
  const notice = {
    pk: "NOTICE#n",
    sk: "NOTICE",
    gsi2pk: "DUE",
    gsi2sk: "2026-12-01T00:00:00.000Z",
    events: ["x".repeat(5_000)],
  };

  it("costs one write to enter an index and one to leave it, sized by what the index projects", () => {
    expect(indexUnits(undefined, article)).toEqual({ gsi1: 1 });
    expect(indexUnits(notice, { ...notice, gsi2pk: undefined, gsi2sk: undefined })).toEqual({ gsi2: 1 });
  });

  it("costs nothing when only attributes the index does not carry change", () => {
    expect(indexUnits(article, { ...article, body: "shorter" })).toEqual({});
    expect(indexUnits(notice, { ...notice, events: [] })).toEqual({});
  });

  it("costs one write when a projected attribute changes, and two when the index key moves", () => {
    expect(indexUnits(article, { ...article, title: "Harbour, again" })).toEqual({ gsi1: 1 });
    expect(indexUnits(notice, { ...notice, gsi2sk: "2026-12-01T00:01:00.000Z" })).toEqual({ gsi2: 2 });
  });
});
