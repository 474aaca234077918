/** Runs the stacks under Pulumi's mocks (run-stacks.ts) and reads back what they declared. */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Declared } from "./run-stacks";

export type { Declared };

/** The secrets `npx sst secret set` would have stored for the stage. */
export const SECRETS = {
  LinkSecret: "stage-link-secret-0123456789",
  IngestToken: "stage-ingest-token",
  OperatorEmails: "desk-one@example.org,desk-two@example.org",
  MailSender: "example.org",
};

export async function runStacks(
  stage: string,
  secrets: Partial<typeof SECRETS> = SECRETS,
): Promise<{ declared?: Declared; error?: string }> {
  const out = join(mkdtempSync(join(tmpdir(), "takedown-stacks-")), "declared.json");
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("SST_SECRET_")) delete env[key];
  for (const [name, value] of Object.entries(secrets)) env[`SST_SECRET_${name}`] = value;
  try {
    await promisify(execFile)("npx", ["tsx", "tests/infra/support/run-stacks.ts", stage, out], {
      env,
      maxBuffer: 1 << 24,
    });
    return { declared: JSON.parse(readFileSync(out, "utf8")) };
  } catch (error) {
    return { error: String((error as { stderr?: string }).stderr ?? error) };
  }
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Pulumi marks secret values with a signature key; the tests read through it. */
export function plain(value: any): any {
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") {
    if (SECRET_SIG in value) return plain(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

export function resources(declared: Declared, type: string) {
  return declared.resources
    .filter((r) => r.type === type)
    .map((r) => ({ ...r, inputs: plain(r.inputs), state: plain(r.state) }));
}

export function resource(declared: Declared, type: string, name: string) {
  const found = resources(declared, type).find((r) => r.name === name);
  if (!found) throw new Error(`${type} ${name} was not declared`);
  return found;
}
