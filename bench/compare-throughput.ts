/**
 * `npm run bench:compare-throughput -- <git ref> [rounds] [ms]`: section 4's
 * figures (notices filed per second through the HTTP API against raw
 * PutItems, article pages against raw GetItems) at another commit, side by
 * side with the working tree's. Each round runs both, one after the other
 * (the order alternating), each in a fresh process with its own dynalite
 * running that commit's own bench/throughput.ts for one pair; so the
 * machine's noise falls on both, and each ratio is judged against the raw
 * calls measured next to it. Prints the medians (docs/performance.md).
 *
 * The other commit gets a node_modules of its own that links every package
 * to the working tree's but its own workspace packages, so its app is its own.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "../packages/functions/bundle";
import { median, type Section } from "./report";

type Pair = { notices: number; rawPut: number; noticeRatio: number; views: number; rawGet: number; viewRatio: number };

// In a child: one pair of each figure, by the bench of the checkout given, written to `out`.
if (process.argv[2] === "--child") {
  const [, , , checkout, ms, out] = process.argv;
  const from = (file: string) => import(pathToFileURL(join(checkout!, "bench", file)).href);
  const [{ startEngines }, { quietLogs }, { throughput }] = await Promise.all([
    from("engines.ts"),
    from("quiet.ts"),
    from("throughput.ts"),
  ]);
  quietLogs();
  const engines = await startEngines();
  try {
    // A short pair first, so that the measured one runs on code the JIT has warmed, as in the bench's later rounds.
    await throughput(1, 1_000);
    const { rows }: Section = await throughput(1, Number(ms));
    // Found by name: the rows between them differ from commit to commit.
    const named = (figure: string) => rows.find((row) => row.figure.startsWith(figure));
    const [notices, views] = [named("notices filed"), named("article pages")];
    const pair: Pair = {
      notices: notices!.ours,
      rawPut: notices!.reference!,
      noticeRatio: notices!.ratio!,
      views: views!.ours,
      rawGet: views!.reference!,
      viewRatio: views!.ratio!,
    };
    writeFileSync(out!, JSON.stringify(pair));
  } finally {
    await engines.close();
  }
  process.exit(0);
}

const [ref = "HEAD~1", roundsArg = "5", msArg = "5000"] = process.argv.slice(2);
const work = mkdtempSync(join(tmpdir(), "bench-compare-throughput-"));
const checkout = join(work, "checkout");
const git = (...args: string[]) => execFileSync("git", ["-C", root, ...args], { stdio: "pipe" });

function linkModules(into: string) {
  const modules = join(into, "node_modules");
  mkdirSync(join(modules, "@takedown"), { recursive: true });
  for (const name of readdirSync(join(root, "node_modules"))) {
    if (name !== "@takedown") symlinkSync(join(root, "node_modules", name), join(modules, name));
  }
  for (const name of readdirSync(join(into, "packages"))) {
    symlinkSync(join(into, "packages", name), join(modules, "@takedown", name));
  }
}

async function pair(at: string): Promise<Pair> {
  const out = join(work, "pair.json");
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(root, "bench/compare-throughput.ts"), "--child", at, msArg, out],
    { cwd: at, env: { ...process.env, NODE_NO_WARNINGS: "1" }, stdio: ["ignore", "ignore", "inherit"] },
  );
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`the throughput pair at ${at} exited ${code}`);
  return JSON.parse(readFileSync(out, "utf8")) as Pair;
}

try {
  git("worktree", "add", "--detach", checkout, ref);
  linkModules(checkout);
  const sides = [
    { name: ref, at: checkout, pairs: [] as Pair[] },
    { name: "working tree", at: root, pairs: [] as Pair[] },
  ];
  const rounds = Number(roundsArg);
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 ? [...sides].reverse() : sides) {
      side.pairs.push(await pair(side.at));
      console.error(`round ${round + 1}/${rounds}: ${side.name} ${JSON.stringify(side.pairs.at(-1))}`);
    }
  }
  const of = (pairs: Pair[], field: keyof Pair) => median(pairs.map((p) => p[field]));
  console.log(`Throughput, ${rounds} alternating rounds of one ${Number(msArg) / 1000} s pair each, medians:`);
  console.log("                 notices/s  raw PutItem/s  ratio   pages/s  raw GetItem/s  ratio");
  for (const { name, pairs } of sides) {
    const cells = [
      of(pairs, "notices").toFixed(1).padStart(9),
      of(pairs, "rawPut").toFixed(0).padStart(13),
      `${of(pairs, "noticeRatio").toFixed(3)}×`.padStart(6),
      of(pairs, "views").toFixed(1).padStart(9),
      of(pairs, "rawGet").toFixed(0).padStart(13),
      `${of(pairs, "viewRatio").toFixed(3)}×`.padStart(6),
    ];
    console.log(`  ${name.padEnd(14)} ${cells.join("  ")}`);
  }
} finally {
  git("worktree", "remove", "--force", checkout);
  rmSync(work, { recursive: true, force: true });
}
