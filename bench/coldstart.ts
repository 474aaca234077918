/**
 * Section 3: each Lambda's bundle, built as a deploy builds it, and the time
 * a fresh Node process takes to import it, paired against a hello-world
 * Hono bundle built the same way in the same run. The bundles are imported
 * in turn, round after round, so the machine's noise falls on all of them.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { bundle } from "../packages/functions/bundle";
import { handlers } from "../packages/functions/handlers";
import type { Row, Section } from "./report";

const run = promisify(execFile);
const IMPORT = "const t = performance.now(); await import(process.env.BUNDLE); console.log(performance.now() - t);";
/** The target: the API's init within 1.5× of hello-world's. */
export const API_TARGET = 1.5;

/** The import alone, and the whole process (Node's start, the import, exit), in ms. */
export async function importMs(
  file: string,
  env: Record<string, string>,
): Promise<{ imported: number; process: number }> {
  const start = performance.now();
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", IMPORT], {
    env: { ...process.env, ...env, BUNDLE: pathToFileURL(file).href, NODE_NO_WARNINGS: "1" },
  });
  return { imported: Number(stdout.trim().split("\n").pop()), process: performance.now() - start };
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export async function coldStart(rounds: number, env: Record<string, string>): Promise<Section> {
  const out = mkdtempSync(join(tmpdir(), "bench-bundles-"));
  try {
    const entries = { hello: "bench/hello.handler", ...handlers };
    const built = await Promise.all(
      Object.entries(entries).map(async ([name, handler]) => ({ name, ...(await bundle(handler, join(out, name))) })),
    );
    const times = new Map(built.map((b) => [b.name, { imported: [] as number[], process: [] as number[] }]));
    for (let round = 0; round < rounds; round++) {
      // Alternate the order, so no bundle always follows the same one.
      const order = round % 2 ? [...built].reverse() : built;
      for (const b of order) {
        const { imported, process } = await importMs(b.file, env);
        times.get(b.name)!.imported.push(imported);
        times.get(b.name)!.process.push(process);
      }
    }
    const hello = built.find((b) => b.name === "hello")!;
    const helloMs = median(times.get("hello")!.imported);
    const helloProcess = median(times.get("hello")!.process);
    const rows: Row[] = [
      {
        figure: "hello-world Hono bundle",
        ours: hello.bytes / 1024,
        unit: "KB",
        note: `imports in ${helloMs.toFixed(1)} ms; whole process ${helloProcess.toFixed(0)} ms (medians)`,
      },
    ];
    for (const b of built.filter((b) => b.name !== "hello")) {
      const ms = median(times.get(b.name)!.imported);
      rows.push(
        {
          figure: `${b.name}: bundle`,
          ours: b.bytes / 1024,
          unit: "KB",
          reference: hello.bytes / 1024,
          referenceLabel: "hello-world",
        },
        {
          figure: `${b.name}: import (init), median of ${rounds}`,
          ours: ms,
          unit: "ms",
          reference: helloMs,
          referenceLabel: "hello-world",
          ...(b.name === "api" ? { compare: "at-most" as const, target: API_TARGET } : {}),
        },
        {
          figure: `${b.name}: whole process (start, import, exit)`,
          ours: median(times.get(b.name)!.process),
          unit: "ms",
          reference: helloProcess,
          referenceLabel: "hello-world",
        },
      );
    }
    return { title: `3. Cold start: bundles imported by fresh Node processes, ${rounds} interleaved rounds`, rows };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
