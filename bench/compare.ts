/**
 * `npm run bench:compare -- <git ref>`: the API Lambda's bundle, its import
 * time, and its import with a first request of each kind section 3 times (an
 * article page, a challenge), at another commit side by side with the
 * working tree's, built the same way and run by fresh Node processes in
 * alternating rounds against the same dynalite, so a change can show what it
 * did to cold start (docs/performance.md).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { bundle, root } from "../packages/functions/bundle";
import { handlers } from "../packages/functions/handlers";
import { FIRST, importMs, median } from "./coldstart";
import { deskEnv, startEngines } from "./engines";

const [ref = "HEAD~1", roundsArg = "21"] = process.argv.slice(2);
const rounds = Number(roundsArg);
const work = mkdtempSync(join(tmpdir(), "bench-compare-"));
const checkout = join(work, "checkout");
const git = (...args: string[]) => execFileSync("git", ["-C", root, ...args], { stdio: "pipe" });

try {
  git("worktree", "add", "--detach", checkout, ref);
  // The working tree's packages from npm, but the other commit's own workspace packages: a link to the
  // whole node_modules would resolve @takedown/core (a link to ../../packages/core) to the working tree's.
  const modules = join(checkout, "node_modules");
  mkdirSync(join(modules, "@takedown"), { recursive: true });
  for (const entry of readdirSync(join(root, "node_modules")).filter((entry) => entry !== "@takedown"))
    symlinkSync(join(root, "node_modules", entry), join(modules, entry));
  for (const workspace of readdirSync(join(checkout, "packages")))
    symlinkSync(join(checkout, "packages", workspace), join(modules, "@takedown", workspace));
  // The other commit's own bundler, so its bundle is what that commit would have deployed.
  const theirs: typeof import("../packages/functions/bundle") = await import(
    pathToFileURL(join(checkout, "packages/functions/bundle.ts")).href
  );
  const built = [
    { name: ref, ...(await theirs.bundle(handlers.api, join(work, "before"))) },
    { name: "working tree", ...(await bundle(handlers.api, join(work, "after"))) },
  ];
  const engines = await startEngines("compare");
  const env = deskEnv(engines.dynamo.url, engines.ses.url, engines.table);
  const firsts = Object.keys(FIRST) as (keyof typeof FIRST)[];
  const columns = ["init", ...firsts] as const;
  const times = new Map(built.map((b) => [b.name, new Map(columns.map((column) => [column, [] as number[]]))]));
  try {
    for (let round = 0; round < rounds; round++) {
      for (const b of round % 2 ? [...built].reverse() : built) {
        const timed = times.get(b.name)!;
        timed.get("init")!.push((await importMs(b.file, env)).imported);
        for (const first of firsts) {
          const { imported, request } = await importMs(b.file, env, FIRST[first]);
          timed.get(first)!.push(imported + request);
        }
      }
    }
  } finally {
    await engines.close();
  }
  console.log(
    `API Lambda, ${rounds} alternating rounds, medians (ms; a first request's column is init and the request):`,
  );
  console.log(`  ${"".padEnd(14)} ${"KB at init".padStart(10)}  ${columns.map((c) => c.padStart(20)).join("")}`);
  const rows = built.map((b) => ({
    name: b.name,
    kb: b.bytes / 1024,
    ms: columns.map((column) => median(times.get(b.name)!.get(column)!)),
  }));
  for (const row of rows)
    console.log(
      `  ${row.name.padEnd(14)} ${row.kb.toFixed(1).padStart(10)}  ${row.ms.map((ms) => ms.toFixed(1).padStart(20)).join("")}`,
    );
  const [before, after] = rows;
  console.log(
    `  ${"ratio".padEnd(14)} ${`${(after!.kb / before!.kb).toFixed(3)}×`.padStart(10)}  ${after!.ms.map((ms, i) => `${(ms / before!.ms[i]!).toFixed(3)}×`.padStart(20)).join("")}`,
  );
} finally {
  git("worktree", "remove", "--force", checkout);
  rmSync(work, { recursive: true, force: true });
}
