/**
 * Webhooks: HTTPS endpoints an API key registers, told of every status change
 * of the notices filed with that key, signed per the Standard Webhooks
 * specification (webhook-id, webhook-timestamp, webhook-signature). The
 * endpoints of a key with `notices:review`, which reads and decides every
 * notice, are told of every notice's changes, from its confirmation on.
 *
 * A status change is queued in the notice's outbox by the transition itself;
 * the dispatcher fans it out into one delivery item per endpoint (ids derived
 * from notice, status, when it was queued and endpoint, so fanning out again
 * creates nothing twice, and a status reached again is a new event) and tries
 * each at once. A delivery that fails stays in the due index
 * and the sweep tries it again, backing off from 5 s to an hour, until 24
 * hours after its first attempt; then it is failed. A replay makes it pending
 * again, with the same body and the same webhook-id.
 *
 * Secrets sign, so they are stored in a form that can be read back: sealed
 * with a key derived from LINK_SECRET (docs/data-model.md says why).
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";
import type { LookupFunction } from "node:net";
import * as z from "zod/mini";
import * as Address from "./address";
import * as ApiKey from "./api-key";
import { config } from "./config";
import { DomainError } from "./errors";
import * as Ids from "./ids";
import * as Log from "./logger";
import { Status } from "./moderation";
import { toView, View as NoticeView, type Notice } from "./notice";
import * as Outbox from "./outbox";
import * as Seal from "./seal";
import * as Store from "./store";
import { change, when } from "./store";
import * as Table from "./table";
import { dateTime, parse } from "./validation";

export const EVENT_TYPE = "notice.status_changed";
export const MAX_ENDPOINTS_PER_KEY = 10;
export const RECENT_DELIVERIES = 50;
export const TIMEOUT_MS = 5_000;
export const RETRY_WINDOW_MS = 24 * 60 * 60_000;
export const MAX_BACKOFF_MS = 60 * 60_000;
/** Longer than an attempt can take, so a live attempt is never taken over. */
const LEASE_MS = 4 * TIMEOUT_MS;
const RETENTION_SECONDS = 30 * 24 * 60 * 60;
const SECRET_PREFIX = "whsec_";

const StoredEndpoint = z.object({
  id: z.string(),
  url: z.string(),
  description: z.optional(z.string()),
  createdAt: z.string(),
});

/** An endpoint as the API answers. */
export const Endpoint = z.strictObject({
  ...StoredEndpoint.shape,
  url: z.url().check(z.describe("Where each event is POSTed.")),
  createdAt: dateTime,
});
export type Endpoint = z.output<typeof Endpoint>;

/** A new endpoint, with the secret that signs for it: the only answer that shows it. */
export const Created = z.strictObject({
  ...Endpoint.shape,
  secret: z
    .string()
    .check(
      z.regex(/^whsec_[A-Za-z0-9+/]{43}=$/),
      z.describe(
        "The signing secret: `whsec_` and 32 random bytes in base64. This answer is the only place it is shown.",
      ),
    ),
});
export type Created = z.output<typeof Created>;

/** What each delivery POSTs, signed: a notice's status changed. */
export const Event = z.strictObject({
  type: z.literal(EVENT_TYPE),
  timestamp: dateTime.check(z.describe("When the status changed.")),
  /** The notice as GET /takedowns/{id} shows it, at the status this event reports. */
  data: NoticeView,
});
export type Event = z.output<typeof Event>;

export const List = z.strictObject({ webhooks: z.array(Endpoint) });
export type List = z.output<typeof List>;

/** Endpoints, in their key's partition. The secret that signs for one is kept beside it, sealed, and read only to sign. */
const endpoints = Store.entity({
  type: "webhook",
  schema: StoredEndpoint,
  key: Table.key.webhook,
  meta: z.object({ secret: z.string() }),
});

/**
 * The endpoints of keys with `notices:review`, as `<keyId>/<endpointId>`: one
 * small item, which the dispatcher reads in the batch it reads a run's mail
 * context with, so a status change nobody subscribed to costs no call.
 */
export const reviewers = Store.entity({
  type: "review_webhooks",
  schema: z.object({ endpoints: z.optional(z.custom<Set<string>>((value) => value instanceof Set)) }),
  key: Table.key.reviewWebhooks,
});

const subscription = (keyId: string, endpointId: string) => new Set([`${keyId}/${endpointId}`]);

/** Stops telling an endpoint of every notice: deleted, or its key revoked. */
async function unsubscribe(keyId: string, endpointId: string): Promise<void> {
  await reviewers.update(reviewers.key(), [change.delete("endpoints", subscription(keyId, endpointId))], {
    condition: when.stored(),
  });
}

const DeliveryStatus = z.enum(["pending", "delivered", "failed"]);
export type DeliveryStatus = z.output<typeof DeliveryStatus>;

/** What a key sees of a delivery. */
const DeliveryRecord = z.object({
  /** Also the `webhook-id` header: the same on every retry and replay. */
  id: z.string(),
  noticeId: z.string(),
  /** The status the notice moved to, which the event reports. */
  noticeStatus: z.custom<Status>(),
  status: DeliveryStatus,
  attempts: z.number(),
  createdAt: z.string(),
  lastAttemptAt: z.optional(z.string()),
  /** The HTTP status of the last answer; absent when there was none. */
  lastStatus: z.optional(z.number()),
  /** Why the last attempt got no answer (`timeout`, `ECONNREFUSED`, `private_address`…). */
  lastError: z.optional(z.string()),
  nextAttemptAt: z.optional(z.string()),
  deliveredAt: z.optional(z.string()),
  failedAt: z.optional(z.string()),
});

/** A delivery as the API answers. */
export const Delivery = z.strictObject({
  ...DeliveryRecord.shape,
  id: z.string().check(z.describe("Also the event's `webhook-id`: the same on every retry and replay.")),
  noticeStatus: Status,
  status: DeliveryStatus.check(
    z.describe(
      "pending: being tried, or to be tried again at `nextAttemptAt`; delivered: the endpoint answered 2xx; " +
        "failed: no 2xx within 24 hours of the first attempt, or the endpoint or key is gone.",
    ),
  ),
  attempts: z.int(),
  createdAt: dateTime,
  lastAttemptAt: z.optional(dateTime),
  lastStatus: z.optional(z.int().check(z.describe("The HTTP status of the last answer."))),
  lastError: z.optional(
    z
      .string()
      .check(
        z.describe(
          "Why the last attempt got no answer: `timeout`, a connection error (`ECONNREFUSED`…), `private_address`, " +
            "`dns_failed`, `endpoint_deleted`, `key_revoked` or `secret_unreadable`.",
        ),
      ),
  ),
  nextAttemptAt: z.optional(dateTime),
  deliveredAt: z.optional(dateTime),
  failedAt: z.optional(dateTime),
});
export type Delivery = z.output<typeof Delivery>;

export const DeliveryList = z.strictObject({
  deliveries: z.array(Delivery).check(z.describe("The latest 50, newest first.")),
});
export type DeliveryList = z.output<typeof DeliveryList>;

/** The delivery's item: what callers see, and what the dispatcher keeps to send it. */
const StoredDelivery = z.extend(DeliveryRecord, {
  keyId: z.string(),
  endpointId: z.string(),
  /** The exact bytes signed and sent. */
  payload: z.string(),
  /** Failed attempts in a row: what the backoff doubles on. */
  failures: z.number(),
  retryUntil: z.string(),
});
type StoredDelivery = z.output<typeof StoredDelivery>;

/** Deliveries; the worker attempting one holds it by `holder` until `lease`. */
const deliveryItems = Store.entity({
  type: "webhook_delivery",
  schema: StoredDelivery,
  key: Table.key.delivery,
  meta: z.object({ holder: z.string(), lease: z.number() }),
});

export const RegisterInput = z.object({
  url: z.string({ error: "Give the endpoint's URL." }).check(
    z.trim(),
    z.maxLength(2048, "This URL is too long."),
    z.refine((url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol), "Enter a full https:// address."),
  ),
  description: z.optional(
    z
      .string({ error: "The description must be text." })
      .check(z.trim(), z.maxLength(200, "Keep the description under 200 characters.")),
  ),
});
export type RegisterInput = z.input<typeof RegisterInput>;

/** Standard Webhooks: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` under the secret's bytes. */
export function signature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

// Endpoints

const invalidUrl = (message: string) =>
  new DomainError("validation_failed", message, { issues: [{ path: "url", message }] });

/**
 * In production an endpoint must be https and every address its host
 * resolves to public; locally (ALLOW_PRIVATE_WEBHOOKS) anything goes.
 */
async function admit(url: URL, resolve?: Address.Resolve): Promise<void> {
  if (config().allowPrivateWebhooks) return;
  if (url.protocol !== "https:") throw invalidUrl("Webhook endpoints must use https.");
  try {
    await Address.publicAddresses(url, resolve);
  } catch (error) {
    throw invalidUrl(
      error instanceof Address.NotPublic
        ? "This address is private, loopback or reserved; an endpoint must be reachable on the public internet."
        : `${url.hostname} could not be resolved.`,
    );
  }
}

/**
 * Counts an endpoint in on its key's item, as one conditional write, so
 * registrations that race cannot pass the limit together (counting the
 * endpoints and then writing one could). A key from before the counter gets
 * it from its endpoints first.
 */
async function takePlace(keyId: string): Promise<void> {
  const key = ApiKey.entity.key(keyId);
  const countIn = () =>
    ApiKey.entity.update(key, [change.add("endpoints", 1)], { condition: when.lt("endpoints", MAX_ENDPOINTS_PER_KEY) });
  if (await countIn()) return;
  await ApiKey.entity.update(key, [change.set("endpoints", await endpointCount(keyId))], {
    condition: when.and(when.stored(), when.missing("endpoints")),
  });
  if (!(await countIn()))
    throw invalidUrl(`A key may have at most ${MAX_ENDPOINTS_PER_KEY} endpoints; delete one first.`);
}

async function givePlace(keyId: string): Promise<void> {
  await ApiKey.entity.update(ApiKey.entity.key(keyId), [change.add("endpoints", -1)], {
    condition: when.gt("endpoints", 0),
  });
}

/** A key's endpoints, read in its partition. */
const endpointsOf = (keyId: string): Store.Query => ({
  partition: Table.webhooksOf.partition(keyId),
  sort: { beginsWith: Table.webhooksOf.prefix },
  consistent: true,
});

const endpointCount = (keyId: string) => Store.count(endpointsOf(keyId));

/**
 * Registers an endpoint for `keyId` and returns it with its secret, which is
 * never shown again. `review`: the key has `notices:review`, so the endpoint
 * hears of every notice. `resolve` stands in for DNS in tests.
 */
export async function register(
  keyId: string,
  input: unknown,
  { now = new Date(), resolve, review = false }: { now?: Date; resolve?: Address.Resolve; review?: boolean } = {},
): Promise<{ endpoint: Endpoint; secret: string }> {
  const data = parse(RegisterInput, input);
  const url = new URL(data.url);
  await admit(url, resolve);
  await takePlace(keyId);
  const endpoint: Endpoint = {
    id: Ids.newId(),
    url: url.href,
    ...(data.description ? { description: data.description } : {}),
    createdAt: now.toISOString(),
  };
  const secret = `${SECRET_PREFIX}${randomBytes(32).toString("base64")}`;
  try {
    await endpoints.put(endpoints.key(keyId, endpoint.id), endpoint, {
      meta: { secret: Seal.seal(secret, "webhook secrets", endpoint.id) },
      condition: when.new(),
    });
  } catch (error) {
    await givePlace(keyId);
    throw error;
  }
  if (review) await reviewers.upsert(reviewers.key(), [change.add("endpoints", subscription(keyId, endpoint.id))]);
  return { endpoint, secret };
}

export async function list(keyId: string): Promise<Endpoint[]> {
  return endpoints.query(endpointsOf(keyId));
}

const noSuchEndpoint = () => new DomainError("not_found", "There is no such webhook endpoint.");

/** A key's own endpoint; any other key's does not exist for it. */
export async function get(keyId: string, id: string): Promise<Endpoint> {
  const endpoint = await endpoints.get(endpoints.key(keyId, id), { consistent: true });
  if (!endpoint) throw noSuchEndpoint();
  return endpoint;
}

/** Deliveries still pending for it fail at their next attempt. */
export async function remove(keyId: string, id: string): Promise<void> {
  const deleted = await endpoints.delete(endpoints.key(keyId, id), { condition: when.stored() });
  if (!deleted) throw noSuchEndpoint();
  await Promise.all([givePlace(keyId), unsubscribe(keyId, id)]);
}

/**
 * Subscribes the endpoints that keys with `notices:review` registered before
 * such keys' endpoints heard of every notice (`npm run dispatch --
 * backfill-webhooks`, once): reads the keys' list and their partitions, no
 * scan. Idempotent; returns how many endpoints it subscribed.
 */
export async function backfillReviewers(): Promise<number> {
  const keys = (await ApiKey.list()).filter((key) => key.scopes.includes("notices:review") && !key.revokedAt);
  const found = (await Promise.all(keys.map(async (key) => (await list(key.id)).map((e) => [key.id, e.id])))).flat();
  if (found.length) {
    await reviewers.upsert(reviewers.key(), [
      change.add("endpoints", new Set(found.map(([keyId, id]) => `${keyId}/${id}`))),
    ]);
  }
  return found.length;
}

// Events and their fan-out

/** The event's body: the notice as GET /takedowns/:id shows it, at the status the event reports. */
export function event(notice: Notice, { status, queuedAt }: Outbox.WebhookEvent): Event {
  return { type: EVENT_TYPE, timestamp: queuedAt, data: toView(notice, status) };
}

/**
 * One status change for one endpoint, made once however often the fan-out
 * runs (the same queued event), and again when the notice reaches a status
 * it had before (an appeal's `pending_review`): a new event, queued anew.
 */
async function createDelivery(
  endpointId: string,
  keyId: string,
  notice: Notice,
  { status, queuedAt }: Outbox.WebhookEvent,
  payload: string,
  now: Date,
) {
  const id = Ids.derived(`${notice.id}\n${status}\n${queuedAt}\n${endpointId}`);
  const createdAt = now.toISOString();
  const delivery: StoredDelivery = {
    id,
    keyId,
    endpointId,
    noticeId: notice.id,
    noticeStatus: status,
    status: "pending",
    attempts: 0,
    failures: 0,
    createdAt,
    nextAttemptAt: createdAt,
    retryUntil: new Date(now.getTime() + RETRY_WINDOW_MS).toISOString(),
    payload,
  };
  // A fan-out that runs again (its dispatcher died) finds the delivery made.
  await deliveryItems.put(deliveryItems.key(id), delivery, {
    index: {
      ...Table.byEndpoint.of(endpointId, createdAt, id),
      ...Table.due.at(now),
      expiresAt: Math.floor(now.getTime() / 1000) + RETENTION_SECONDS,
    },
    condition: when.new(),
  });
  return id;
}

/** The endpoints of the key that filed the notice, none when it is revoked. */
async function filersEndpoints(keyId: string): Promise<{ keyId: string; endpointId: string }[]> {
  // The key and its endpoints share a partition: one query reads both.
  const found = await Store.queryEach(
    { partition: Table.webhooksOf.partition(keyId), consistent: true },
    { keys: ApiKey.entity, endpoints },
  );
  const key = found.keys[0];
  if (!key || key.revokedAt) return [];
  return found.endpoints.map((endpoint) => ({ keyId, endpointId: endpoint.id }));
}

/**
 * Turns a queued status change into one delivery per endpoint that hears of
 * it, and tries each: the endpoints of the key that filed the notice (none
 * once it is revoked), and `reviewing`, those of the keys with
 * `notices:review` (`reviewers`, read by the caller in its batch). An
 * endpoint both lists name gets one delivery.
 */
export async function fanOut(
  notice: Notice,
  queued: Outbox.WebhookEvent,
  now = new Date(),
  reviewing: ReadonlySet<string> = new Set(),
): Promise<void> {
  const keyId = notice.filedWith?.id;
  const targets = new Map(
    [
      ...(keyId ? await filersEndpoints(keyId) : []),
      ...[...reviewing].map((entry) => {
        const [reviewer = "", endpointId = ""] = entry.split("/");
        return { keyId: reviewer, endpointId };
      }),
    ].map((target) => [target.endpointId, target]),
  );
  if (!targets.size) return;
  const payload = JSON.stringify(event(notice, queued));
  const ids = await Promise.all(
    [...targets.values()].map((target) =>
      createDelivery(target.endpointId, target.keyId, notice, queued, payload, now),
    ),
  );
  await Promise.all(ids.map((id) => attempt(id, now)));
}

// Attempts

type Answer = { status?: number; error?: string /** Trying again cannot help. */; final?: true };

/** Takes a due delivery for one attempt; undefined if it is not due or another worker has it. */
async function claim(id: string, now: Date): Promise<{ delivery: StoredDelivery; holder: string } | undefined> {
  const holder = randomUUID();
  const claimed = await deliveryItems.updateAndGet(
    deliveryItems.key(id),
    [change.set("lease", now.getTime() + LEASE_MS), change.set("holder", holder)],
    {
      condition: when.and(
        when.eq("status", "pending"),
        when.le("nextAttemptAt", now.toISOString()),
        when.or(when.missing("lease"), when.lt("lease", now.getTime()), when.eq("holder", holder)),
      ),
    },
  );
  return claimed && { delivery: claimed, holder };
}

/** POSTs the body, pinned to checked addresses in production; the status once the answer is read. */
function post(url: URL, body: string, headers: Record<string, string>, lookup?: LookupFunction): Promise<number> {
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      { method: "POST", headers, lookup, signal: AbortSignal.timeout(TIMEOUT_MS) },
      (response) => {
        // The body is read (and dropped) so the timeout covers the whole answer.
        response.on("error", reject).on("end", () => resolve(response.statusCode ?? 0));
        response.resume();
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

async function send(delivery: StoredDelivery, now: Date): Promise<Answer> {
  const { key, endpoint } = await Store.getEach(
    {
      key: [ApiKey.entity, ApiKey.entity.key(delivery.keyId)],
      endpoint: [{ parse: endpoints.parseRow }, endpoints.key(delivery.keyId, delivery.endpointId)],
    },
    { consistent: true },
  );
  if (!key || key.revokedAt) return { error: "key_revoked", final: true };
  if (!endpoint) return { error: "endpoint_deleted", final: true };
  const url = new URL(endpoint.value.url);
  let lookup: LookupFunction | undefined;
  if (!config().allowPrivateWebhooks) {
    try {
      lookup = Address.pinnedLookup(await Address.publicAddresses(url));
    } catch (error) {
      return { error: error instanceof Address.NotPublic ? "private_address" : "dns_failed" };
    }
  }
  const sealed = endpoint.meta.secret;
  if (!sealed) return { error: "secret_unreadable", final: true };
  let secret: string;
  try {
    secret = Seal.unseal(sealed, "webhook secrets", delivery.endpointId);
  } catch {
    // Sealed under another LINK_SECRET: only registering again can help.
    return { error: "secret_unreadable", final: true };
  }
  const timestamp = Math.floor(now.getTime() / 1000);
  try {
    const status = await post(
      url,
      delivery.payload,
      {
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(delivery.payload)),
        "user-agent": "TakedownDesk-Webhooks/1",
        "webhook-id": delivery.id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signature(secret, delivery.id, timestamp, delivery.payload),
      },
      lookup,
    );
    return { status };
  } catch (error) {
    const { name, code } = error as NodeJS.ErrnoException;
    return { error: name === "AbortError" ? "timeout" : (code ?? name) };
  }
}

/** Records one attempt and what comes next, and lets the lease go, in one write. */
async function record(delivery: StoredDelivery, holder: string, answer: Answer, now: Date): Promise<void> {
  const at = now.toISOString();
  const delivered = answer.status !== undefined && answer.status >= 200 && answer.status < 300;
  const failures = delivered ? 0 : delivery.failures + 1;
  const next = delivered || answer.final ? undefined : Outbox.retryAt(failures, now, MAX_BACKOFF_MS);
  const status: DeliveryStatus = delivered
    ? "delivered"
    : next && next.toISOString() <= delivery.retryUntil
      ? "pending"
      : "failed";
  const pending = status === "pending";
  const plan = change.fields({
    status,
    attempts: delivery.attempts + 1,
    failures,
    lastAttemptAt: at,
    lastStatus: answer.status,
    lastError: answer.error,
    nextAttemptAt: pending ? next!.toISOString() : undefined,
    ...(pending ? Table.due.at(next!) : { gsi2pk: undefined, gsi2sk: undefined }),
    ...(delivered ? { deliveredAt: at } : status === "failed" ? { failedAt: at } : {}),
    lease: undefined,
    holder: undefined,
  });
  const written = await deliveryItems.update(deliveryItems.key(delivery.id), plan, {
    condition: when.eq("holder", holder),
  });
  if (!written) Log.warn("webhook.lease_lost", { delivery: delivery.id });
  // An endpoint deleted, or a key revoked, hears of no other notice either.
  if (answer.error === "endpoint_deleted" || answer.error === "key_revoked") {
    await unsubscribe(delivery.keyId, delivery.endpointId);
  }
  if (!delivered) {
    Log.warn("webhook.failed", {
      delivery: delivery.id,
      endpoint: delivery.endpointId,
      status: answer.status,
      error: answer.error,
      attempts: delivery.attempts + 1,
      next: status,
    });
  }
}

/** One attempt at a delivery, if it is due and no other worker has it. */
export async function attempt(id: string, now = new Date()): Promise<void> {
  const claimed = await claim(id, now);
  if (!claimed) return;
  await record(claimed.delivery, claimed.holder, await send(claimed.delivery, now), now);
}

// What a key sees of its deliveries

const DELIVERY_FIELDS = Object.keys(DeliveryRecord.shape) as (keyof Delivery)[];

/** The endpoint's latest deliveries, newest first; expired ones are gone even where TTL does not run. */
export async function deliveries(keyId: string, endpointId: string, now = new Date()): Promise<Delivery[]> {
  await get(keyId, endpointId);
  const { items } = await deliveryItems.pageFields(
    {
      index: Table.byEndpoint.index,
      partition: Table.byEndpoint.partition(endpointId),
      filter: when.unexpired(now),
      newestFirst: true,
      limit: RECENT_DELIVERIES,
    },
    DELIVERY_FIELDS,
  );
  return items;
}

/**
 * Sends a delivery again: pending, due now, with a fresh 24 hours of
 * retries, and the same body and webhook-id (receivers drop repeats by it).
 */
export async function replay(keyId: string, endpointId: string, id: string, now = new Date()): Promise<Delivery> {
  await get(keyId, endpointId);
  const at = now.toISOString();
  const plan = change.fields({
    status: "pending",
    failures: 0,
    nextAttemptAt: at,
    retryUntil: new Date(now.getTime() + RETRY_WINDOW_MS).toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + RETENTION_SECONDS,
    ...Table.due.at(now),
    deliveredAt: undefined,
    failedAt: undefined,
  });
  const replayed = await deliveryItems.updateAndGet(deliveryItems.key(id), plan, {
    condition: when.and(when.eq("endpointId", endpointId), when.unexpired(now)),
  });
  if (!replayed) throw new DomainError("not_found", "There is no such delivery for this endpoint.");
  return z.parse(DeliveryRecord, replayed);
}
