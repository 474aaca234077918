import { config } from "../config";

/**
 * The local stand-ins accept any signature; give the SDK something to sign
 * with so that a machine without AWS credentials can still talk to them.
 */
export function localCredentials(endpoint: string | undefined) {
  if (!endpoint || process.env.AWS_ACCESS_KEY_ID) return undefined;
  return { accessKeyId: "local", secretAccessKey: "local" };
}

export function clientOptions(endpoint: string | undefined) {
  return {
    region: config().region,
    endpoint,
    credentials: localCredentials(endpoint),
  };
}
