/**
 * Makes sure .sst/platform exists: SST's component sources and the types
 * sst.config.ts and stacks/ are checked against. It is gitignored, so a clean
 * clone (CI) has to install it. `sst install` then needs no AWS account and
 * downloads no binary: it is pointed at the bun of the `bun` npm package and
 * told not to check the app's dependencies; the platform's own packages come
 * from the npm registry.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { root } from "./bundle";

const modules = join(root, "node_modules");

/** The bun binary: moved into place by the `bun` package's postinstall, or still in its platform package. */
function bunPath(): string {
  const installed = join(modules, "bun/bin/bun.exe");
  try {
    execFileSync(installed, ["--version"], { stdio: "ignore" });
    return installed;
  } catch {
    const arch = process.arch === "arm64" ? "aarch64" : process.arch;
    return join(modules, `@oven/bun-${process.platform}-${arch}/bin/bun`);
  }
}

export function ensurePlatform(): void {
  if (existsSync(join(root, ".sst/platform/config.d.ts"))) return;
  execFileSync(join(modules, ".bin/sst"), ["install"], {
    cwd: root,
    stdio: "inherit",
    env: {
      ...process.env,
      SST_BUN_PATH: bunPath(),
      SST_SKIP_DEPENDENCY_CHECK: "1",
      SST_TELEMETRY_DISABLED: "1",
      // Installing evaluates only app(); any stage name will do.
      SST_STAGE: process.env.SST_STAGE ?? "typecheck",
    },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensurePlatform();
