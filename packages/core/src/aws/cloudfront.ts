import { CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { clientOf, clientOptions } from "./client";

export { CreateInvalidationCommand } from "@aws-sdk/client-cloudfront";

// Apart from the other clients so that only the functions that invalidate
// (the jobs that apply decisions) bundle and initialise it; the site never does
// (clientOf is pure to esbuild).
export const cloudfront = /* @__PURE__ */ clientOf(
  (config) => new CloudFrontClient({ ...clientOptions(config, config.cdnEndpoint), maxAttempts: 3 }),
);
