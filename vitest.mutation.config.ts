/**
 * The fast, engine-free tests that `npm run mutation` (stryker.config.json)
 * runs against each mutant of core's pure modules: no dynalite, no SES, only
 * the settings (tests/support/pure.ts), so a run takes minutes. `@takedown/core` is resolved to the
 * sources beside this file, because Stryker mutates a copy of the project and
 * the workspace link in node_modules would point back at the originals.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const core = fileURLToPath(new URL("./packages/core/src/", import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@takedown\/core$/, replacement: `${core}index.ts` },
      { find: /^@takedown\/core\/(.*)$/, replacement: `${core}$1.ts` },
    ],
  },
  test: {
    // The property files listed run without engines; the others need dynalite.
    include: ["tests/unit/**/*.test.ts", "tests/property/url.test.ts"],
    setupFiles: ["tests/support/pure.ts"],
  },
});
