/**
 * Keeps a copy of everything the code under test logs (the logger writes to
 * stdout and stderr; other code may use the console), one file per worker
 * process, for the leak check that runs after the whole suite (log-check.ts).
 * The output still goes where it went.
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

for (const stream of [process.stdout, process.stderr]) {
  const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    appendFileSync(file, chunk);
    return original(chunk, ...rest);
  }) as typeof stream.write;
}
