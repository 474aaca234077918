/**
 * Figures a test measured (counts, timings), printed for a reader of the run
 * and collected into test-results/figures.jsonl for docs/reliability.md.
 */
import { appendFileSync } from "node:fs";
import { inject } from "vitest";

export function figure(name: string, values: Record<string, unknown>): void {
  const line = JSON.stringify({ figure: name, ...values });
  appendFileSync(`${inject("logDir")}/figures.jsonl`, `${line}\n`);
  console.log(line);
}
