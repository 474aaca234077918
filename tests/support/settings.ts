import { Config, configure } from "@takedown/core";

/**
 * Runs the rest of this test file with settings of its own over the suite's
 * (env.ts), as if its process had been started with them. Call it in the
 * file's body or a hook: where it sits among the imports does not matter.
 */
export function withSettings(overrides: Record<string, string>): Config {
  return configure(Config.fromEnv({ ...process.env, ...overrides }));
}
