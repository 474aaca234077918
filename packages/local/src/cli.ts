/**
 * What the operators' commands (`npm run keys`, `sources`, `dispatch`) share:
 * arguments, the table they act on (the local stack's, or AWS's with
 * --aws), errors told in words, and exit codes (0 done, 1 refused or
 * failed, 2 usage).
 */
import { resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { config, Config, configure, DomainError } from "@takedown/core";

export type Output = { log: (line: string) => void; error: (line: string) => void };

/** What a command gets: the options given, and the words after the command's name. */
export type Given = { values: Record<string, string | boolean | string[] | undefined>; args: string[] };

/**
 * The command's settings: the local stack's table (and mailbox) unless told
 * to use AWS (or run where SST linked one). On AWS from a laptop the
 * credentials are wherever the AWS CLI finds them (a profile, SSO), so the
 * SDK's whole provider chain is loaded, here only: the functions take theirs
 * from the environment.
 */
function settings(env: NodeJS.ProcessEnv, aws: boolean): Config {
  const local = !aws && !env.SST_RESOURCE_App;
  const stack = {
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${env.DYNAMODB_PORT ?? 8000}`,
    SES_ENDPOINT: `http://127.0.0.1:${env.SES_PORT ?? 8005}`,
  };
  const config = Config.fromEnv(local ? { ...stack, ...env } : env);
  if (local || config.credentials) return config;
  const chain = import("@aws-sdk/credential-provider-node").then(({ defaultProvider }) => defaultProvider());
  return { ...config, credentials: async () => (await chain)() };
}

/** Which table the command acts on, for its errors. */
function target(): string {
  const { dynamoEndpoint, tableName, region } = config();
  return `table ${tableName} at ${dynamoEndpoint ?? `DynamoDB in ${region}`}`;
}

export function explain(error: unknown, where: string): string {
  if (error instanceof DomainError) {
    return [error.message, ...(error.details.issues ?? []).map((issue) => `  ${issue.path}: ${issue.message}`)].join(
      "\n",
    );
  }
  const { name, code } = error as { name?: string; code?: string };
  if (code === "ECONNREFUSED") return `Cannot reach the ${where}. Is \`npm start\` running?`;
  if (name === "ResourceNotFoundException") return `There is no ${where}. Start the app once to create it.`;
  return `Failed on the ${where}: ${name ?? "Error"}: ${(error as Error).message}`;
}

/** Lines of aligned columns, the first row a header. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join("  ")
      .trimEnd(),
  );
}

/** Parses `argv` and runs the command it names; returns the exit code. `--aws` is every command's. */
export async function command(
  argv: string[],
  out: Output,
  spec: {
    usage: string;
    options?: ParseArgsConfig["options"];
    commands: Record<string, (given: Given, out: Output) => Promise<void>>;
  },
): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { ...spec.options, aws: { type: "boolean" } } });
  } catch (error) {
    out.error(`${(error as Error).message}\n${spec.usage}`);
    return 2;
  }
  const [name, ...args] = parsed.positionals;
  const run = name !== undefined && Object.hasOwn(spec.commands, name) ? spec.commands[name] : undefined;
  if (!run) {
    out.error(spec.usage);
    return 2;
  }
  const values = parsed.values as Given["values"];
  const where = target();
  try {
    await run({ values, args }, out);
    return 0;
  } catch (error) {
    out.error(explain(error, where));
    return 1;
  }
}

/**
 * Runs a command file when it is the process's entry (`npm run …`), not when
 * a test imports it (the test's process is configured already).
 */
export async function main(moduleUrl: string, run: (argv: string[]) => Promise<number>): Promise<void> {
  if (process.argv[1] && resolve(process.argv[1]) === new URL(moduleUrl).pathname) {
    configure(settings(process.env, process.argv.includes("--aws")));
    process.exitCode = await run(process.argv.slice(2));
  }
}
