/**
 * `npm run bench:compare -- <git ref>`: the API Lambda's bundle, its import
 * time, and its import with a first request of each kind section 3 times (an
 * article page, a challenge); and the dispatcher's, alone and with its first
 * batch, a new notice whose receipt it mails (what a requester waits for
 * after filing). At another commit side by side with the working tree's,
 * built the same way and run by fresh Node processes in alternating rounds
 * against the same dynalite and SES stand-in, so a change can show what it
 * did to cold start (docs/performance.md).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Bundle, bundle, outputFiles, root } from "../packages/functions/bundle";
import { handlers } from "../packages/functions/handlers";
import { FIRST, importMs, receiptMs } from "./coldstart";
import type { Story } from "./desk";
import { deskEnv, startEngines } from "./engines";
import { quietLogs } from "./quiet";
import { median } from "./report";
import { seed } from "./seed";

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
  type Bundler = Pick<typeof theirs, "bundle" | "outputFiles">;
  const build = async (name: string, bundler: Bundler, dir: string) => {
    const [api, dispatch] = [
      await bundler.bundle(handlers.api, join(work, dir, "api")),
      await bundler.bundle(handlers.dispatch, join(work, dir, "dispatch")),
    ];
    // What init loads, counted alike at both commits: an older bundle.ts counted the entry file alone.
    const atInit = (b: Bundle) => bundler.outputFiles(b, true).reduce((sum, file) => sum + statSync(file).size, 0);
    return { name, api, dispatch, kb: [atInit(api) / 1024, atInit(dispatch) / 1024] };
  };
  const built = [await build(ref, theirs, "before"), await build("working tree", { bundle, outputFiles }, "after")];
  quietLogs();
  const engines = await startEngines("compare");
  const env = deskEnv(engines.dynamo.url, engines.ses.url, engines.table);
  const story: Story = { source: "compare.example", author: "Bench Writer", i: 0 };
  await seed([story]);
  const firsts = Object.keys(FIRST) as (keyof typeof FIRST)[];
  const columns = ["init", ...firsts, "dispatch init", "dispatch + receipt"] as const;
  const times = new Map(built.map((b) => [b.name, new Map(columns.map((column) => [column, [] as number[]]))]));
  try {
    for (let round = 0; round < rounds; round++) {
      for (const b of round % 2 ? [...built].reverse() : built) {
        const timed = times.get(b.name)!;
        timed.get("init")!.push((await importMs(b.api.file, env)).imported);
        for (const first of firsts) {
          const { imported, request } = await importMs(b.api.file, env, FIRST[first]);
          timed.get(first)!.push(imported + request);
        }
        timed.get("dispatch init")!.push((await importMs(b.dispatch.file, env)).imported);
        const { imported, request } = await receiptMs(b.dispatch.file, env, story);
        timed.get("dispatch + receipt")!.push(imported + request);
      }
    }
  } finally {
    await engines.close();
  }
  console.log(
    `API and dispatcher Lambdas, ${rounds} alternating rounds, medians (ms; a first request's column is init and the request):`,
  );
  const width = 20;
  console.log(
    `  ${"".padEnd(14)} ${"API KB at init".padStart(width)}${"dispatch KB".padStart(width)}${columns.map((c) => c.padStart(width)).join("")}`,
  );
  const rows = built.map((b) => ({
    name: b.name,
    kb: b.kb,
    ms: columns.map((column) => median(times.get(b.name)!.get(column)!)),
  }));
  for (const row of rows)
    console.log(
      `  ${row.name.padEnd(14)} ${[...row.kb, ...row.ms].map((value) => value.toFixed(1).padStart(width)).join("")}`,
    );
  const [before, after] = rows;
  const ratios = [...after!.kb, ...after!.ms].map((value, i) => value / [...before!.kb, ...before!.ms][i]!);
  console.log(`  ${"ratio".padEnd(14)} ${ratios.map((ratio) => `${ratio.toFixed(3)}×`.padStart(width)).join("")}`);
} finally {
  git("worktree", "remove", "--force", checkout);
  rmSync(work, { recursive: true, force: true });
}
