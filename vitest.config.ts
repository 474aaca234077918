import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.{ts,tsx}"],
    globalSetup: ["tests/support/log-check.ts", "tests/support/global-setup.ts", "tests/support/openapi-coverage.ts"],
    setupFiles: ["tests/support/env.ts", "tests/support/logs.ts", "tests/support/openapi-responses.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
