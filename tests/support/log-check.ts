/**
 * The suite-wide check that no log line carries a link token, an email
 * address or what a requester wrote. Each run captures into a directory of
 * its own (runs in the same checkout may overlap); after the run, every
 * worker's log there (see logs.ts) is read, and a leak fails the run.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    logDir: string;
  }
}

const RESULTS = resolve(import.meta.dirname, "../../test-results");

/** Tests put this in every text a requester types, so a leak is easy to spot. */
export const CANARY = "CANARY-7f3a";

const LEAKS: [string, RegExp][] = [
  ["email address", /[\w.+%-]+@[\w-]+(\.[\w-]+)+/],
  ["link token", /[\w-]{20,}\.[\w-]{43}(?![\w-])/],
  ["requester text", new RegExp(`${CANARY}|I never licensed this republication|My article about the harbour`)],
];

/** Every leaking line in `text`, with what it leaks. */
export function leaks(text: string): string[] {
  return text
    .split("\n")
    .flatMap((line) =>
      LEAKS.filter(([, pattern]) => pattern.test(line)).map(([what]) => `${what}: ${line.slice(0, 300)}`),
    );
}

export default function setup(project: TestProject) {
  const dir = resolve(RESULTS, "runs", `${Date.now()}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  project.provide("logDir", dir);
  return () => {
    const files = readdirSync(dir);
    const found = files.filter((f) => f.endsWith(".log")).flatMap((f) => leaks(readFileSync(resolve(dir, f), "utf8")));
    if (existsSync(resolve(dir, "figures.jsonl")))
      copyFileSync(resolve(dir, "figures.jsonl"), resolve(RESULTS, "figures.jsonl"));
    if (!found.length) {
      rmSync(dir, { recursive: true, force: true });
      return;
    }
    // A throw here is only printed; the exit code is what fails the run.
    console.error(
      `${found.length} log line(s) leak personal data or tokens (all in ${dir}):\n${found.slice(0, 20).join("\n")}`,
    );
    process.exitCode = 1;
  };
}
