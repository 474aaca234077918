/**
 * `npm run bench:compare -- <git ref>`: the API Lambda's bundle and import
 * time at another commit, side by side with the working tree's, built the
 * same way and imported by fresh Node processes in alternating rounds, so a
 * change can show it made cold start no worse (docs/performance.md).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { bundle, root } from "../packages/functions/bundle";
import { handlers } from "../packages/functions/handlers";
import { importMs, median } from "./coldstart";

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
  const env = { TABLE_NAME: "compare", DYNAMODB_ENDPOINT: "http://127.0.0.1:1", SES_ENDPOINT: "http://127.0.0.1:1" };
  const times = new Map(built.map((b) => [b.name, [] as number[]]));
  for (let round = 0; round < rounds; round++) {
    for (const b of round % 2 ? [...built].reverse() : built)
      times.get(b.name)!.push((await importMs(b.file, env)).imported);
  }
  const [before, after] = built.map((b) => ({ name: b.name, kb: b.bytes / 1024, ms: median(times.get(b.name)!) }));
  console.log(`API Lambda, ${rounds} alternating rounds, medians:`);
  for (const row of [before!, after!])
    console.log(`  ${row.name.padEnd(14)} ${row.kb.toFixed(1)} KB  imports in ${row.ms.toFixed(1)} ms`);
  console.log(
    `  ratio          ${(after!.kb / before!.kb).toFixed(3)}× size  ${(after!.ms / before!.ms).toFixed(3)}× import`,
  );
} finally {
  git("worktree", "remove", "--force", checkout);
  rmSync(work, { recursive: true, force: true });
}
