/**
 * esbuild plugins for the Lambda bundles, given to SST's build through
 * `nodejs.plugins` (stacks) and to bundle.ts, so both build the same thing.
 */
import { fileURLToPath } from "node:url";

/**
 * On Lambda the role's credentials are in the environment. The SDK's default
 * chain (profiles, SSO, process, IMDS, web identity, and the STS and SSO
 * clients they need) is a fifth of the site's bundle and is never used there,
 * so the bundles get the environment provider in its place. Code run with
 * Node directly (npm start, the CLIs, the tests) keeps the whole chain.
 */
const credentialsFromEnvironment = {
  name: "credentials-from-environment",
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: fileURLToPath(new URL("./lambda-credentials.mjs", import.meta.url)),
    }));
  },
};

export default [credentialsFromEnvironment];
