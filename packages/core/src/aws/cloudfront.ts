import { CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { config } from "../config";
import { clientOptions } from "./credentials";

// Apart from the other clients so that only the functions that invalidate
// (the jobs that apply decisions) bundle and initialise it; the site never does.
let client: CloudFrontClient | undefined;

export function cloudfront(): CloudFrontClient {
  client ??= new CloudFrontClient({ ...clientOptions(config().cdnEndpoint), maxAttempts: 3 });
  return client;
}
