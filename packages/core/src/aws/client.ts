import { config, type Config } from "../config";
import type { Credentials } from "./sigv4";

/**
 * An AWS client made from the configuration the process runs with, once per
 * configuration: a process configured anew (a test with settings of its
 * own) gets clients for those settings, never one made for others.
 */
export function clientOf<Client>(create: (config: Config) => Client): () => Client {
  const made = new WeakMap<Config, Client>();
  return () => {
    const current = config();
    let client = made.get(current);
    if (!client) made.set(current, (client = create(current)));
    return client;
  };
}

/** What the local stand-ins get signed with when there are no credentials: they accept any signature. */
const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

/**
 * What a client of our own (signed.ts) signs with: the configuration's
 * credentials, the placeholder for a local stand-in, or else a provider that
 * fails each call saying there are none.
 */
export function credentialsFor(config: Config, endpoint: string | undefined): () => Promise<Credentials> {
  return config.credentials ?? (endpoint ? async () => LOCAL_CREDENTIALS : noCredentials);
}

async function noCredentials(): Promise<never> {
  throw Object.assign(
    new Error(
      "No AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (Lambda does), or configure a provider.",
    ),
    { name: "CredentialsProviderError" },
  );
}

/**
 * Where an SDK client talks to, and as whom: the configuration's credentials,
 * the placeholder for a local stand-in, or else the SDK's own chain.
 */
export function clientOptions(config: Config, endpoint: string | undefined) {
  return {
    region: config.region,
    endpoint,
    credentials: config.credentials ?? (endpoint ? LOCAL_CREDENTIALS : undefined),
  };
}
