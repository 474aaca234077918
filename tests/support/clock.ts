/**
 * Rate limits count in fixed windows of the wall clock, so a test that makes
 * a limit's worth of requests and expects the next one refused would pass
 * its counters into a fresh window if it ran across the hour. Such a test
 * calls `withinOneWindow` first: for the rest of the test, time starts one
 * second into the current window and runs on at its usual pace. Only `Date`
 * is replaced; timers stay real.
 */
import { onTestFinished, vi } from "vitest";

export function withinOneWindow(windowSeconds: number) {
  const length = windowSeconds * 1000;
  const start = Math.floor(Date.now() / length) * length + 1000;
  vi.useFakeTimers({ toFake: ["Date"], now: start, shouldAdvanceTime: true });
  onTestFinished(() => void vi.useRealTimers());
}
