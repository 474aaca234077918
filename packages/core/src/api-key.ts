/**
 * API keys for systems that file notices or ingest articles. A key is shown
 * once, when it is created; only its SHA-256 is stored, which is enough for a
 * secret of 256 random bits. The key's id is part of the secret's text, so
 * checking a key is one read by id rather than an index lookup by hash.
 *
 * The workflow's ingest token (INGEST_TOKEN) is a built-in key with
 * `articles:write`: it lives in configuration, not in the table, so every
 * environment has it without seeding and rotating it stays a config change.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import * as z from "zod/mini";
import { config } from "./config";
import { DomainError } from "./errors";
import * as Ids from "./ids";
import * as RateLimit from "./ratelimit";
import * as Store from "./store";
import { change, when } from "./store";
import * as Table from "./table";
import { parse } from "./validation";

/**
 * `notices:write` files notices and follows its own; `articles:write` ingests
 * articles; `notices:review` reads every notice with its audit trail and
 * decides, reverses and annotates them as an operator does (the review API).
 */
export const SCOPES = ["notices:write", "articles:write", "notices:review"] as const;
export type Scope = (typeof SCOPES)[number];

export const INGEST_KEY_ID = "ingest";

/** Who is calling: a stored key, or the built-in ingest key. */
export type Principal = {
  id: string;
  name: string;
  scopes: Scope[];
  /** Who the key was issued to; a keyed notice's mail goes there. Absent on the built-in key. */
  owner?: string;
  /** Absent on the built-in key, which has no record to keep it in. */
  lastUsedAt?: string;
  builtIn?: true;
};

const Stored = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.enum(SCOPES)),
  owner: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.optional(z.string()),
  revokedAt: z.optional(z.string()),
});
export type ApiKey = z.output<typeof Stored>;

/**
 * Keys in the table. Beside the key: the secret's hash, and how many webhook
 * endpoints it has (Webhook counts them in and out here).
 */
export const entity = Store.entity({
  type: "api_key",
  schema: Stored,
  key: Table.key.apiKey,
  meta: z.object({ hash: z.string(), endpoints: z.number() }),
});

export const CreateInput = z.object({
  name: z
    .string({ error: "Give the key a name." })
    .check(z.trim(), z.minLength(1, "Give the key a name."), z.maxLength(100, "Keep the name under 100 characters.")),
  scopes: z
    .array(z.enum(SCOPES, { error: `Scopes are ${SCOPES.join(", ")}.` }))
    .check(z.minLength(1, `Give at least one scope: ${SCOPES.join(", ")}.`)),
  owner: z.pipe(
    z
      .string({ error: "Give the owner's email address." })
      .check(z.trim(), z.toLowerCase(), z.maxLength(254, "An email address has at most 254 characters.")),
    z.email("The owner must be an email address."),
  ),
});
export type CreateInput = z.input<typeof CreateInput>;

/** Last-used dates are this coarse, so a busy key costs one write a minute. */
export const LAST_USED_RESOLUTION_MS = 60_000;

const PREFIX = "tdk";
const TOKEN = /^tdk_([0-9a-z]{20})_[A-Za-z0-9_-]{43}$/;

function sha256(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** Stores a new key and returns it with its secret, which is never readable again. */
export async function create(input: unknown, now = new Date()): Promise<{ key: ApiKey; secret: string }> {
  const data = parse(CreateInput, input);
  const key: ApiKey = {
    id: Ids.newId(),
    name: data.name,
    scopes: [...new Set(data.scopes)],
    owner: data.owner,
    createdAt: now.toISOString(),
  };
  const secret = `${PREFIX}_${key.id}_${randomBytes(32).toString("base64url")}`;
  await entity.put(entity.key(key.id), key, {
    index: Table.apiKeys.of(key.createdAt, key.id),
    meta: { hash: sha256(secret).toString("hex") },
    condition: when.new(),
  });
  return { key, secret };
}

export async function list(): Promise<ApiKey[]> {
  return entity.queryFields({ index: Table.apiKeys.index, partition: Table.apiKeys.partition }, [
    "id",
    "name",
    "scopes",
    "owner",
    "createdAt",
    "lastUsedAt",
    "revokedAt",
  ]);
}

/** Revoking twice keeps the first date; an unknown id is not_found. */
export async function revoke(id: string, now = new Date()): Promise<ApiKey> {
  const revoked = await entity.updateAndGet(
    entity.key(id),
    [change.setFrom("revokedAt", "revokedAt", now.toISOString())],
    {
      condition: when.stored(),
    },
  );
  if (!revoked) throw new DomainError("not_found", `There is no API key ${id}.`);
  return revoked;
}

function ingestKey(token: string): Principal | undefined {
  // Hashing both sides gives equal lengths, so the comparison leaks nothing.
  if (!timingSafeEqual(sha256(token), sha256(config().ingestToken))) return undefined;
  return { id: INGEST_KEY_ID, name: "Ingest token", scopes: ["articles:write"], builtIn: true };
}

const invalid = () => new DomainError("unauthorized", "This API key is not valid.");

/** The key's item, unless it was revoked. */
function live(item: Store.Item): Store.Item {
  if (item.revokedAt) throw new DomainError("unauthorized", "This API key has been revoked.");
  return item;
}

/** The key's item as read, if it is the one the token names (a wrong secret is told nothing more) and not revoked. */
function checked(token: string, item: Store.Item | undefined): Store.Item {
  const hash = item?.hash;
  if (typeof hash !== "string" || !timingSafeEqual(sha256(token), Buffer.from(hash, "hex"))) throw invalid();
  return live(item!);
}

/** A call let in by its key: who it is, where it stands on its limit, and the key's counts to remove (`RateLimit.countOn`). */
export type Admitted = { principal: Principal; counted?: RateLimit.Result; stale: string[] };

/**
 * The caller a bearer token names, counted against `policy` in the same
 * write: one conditional UpdateItem on the key's item checks the secret's
 * hash, adds the call to the key's count for the window, and answers with
 * the key. A wrong secret counts nothing against the key it names; a revoked
 * key is refused when its item comes back (counting a key nobody may use
 * again changes nothing). A key over its limit comes back with
 * `counted.allowed` false. Unknown, malformed and revoked keys are
 * unauthorized. The built-in ingest key has no item, so it is not counted here.
 *
 * The hashes are compared by DynamoDB, not in constant time: what the time
 * could tell is how much of a SHA-256 matched, which says nothing of the secret.
 */
export async function admit(token: string, policy: RateLimit.Policy, now = new Date()): Promise<Admitted> {
  const ingest = ingestKey(token);
  if (ingest) return { principal: ingest, stale: [] };
  const id = TOKEN.exec(token)?.[1];
  if (!id) throw invalid();
  const key = entity.key(id);
  const hash = sha256(token).toString("hex");
  const counting = RateLimit.countOn(policy, now);
  const count = (made: boolean) =>
    Store.update(key, counting.plan, {
      condition: when.and(when.eq("hash", hash), made ? counting.madeUnderLimit : counting.underLimit),
      returning: "new",
    });
  // The write's condition compared the hashes.
  const letIn = (item: Store.Item): Admitted => ({
    principal: principalOf(id, live(item)),
    counted: counting.counted(item),
    stale: counting.stale(item),
  });
  const refused = (item: Store.Item): Admitted => ({
    principal: principalOf(id, item),
    counted: counting.refused,
    stale: [],
  });
  // Consistent, so that a revocation holds from the moment it is written.
  const read = async () => checked(token, await Store.get(key, { consistent: true }));

  // Nearly always, the key's last call made this window's count.
  const written = await count(true);
  if (written) return letIn(written);
  // Refused: not this key, or over its limit, or its count not made (a new key, or one idle a whole window).
  const stored = await read();
  if (counting.full(stored)) return refused(stored);
  const again = await count(false);
  if (again) return letIn(again);
  // Revoked or filled up since the read.
  return refused(await read());
}

function principalOf(id: string, item: Store.Item): Principal {
  const { name, scopes, lastUsedAt, owner } = entity.parse(item);
  return { id, name, scopes, lastUsedAt, owner };
}

/**
 * Records that a key was used, at most once per LAST_USED_RESOLUTION_MS (the
 * date is projected into the keys' index, so each change is an index write
 * too): the condition makes concurrent requests write once, and a fresh
 * date writes nothing. The same write removes the counts `admit` found
 * stale. Callers run it beside the request's own work, not after it.
 */
export async function recordUse({ principal, stale }: Admitted, now = new Date()): Promise<void> {
  const since = new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString();
  const used = !principal.lastUsedAt || principal.lastUsedAt <= since;
  if (principal.builtIn || (!used && !stale.length)) return;
  const plan = [...(used ? [change.set("lastUsedAt", now.toISOString())] : []), ...change.remove(...stale)];
  await entity.update(entity.key(principal.id), plan, {
    condition: when.and(when.stored(), used && when.or(when.missing("lastUsedAt"), when.lt("lastUsedAt", since))),
  });
}

/** A name for the audit trail: which key, and what its owner called it. */
export function label(principal: Pick<Principal, "id" | "name">): string {
  return `key:${principal.id} (${principal.name})`;
}
