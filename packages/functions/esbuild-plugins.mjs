/**
 * esbuild plugins for the Lambda bundles, given to SST's build through
 * `nodejs.plugins` (stacks) and to bundle.ts, so both build the same thing.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build as esbuild } from "esbuild";
import { buildAssets } from "../web/browser/build.mjs";

/**
 * The one SDK client still bundled (CloudFront's, in the jobs that
 * invalidate; DynamoDB and SES go through our own, core's aws/) imports the
 * SDK's default credential chain (profiles, SSO, process, IMDS, web
 * identity, and the STS and SSO clients they need), a large part of that
 * chunk that Lambda never runs: the configuration hands every client the
 * environment's credentials. The bundles get the environment provider in
 * its place. Code run with Node directly (npm start, the CLIs, the tests)
 * keeps the whole chain.
 */
const credentialsFromEnvironment = {
  name: "credentials-from-environment",
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: fileURLToPath(new URL("./lambda-credentials.mjs", import.meta.url)),
    }));
  },
};

/**
 * Node's built-in modules, imported the way CommonJS requires them. An
 * `import` of one makes Node build an ES module facade that reads every
 * export, and reading some runs lazy getters that load more of Node: the
 * facade of `process` (SST's Resource imports `env` from it) cost 7.5 ms
 * of a cold start here, `fs`'s 3 ms (its `promises`). `require` hands back
 * the module object and loads nothing more; the banner SST's build adds to
 * every file defines it. SST's plugin host hands every path to every
 * callback whose filter matches, whatever its namespace, so the loader
 * checks the namespace itself.
 */
const BUILTIN = "node-builtin";
const builtins = new Set(builtinModules);
const builtinsRequired = {
  name: "builtins-required",
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z_]+(\/[a-z_]+)?$/ }, ({ path, kind }) => {
      const name = path.replace(/^node:/, "");
      if (kind !== "import-statement" || !builtins.has(name)) return undefined;
      // Unused, the require goes too, as an unused import of a built-in would.
      return { path: name, namespace: BUILTIN, sideEffects: false };
    });
    build.onLoad({ filter: /^[a-z_]+(\/[a-z_]+)?$/ }, ({ path, namespace }) => {
      if (namespace !== BUILTIN) return undefined;
      return {
        contents: path === "process" ? "module.exports = process;" : `module.exports = require("node:${path}");`,
        loader: "js",
      };
    });
  },
};

/**
 * The site's browser files, built now and put in the bundle as strings in
 * place of the module that would build them at run time: the function
 * serves them with no esbuild and no files beside it.
 */
const builtAssets = {
  name: "built-assets",
  setup(build) {
    build.onLoad({ filter: /[\\/]packages[\\/]web[\\/]browser[\\/]build\.mjs$/ }, () => ({
      contents: `export const buildAssets = () => (${JSON.stringify(buildAssets())});`,
      loader: "js",
    }));
  },
};

/**
 * /api/v1's OpenAPI description, computed now: its module bundled on its
 * own and run in this process (the routes describe themselves only when
 * Hono registers them), its result put in its place as JSON.
 */
const builtApiDescription = {
  name: "built-api-description",
  setup(build) {
    build.onLoad({ filter: /[\\/]packages[\\/]web[\\/]src[\\/]api-description\.ts$/ }, async ({ path }) => ({
      contents: `export const apiDescription = () => (${JSON.stringify(await describe(path))});`,
      loader: "js",
    }));
  },
};

async function describe(module) {
  const {
    outputFiles: [bundled],
  } = await esbuild({
    entryPoints: [module],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "esnext",
    // For the CommonJS packages in it.
    banner: { js: `import { createRequire } from "node:module"; const require = createRequire(import.meta.url);` },
    plugins: [builtAssets],
    write: false,
    logLevel: "error",
  });
  const dir = await mkdtemp(join(tmpdir(), "api-description-"));
  try {
    const file = join(dir, "api-description.mjs");
    await writeFile(file, bundled.text);
    const { apiDescription } = await import(pathToFileURL(file).href);
    return apiDescription();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export default [builtinsRequired, credentialsFromEnvironment, builtAssets, builtApiDescription];
