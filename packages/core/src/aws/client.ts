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

/**
 * Where a client talks to, and as whom. The local stand-ins accept any
 * signature; give the SDK something to sign with so that a machine without
 * AWS credentials can still talk to them.
 */
export function clientOptions(config: Config, endpoint: string | undefined) {
  const local = endpoint && !config.credentialsInEnv;
  return {
    region: config.region,
    endpoint,
    credentials: local ? { accessKeyId: "local", secretAccessKey: "local" } : undefined,
  };
}
