import { config } from "@takedown/core/config";
import type { Context } from "hono";

/** What the hosts hand the app: the fields hono's getConnInfo reads on each. */
type HostEnv = {
  /** The Lambda event (hono/aws-lambda): API Gateway REST, or HTTP API and function URLs. */
  requestContext?: { identity?: { sourceIp?: string }; http?: { sourceIp?: string } };
  /** @hono/node-server, as under `npm start`. */
  incoming?: { socket?: { remoteAddress?: string } };
};

/**
 * The caller's address, for per-IP rate limits and idempotency scopes. By
 * default it is the peer the host saw: API Gateway's sourceIp on AWS, the
 * socket locally. X-Forwarded-For is read only when TRUST_PROXY_HOPS says how
 * many proxies in front of the app append to it (CloudFront before API
 * Gateway: 2); the address is then the one that many entries from the right,
 * the last one a trusted proxy wrote. Entries further left come from the
 * client and could be forged.
 */
export function clientIp(c: Context): string {
  const hops = config().trustProxyHops;
  if (hops > 0) {
    const forwarded = (c.req.header("x-forwarded-for") ?? "").split(",").map((hop) => hop.trim());
    const address = forwarded[forwarded.length - hops];
    if (address) return address;
  }
  const host = c.env as HostEnv | undefined;
  return (
    host?.requestContext?.http?.sourceIp ??
    host?.requestContext?.identity?.sourceIp ??
    host?.incoming?.socket?.remoteAddress ??
    "unknown"
  );
}
