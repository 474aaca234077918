/**
 * `npm run bench [-- --quick]`: every figure of the desk beside its floor,
 * limit or baseline, measured in the same run, in one table; also written to
 * bench/results.json. docs/performance.md explains each figure.
 *
 * --quick (CI, under a minute) measures the same things smaller: a 2,000-
 * article source instead of 100,000, fewer rounds, and no section 4b. A
 * missed target is printed (✗, and listed at the end) but does not fail the
 * run; only a crash does, so CI catches a bench that no longer runs without
 * flapping on a noisy machine.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "../packages/functions/bundle";
import { runChild } from "./child";
import { coldStart } from "./coldstart";
import { cost } from "./cost";
import { deskEnv, startEngines, withDynamoApart, type Engines } from "./engines";
import { feedSection, type FeedFigures } from "./feeds";
import { largeApproval } from "./large";
import { install } from "./meter";
import { latencies, measureOperations, operationsSection, type Operation } from "./operations";
import { logged, quietLogs } from "./quiet";
import { render, results, type Section } from "./report";
import { throughput } from "./throughput";

const quick = process.argv.includes("--quick");
const size = quick
  ? { largeSource: 2_000, coldRounds: 3, throughputRounds: 2, apartRounds: 0, throughputMs: 500, latencyRounds: 10 }
  : {
      largeSource: 100_000,
      coldRounds: 15,
      throughputRounds: 5,
      apartRounds: 3,
      throughputMs: 5_000,
      latencyRounds: 200,
    };

/** What a section's runner gets: the engines, the run's size, and section 1's operations. */
export type Context = { quick: boolean; engines: Engines; operations: Operation[] };
export type Runner = (context: Context) => Promise<Section[]>;

/** The sections after section 1, in order; each returns its own sections and the table takes them as they are. */
const runners: Runner[] = [
  async ({ engines }) => [(await largeApproval(size.largeSource, engines.ses.url)).section],
  async ({ engines }) => [
    await coldStart(size.coldRounds, deskEnv(engines.dynamo.url, engines.ses.url, engines.table)),
  ],
  async () => [
    await throughput(size.throughputRounds, size.throughputMs),
    // The full run only: it would take a quick run past its minute.
    ...(size.apartRounds
      ? [await withDynamoApart("bench-apart", () => throughput(size.apartRounds, size.throughputMs, true))]
      : []),
  ],
  async ({ operations }) => [await cost(operations)],
  async () => [await latencies(size.latencyRounds)],
  // In a process of its own: it starts its own dynalite and feed server, and configures core for them.
  async ({ quick }) => [feedSection(await runChild<FeedFigures[]>("feeds.ts", quick ? ["--quick"] : [], {}))],
];

quietLogs();
const started = performance.now();
const engines = await startEngines();
try {
  const stopCounting = install();
  const operations = await measureOperations(quick);
  stopCounting();
  const sections: Section[] = operationsSection(operations);
  console.error(`bench: ${sections[0]!.title} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  for (const runner of runners) {
    const step = performance.now();
    sections.push(...(await runner({ quick, engines, operations })));
    console.error(`bench: ${sections.at(-1)!.title} (${((performance.now() - step) / 1000).toFixed(1)} s)`);
  }
  const seconds = (performance.now() - started) / 1000;
  const meta = {
    date: new Date().toISOString(),
    mode: quick ? "quick" : "full",
    seconds,
    node: process.version,
    logged,
  };
  const report = results(sections, meta);
  writeFileSync(join(root, "bench/results.json"), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`Takedown Desk bench (${meta.mode}), ${meta.date}, ${seconds.toFixed(0)} s, Node ${process.version}\n`);
  console.log(render(sections));
  console.log(
    `\n${report.missed.length} figure(s) miss their floor or target${report.missed.length ? `:\n  ${report.missed.join("\n  ")}` : "."}` +
      `\nResults in bench/results.json. App log lines: ${JSON.stringify(logged)}.`,
  );
} finally {
  await engines.close();
}
process.exit(0);
