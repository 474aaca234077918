import { config, type Config } from "../config";

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
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

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
