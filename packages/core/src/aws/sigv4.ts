/**
 * AWS Signature Version 4 for requests whose path needs no encoding and
 * that carry no query string: what DynamoDB's JSON protocol and SES's query
 * protocol send (a POST to `/`). Every header given is signed. Checked
 * against AWS's published test suite (tests/unit/sigv4.test.ts).
 */
import { createHash, createHmac } from "node:crypto";

export type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

export type Unsigned = {
  method: string;
  path: string;
  /** Host included: what is signed must be what is sent. */
  headers: Record<string, string>;
  body: string;
};

export type Scope = { region: string; service: string };

const hash = (data: string) => createHash("sha256").update(data, "utf8").digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data, "utf8").digest();

// The key depends only on the secret, the day, the region and the service: kept for each
// (the dispatcher signs for DynamoDB and SES in turn) instead of four HMACs a request. A new
// day or new credentials add keys; the few a process ever holds are dropped now and then.
const keys = new Map<string, Buffer>();

function signingKey(secret: string, day: string, { region, service }: Scope): Buffer {
  const id = `${secret}\n${day}\n${region}\n${service}`;
  let key = keys.get(id);
  if (!key) {
    if (keys.size >= 16) keys.clear();
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), "aws4_request");
    keys.set(id, key);
  }
  return key;
}

/** `request`'s headers with X-Amz-Date, the session token if any, and Authorization added. */
export function sign(
  request: Unsigned,
  credentials: Credentials,
  scope: Scope,
  date: Date = new Date(),
): Record<string, string> {
  const time = date.toISOString().replace(/[-:]|\.\d{3}/g, "");
  const day = time.slice(0, 8);
  const headers: Record<string, string> = { ...request.headers, "X-Amz-Date": time };
  if (credentials.sessionToken) headers["X-Amz-Security-Token"] = credentials.sessionToken;
  const canonical = Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value.trim().replace(/ +/g, " ")] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const signed = canonical.map(([name]) => name).join(";");
  const canonicalRequest = [
    request.method,
    request.path,
    "",
    ...canonical.map(([name, value]) => `${name}:${value}`),
    "",
    signed,
    hash(request.body),
  ].join("\n");
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", time, credentialScope, hash(canonicalRequest)].join("\n");
  const signature = createHmac("sha256", signingKey(credentials.secretAccessKey, day, scope))
    .update(stringToSign, "utf8")
    .digest("hex");
  headers.Authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signed}, Signature=${signature}`;
  return headers;
}
