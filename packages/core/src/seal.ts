/**
 * Secrets the table must keep but nobody holding a copy of it should read:
 * webhook signing secrets, and stored API answers that show one. Sealed with
 * AES-256-GCM under a key derived from LINK_SECRET for each purpose; the item
 * a value belongs to is bound in, so it cannot be moved to another item.
 * Rotating LINK_SECRET makes what was sealed before unreadable.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { config } from "./config";

export type Purpose = "webhook secrets" | "idempotent responses";

const keyFor = (purpose: Purpose) =>
  Buffer.from(hkdfSync("sha256", config().linkSecret, "", `takedown-desk ${purpose} v1`, 32));

export function seal(plaintext: string, purpose: Purpose, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFor(purpose), iv).setAAD(Buffer.from(context));
  const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `v1.${[iv, sealed, cipher.getAuthTag()].map((part) => part.toString("base64url")).join(".")}`;
}

/** Throws if the value was not sealed for this purpose and context, or under another secret. */
export function unseal(sealed: string, purpose: Purpose, context: string): string {
  const [, iv, data, tag] = sealed.split(".").map((part) => Buffer.from(part, "base64url"));
  const decipher = createDecipheriv("aes-256-gcm", keyFor(purpose), iv!).setAAD(Buffer.from(context));
  decipher.setAuthTag(tag!);
  return Buffer.concat([decipher.update(data!), decipher.final()]).toString("utf8");
}
