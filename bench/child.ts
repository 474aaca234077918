/** Runs a bench script in a fresh Node process (its own heap) and returns what it wrote. */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "../packages/functions/bundle";

export async function runChild<T>(script: string, args: string[], env: Record<string, string>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "bench-"));
  const out = join(dir, "out.json");
  try {
    const child = spawn(process.execPath, ["--import", "tsx", join(root, "bench", script), ...args, out], {
      cwd: root,
      env: { ...process.env, ...env, NODE_NO_WARNINGS: "1" },
      stdio: ["ignore", "inherit", "inherit"],
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    if (code !== 0) throw new Error(`bench/${script} ${args.join(" ")} exited ${code}`);
    return JSON.parse(readFileSync(out, "utf8")) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
