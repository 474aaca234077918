/**
 * esbuild plugins for the Lambda bundles, given to SST's build through
 * `nodejs.plugins` (stacks) and to bundle.ts, so both build the same thing.
 */
import { fileURLToPath } from "node:url";
import { buildAssets } from "../web/browser/build.mjs";

/**
 * The one SDK client still bundled (CloudFront's, in the jobs that
 * invalidate; DynamoDB and SES go through our own, core's aws/) imports the
 * SDK's default credential chain (profiles, SSO, process, IMDS, web
 * identity, and the STS and SSO clients they need), a large part of that
 * chunk that Lambda never runs: the configuration hands every client the
 * environment's credentials. The bundles get the environment provider in its place. Code
 * run with Node directly (npm start, the CLIs, the tests) keeps the whole
 * chain.
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

export default [credentialsFromEnvironment, builtAssets];
