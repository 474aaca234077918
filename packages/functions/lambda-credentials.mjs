// What the bundles import as @aws-sdk/credential-provider-node (see esbuild-plugins.mjs).
export { fromEnv as defaultProvider } from "@aws-sdk/credential-provider-env";
