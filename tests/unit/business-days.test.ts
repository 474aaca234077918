import { BusinessDays, Config } from "@takedown/core";
import { describe, expect, it } from "vitest";

// 2026-12-04 is a Friday.
const friday = new Date("2026-12-04T15:30:00Z");

describe("business days", () => {
  it("skips the weekend: one business day after a Friday is the Monday, at the same time", () => {
    expect(BusinessDays.add(friday, 1).toISOString()).toBe("2026-12-07T15:30:00.000Z");
  });

  it("counts ten business days as two working weeks", () => {
    expect(BusinessDays.add(friday, 10).toISOString()).toBe("2026-12-18T15:30:00.000Z");
  });

  it("skips the listed holidays, also when they follow a weekend", () => {
    const holidays = new Set(["2026-12-07", "2026-12-25"]);
    expect(BusinessDays.add(friday, 1, holidays).toISOString()).toBe("2026-12-08T15:30:00.000Z");
    // 14 Dec (Mon) + 10 business days, with Christmas off: 29 Dec.
    expect(BusinessDays.add(new Date("2026-12-14T09:00:00Z"), 10, holidays).toISOString()).toBe(
      "2026-12-29T09:00:00.000Z",
    );
  });

  it("starting on a Saturday, the first business day is the Monday", () => {
    expect(BusinessDays.add(new Date("2026-12-05T08:00:00Z"), 1).toISOString()).toBe("2026-12-07T08:00:00.000Z");
  });

  it("adds nothing for zero days, weekend or not", () => {
    const saturday = new Date("2026-12-05T08:00:00Z");
    expect(BusinessDays.add(saturday, 0)).toEqual(saturday);
  });

  it("tells business days from weekends and holidays", () => {
    expect(BusinessDays.isBusinessDay(friday, new Set())).toBe(true);
    expect(BusinessDays.isBusinessDay(new Date("2026-12-06T00:00:00Z"), new Set())).toBe(false);
    expect(BusinessDays.isBusinessDay(friday, new Set(["2026-12-04"]))).toBe(false);
  });
});

describe("the counter-notice settings", () => {
  it("default to 10 business days, no holidays, no automatic restoration", () => {
    const { counterNotice, reviewSlaMs } = Config.fromEnv({});
    expect(counterNotice).toEqual({ businessDays: 10, holidays: new Set(), autoRestore: false });
    expect(reviewSlaMs).toBe(48 * 3_600_000);
  });

  it("accept 0 days and a list of holidays, and refuse a holiday that is not an ISO date", () => {
    const { counterNotice } = Config.fromEnv({
      COUNTER_NOTICE_BUSINESS_DAYS: "0",
      COUNTER_NOTICE_HOLIDAYS: "2026-12-25, 2027-01-01",
      COUNTER_NOTICE_AUTO_RESTORE: "true",
    });
    expect(counterNotice).toEqual({
      businessDays: 0,
      holidays: new Set(["2026-12-25", "2027-01-01"]),
      autoRestore: true,
    });
    expect(() => Config.fromEnv({ COUNTER_NOTICE_HOLIDAYS: "25/12/2026" })).toThrow(/ISO dates/);
    expect(() => Config.fromEnv({ COUNTER_NOTICE_BUSINESS_DAYS: "-1" })).toThrow();
  });
});
