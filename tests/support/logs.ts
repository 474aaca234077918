/**
 * Keeps a copy of everything the code under test logs, one file per worker
 * process, for the leak check that runs after the whole suite
 * (log-check.ts). Console output still reaches vitest as before.
 */
import { appendFileSync } from "node:fs";
import { format } from "node:util";
import { inject } from "vitest";

const file = `${inject("logDir")}/${process.pid}.log`;

for (const method of ["log", "info", "warn", "error", "debug"] as const) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => {
    appendFileSync(file, `${format(...args)}\n`);
    original(...args);
  };
}
