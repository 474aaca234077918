/** Calls /api/v1 the way an integrator would: JSON, an API key, from an address. */
import { ApiKey, Links, Notice } from "@takedown/core";
import { app } from "@takedown/web";
import { unique } from "./fixtures";

export type Key = ApiKey.ApiKey & { secret: string };

export async function newKey(scopes: ApiKey.Scope[] = ["notices:write"]): Promise<Key> {
  const { key, secret } = await ApiKey.create({
    name: `Rights desk ${unique()}`,
    scopes,
    owner: "desk@publisher.example",
  });
  return { ...key, secret };
}

type Options = {
  key?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The peer address, as @hono/node-server hands it to the app. */
  ip?: string;
  /** The Lambda event's context instead, as API Gateway hands it. */
  sourceIp?: string;
};

export function call(method: string, path: string, options: Options = {}): Promise<Response> {
  const { key, body, headers, ip, sourceIp } = options;
  const host = ip
    ? { incoming: { socket: { remoteAddress: ip } } }
    : sourceIp
      ? { requestContext: { http: { sourceIp } } }
      : undefined;
  return Promise.resolve(
    app.request(
      `/api/v1${path}`,
      {
        method,
        headers: {
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      },
      host,
    ),
  );
}

/** An operator's approval, as pressing the button in the review mail does. */
export async function approve(id: string) {
  const token = new URL(Links.act(id, "approve", "ops-one@syndication.example")).searchParams.get("token")!;
  return Notice.decide(id, "approved", token, undefined);
}
