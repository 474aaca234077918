/**
 * Business days, as the counter-notice window counts them (DMCA 512(g)(2)(C):
 * restore "not less than 10, nor more than 14, business days" after the
 * counter-notice). Pure: the holidays are passed in, and days are UTC
 * calendar days, so every process counts the same window.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** An ISO calendar date (`2026-12-25`), as COUNTER_NOTICE_HOLIDAYS lists them. */
const isoDay = (at: Date) => at.toISOString().slice(0, 10);

export function isBusinessDay(at: Date, holidays: ReadonlySet<string>): boolean {
  const weekday = at.getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(isoDay(at));
}

/**
 * The moment `days` business days after `from`, at the same time of day:
 * each step moves one calendar day and counts it only when it is a business
 * day. Zero days is `from` itself (the local stack's setting, so a window can
 * be tried out at once).
 */
export function add(from: Date, days: number, holidays: ReadonlySet<string> = new Set()): Date {
  let at = new Date(from);
  for (let counted = 0; counted < days; ) {
    at = new Date(at.getTime() + DAY_MS);
    if (isBusinessDay(at, holidays)) counted++;
  }
  return at;
}
