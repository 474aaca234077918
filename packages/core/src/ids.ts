import { createHash, randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

function base32(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += ALPHABET[byte & 31];
  return out;
}

/** Sortable by creation time, so lists come out newest last without an index. */
export function newId(): string {
  return Date.now().toString(36).padStart(9, "0") + base32(randomBytes(11));
}

/**
 * Whether `value` could be an id this system made (notices, articles,
 * endpoints, deliveries: short, lowercase letters and digits). Anything else
 * is looked up nowhere: an over-long id would be refused by DynamoDB as a key.
 */
export function plausible(value: string): boolean {
  return /^[0-9a-z]{1,40}$/.test(value);
}

/** The same text always gives the same id, so writing under it twice is a no-op. */
export function derived(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 20);
}

/**
 * An article's id is derived from its normalised original URL, so ingest is
 * an upsert without a lookup and a notice naming the original URL finds the
 * article with a get.
 */
export function fromUrl(normalizedUrl: string): string {
  return derived(normalizedUrl);
}
