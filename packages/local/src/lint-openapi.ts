/**
 * `npm run lint:openapi` (part of `npm run check`): writes the OpenAPI
 * document the app serves to a temporary file and lints it with two
 * independent tools, Redocly CLI (its recommended rules; redocly.yaml) and
 * Spectral (spectral:oas; .spectral.yaml). A warning fails as an error does:
 * the document is fixed, not the rules turned off.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Config, configure } from "@takedown/core";
import { document } from "../../web/src/routes/docs";

type Run = { code: number; stdout: string; stderr: string };

/** The tools come from node_modules/.bin, which `npm run` puts on the PATH. */
const run = (command: string, args: string[]) =>
  new Promise<Run>((resolve) => {
    execFile(
      command,
      args,
      { env: { ...process.env, REDOCLY_SUPPRESS_NOTIFICATIONS: "true" } },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });

type RedoclyReport = {
  totals: { errors: number; warnings: number };
  problems: { severity: string; ruleId: string; message: string; location: { pointer?: string }[] }[];
};

/** Redocly exits 0 on warnings, so its JSON report decides. */
async function redocly(file: string): Promise<string[]> {
  const { stdout, stderr } = await run("redocly", ["lint", "--format=json", file]);
  let report: RedoclyReport;
  try {
    report = JSON.parse(stdout) as RedoclyReport;
  } catch {
    return [`redocly did not report: ${stderr.trim() || stdout.trim()}`];
  }
  return report.problems.map(
    ({ severity, ruleId, message, location }) =>
      `redocly ${severity} ${ruleId}: ${message} (${location[0]?.pointer ?? "document"})`,
  );
}

/** Spectral fails on anything it finds, down to hints. */
async function spectral(file: string): Promise<string[]> {
  const { code, stdout, stderr } = await run("spectral", ["lint", "--fail-severity=hint", "--format=text", file]);
  if (code === 0) return [];
  const found = stdout.trim().split("\n").filter(Boolean);
  return (found.length ? found : [stderr.trim()]).map((line) => `spectral ${line.replace(`${file}:`, "")}`);
}

// The document names the site (PUBLIC_URL) and the desk's address, as the app does.
configure(Config.fromEnv(process.env));
const started = performance.now();
const dir = await mkdtemp(join(tmpdir(), "openapi-"));
try {
  const file = join(dir, "openapi.json");
  await writeFile(file, JSON.stringify(document(), null, 2));
  const problems = (await Promise.all([redocly(file), spectral(file)])).flat();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (problems.length) {
    console.error(`The OpenAPI document has ${problems.length} problem(s):\n${problems.join("\n")}`);
    process.exitCode = 1;
  } else {
    console.log(`The OpenAPI document passes Redocly's recommended rules and Spectral's spectral:oas (${seconds} s).`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
