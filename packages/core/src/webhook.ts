/**
 * Webhooks: HTTPS endpoints an API key registers, told of every status change
 * of the notices filed with that key, signed per the Standard Webhooks
 * specification (webhook-id, webhook-timestamp, webhook-signature).
 *
 * A status change is queued in the notice's outbox by the transition itself;
 * the dispatcher fans it out into one delivery item per endpoint (ids derived
 * from notice, status and endpoint, so fanning out again creates nothing
 * twice) and tries each at once. A delivery that fails stays in the due index
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
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod/mini";
import * as Address from "./address";
import { dynamo } from "./aws/dynamo";
import { config } from "./config";
import * as Db from "./db";
import { DomainError } from "./errors";
import * as Ids from "./ids";
import * as Log from "./logger";
import type { Status } from "./moderation";
import type { Notice } from "./notice";
import { outcomes } from "./notice";
import { publicDecision } from "./present";
import * as Outbox from "./outbox";
import * as Seal from "./seal";
import * as Table from "./table";
import { parse } from "./validation";

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

export type Endpoint = { id: string; url: string; description?: string; createdAt: string };

export type DeliveryStatus = "pending" | "delivered" | "failed";

export type Delivery = {
  /** Also the `webhook-id` header: the same on every retry and replay. */
  id: string;
  noticeId: string;
  /** The status the notice moved to, which the event reports. */
  noticeStatus: Status;
  status: DeliveryStatus;
  attempts: number;
  createdAt: string;
  lastAttemptAt?: string;
  /** The HTTP status of the last answer; absent when there was none. */
  lastStatus?: number;
  /** Why the last attempt got no answer (`timeout`, `ECONNREFUSED`, `private_address`…). */
  lastError?: string;
  nextAttemptAt?: string;
  deliveredAt?: string;
  failedAt?: string;
};

/** The delivery's item: what callers see, and what the dispatcher keeps to send it. */
type StoredDelivery = Delivery & {
  keyId: string;
  endpointId: string;
  /** The exact bytes signed and sent. */
  payload: string;
  /** Failed attempts in a row: what the backoff doubles on. */
  failures: number;
  retryUntil: string;
  holder?: string;
};

export const RegisterInput = z.object({
  url: z.string({ error: "Give the endpoint's URL." }).check(
    z.trim(),
    z.maxLength(2048, "This URL is too long."),
    z.refine((url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol), "Enter a full https:// address."),
  ),
  description: z.optional(
    z.string({ error: "The description must be text." }).check(
      z.trim(),
      z.maxLength(200, "Keep the description under 200 characters."),
    ),
  ),
});
export type RegisterInput = z.input<typeof RegisterInput>;

/** Standard Webhooks: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` under the secret's bytes. */
export function signature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

// Endpoints

function endpointOf(item: Record<string, unknown>): Endpoint {
  const { id, url, description, createdAt } = item as Endpoint;
  return { id, url, ...(description ? { description } : {}), createdAt };
}

const invalidUrl = (message: string) => new DomainError("validation_failed", message, { issues: [{ path: "url", message }] });

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
  const countIn = () =>
    Db.conditional(
      dynamo().send(
        new UpdateCommand({
          TableName: Table.name(),
          Key: Table.key.apiKey(keyId),
          UpdateExpression: "ADD endpoints :one",
          ConditionExpression: "endpoints < :max",
          ExpressionAttributeValues: { ":one": 1, ":max": MAX_ENDPOINTS_PER_KEY },
        }),
      ),
    );
  if (await countIn()) return;
  await Db.conditional(
    dynamo().send(
      new UpdateCommand({
        TableName: Table.name(),
        Key: Table.key.apiKey(keyId),
        UpdateExpression: "SET endpoints = :count",
        ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(endpoints)",
        ExpressionAttributeValues: { ":count": await endpointCount(keyId) },
      }),
    ),
  );
  if (!(await countIn())) throw invalidUrl(`A key may have at most ${MAX_ENDPOINTS_PER_KEY} endpoints; delete one first.`);
}

async function givePlace(keyId: string): Promise<void> {
  await Db.conditional(
    dynamo().send(
      new UpdateCommand({
        TableName: Table.name(),
        Key: Table.key.apiKey(keyId),
        UpdateExpression: "ADD endpoints :less",
        ConditionExpression: "endpoints > :none",
        ExpressionAttributeValues: { ":less": -1, ":none": 0 },
      }),
    ),
  );
}

async function endpointCount(keyId: string): Promise<number> {
  const result = await dynamo().send(
    new QueryCommand({
      TableName: Table.name(),
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": Table.webhooksOf.partition(keyId), ":prefix": Table.webhooksOf.prefix },
      Select: "COUNT",
      ConsistentRead: true,
    }),
  );
  return result.Count ?? 0;
}

/**
 * Registers an endpoint for `keyId` and returns it with its secret, which is
 * never shown again. `resolve` stands in for DNS in tests.
 */
export async function register(
  keyId: string,
  input: unknown,
  { now = new Date(), resolve }: { now?: Date; resolve?: Address.Resolve } = {},
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
    await dynamo().send(
      new PutCommand({
        TableName: Table.name(),
        Item: { ...Table.key.webhook(keyId, endpoint.id), type: "webhook", ...endpoint, secret: Seal.seal(secret, "webhook secrets", endpoint.id) },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  } catch (error) {
    await givePlace(keyId);
    throw error;
  }
  return { endpoint, secret };
}

export async function list(keyId: string): Promise<Endpoint[]> {
  const items = await Db.queryAll({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": Table.webhooksOf.partition(keyId), ":prefix": Table.webhooksOf.prefix },
    ConsistentRead: true,
  });
  return items.map(endpointOf);
}

const noSuchEndpoint = () => new DomainError("not_found", "There is no such webhook endpoint.");

/** A key's own endpoint; any other key's does not exist for it. */
export async function get(keyId: string, id: string): Promise<Endpoint> {
  const { Item: item } = await dynamo().send(
    new GetCommand({ TableName: Table.name(), Key: Table.key.webhook(keyId, id), ConsistentRead: true }),
  );
  if (!item) throw noSuchEndpoint();
  return endpointOf(item);
}

/** Deliveries still pending for it fail at their next attempt. */
export async function remove(keyId: string, id: string): Promise<void> {
  const deleted = await Db.conditional(
    dynamo().send(
      new DeleteCommand({
        TableName: Table.name(),
        Key: Table.key.webhook(keyId, id),
        ConditionExpression: "attribute_exists(pk)",
      }),
    ),
  );
  if (!deleted) throw noSuchEndpoint();
  await givePlace(keyId);
}

// Events and their fan-out

/** The event's body: the notice as GET /takedowns/:id shows it, at the status the event reports. */
export function event(notice: Notice, { status, queuedAt }: Outbox.WebhookEvent) {
  // Statuses only move forward: an event older than the notice's current
  // status is from before the decision.
  const decision = status === notice.status ? notice.decision : undefined;
  return {
    type: EVENT_TYPE,
    timestamp: queuedAt,
    data: {
      id: notice.id,
      status,
      createdAt: notice.createdAt,
      urls: outcomes({ ...notice, status }),
      ...(decision ? { decision: publicDecision(decision) } : {}),
    },
  };
}

async function create(endpointId: string, keyId: string, notice: Notice, status: Status, payload: string, now: Date) {
  const id = Ids.derived(`${notice.id}\n${status}\n${endpointId}`);
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
  await Db.conditional(
    dynamo().send(
      new PutCommand({
        TableName: Table.name(),
        Item: {
          ...Table.key.delivery(id),
          type: "webhook_delivery",
          ...delivery,
          ...Table.byEndpoint.of(endpointId, createdAt, id),
          ...Table.due.at(now),
          expiresAt: Math.floor(now.getTime() / 1000) + RETENTION_SECONDS,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    ),
  );
  return id;
}

/**
 * Turns a queued status change into one delivery per endpoint of the key that
 * filed the notice, and tries each. A revoked key's endpoints hear nothing.
 */
export async function fanOut(notice: Notice, queued: Outbox.WebhookEvent, now = new Date()): Promise<void> {
  const keyId = notice.filedWith?.id;
  if (!keyId) return;
  const items = await Db.queryAll({
    KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": Table.webhooksOf.partition(keyId) },
    ConsistentRead: true,
  });
  const key = items.find((item) => item.sk === Table.key.apiKey(keyId).sk);
  if (!key || key.revokedAt) return;
  const endpoints = items.filter((item) => String(item.sk).startsWith(Table.webhooksOf.prefix));
  const payload = JSON.stringify(event(notice, queued));
  const ids = await Promise.all(
    endpoints.map((endpoint) => create(endpoint.id as string, keyId, notice, queued.status, payload, now)),
  );
  await Promise.all(ids.map((id) => attempt(id, now)));
}

// Attempts

type Answer = { status?: number; error?: string; /** Trying again cannot help. */ final?: true };

/** Takes a due delivery for one attempt; undefined if it is not due or another worker has it. */
async function claim(id: string, now: Date): Promise<StoredDelivery | undefined> {
  const holder = randomUUID();
  const result = await Db.conditional(
    dynamo().send(
      new UpdateCommand({
        TableName: Table.name(),
        Key: Table.key.delivery(id),
        UpdateExpression: "SET lease = :until, holder = :holder",
        ConditionExpression:
          "#status = :pending AND nextAttemptAt <= :now AND (attribute_not_exists(lease) OR lease < :nowMs OR holder = :holder)",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":pending": "pending",
          ":now": now.toISOString(),
          ":nowMs": now.getTime(),
          ":until": now.getTime() + LEASE_MS,
          ":holder": holder,
        },
        ReturnValues: "ALL_NEW",
      }),
    ),
  );
  return result?.Attributes as StoredDelivery | undefined;
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
  const keyAt = Table.key.apiKey(delivery.keyId);
  const endpointAt = Table.key.webhook(delivery.keyId, delivery.endpointId);
  const items = await Db.getMany([keyAt, endpointAt], true);
  const key = items.find((item) => item.sk === keyAt.sk);
  const endpoint = items.find((item) => item.sk === endpointAt.sk);
  if (!key || key.revokedAt) return { error: "key_revoked", final: true };
  if (!endpoint) return { error: "endpoint_deleted", final: true };
  const url = new URL(endpoint.url as string);
  let lookup: LookupFunction | undefined;
  if (!config().allowPrivateWebhooks) {
    try {
      lookup = Address.pinnedLookup(await Address.publicAddresses(url));
    } catch (error) {
      return { error: error instanceof Address.NotPublic ? "private_address" : "dns_failed" };
    }
  }
  let secret: string;
  try {
    secret = Seal.unseal(endpoint.secret as string, "webhook secrets", delivery.endpointId);
  } catch {
    // Sealed under another LINK_SECRET: only registering again can help.
    return { error: "secret_unreadable", final: true };
  }
  const timestamp = Math.floor(now.getTime() / 1000);
  try {
    const status = await post(url, delivery.payload, {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(delivery.payload)),
      "user-agent": "TakedownDesk-Webhooks/1",
      "webhook-id": delivery.id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signature(secret, delivery.id, timestamp, delivery.payload),
    }, lookup);
    return { status };
  } catch (error) {
    const { name, code } = error as NodeJS.ErrnoException;
    return { error: name === "AbortError" ? "timeout" : (code ?? name) };
  }
}

/** SET and REMOVE clauses from a record of changes; `undefined` removes. */
function changes(fields: Record<string, unknown>) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const removes: string[] = [];
  Object.entries(fields).forEach(([field, value], i) => {
    names[`#f${i}`] = field;
    if (value === undefined) removes.push(`#f${i}`);
    else {
      values[`:f${i}`] = value;
      sets.push(`#f${i} = :f${i}`);
    }
  });
  return {
    UpdateExpression: [sets.length ? `SET ${sets.join(", ")}` : "", removes.length ? `REMOVE ${removes.join(", ")}` : ""].join(" "),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** Records one attempt and what comes next, and lets the lease go, in one write. */
async function record(delivery: StoredDelivery, answer: Answer, now: Date): Promise<void> {
  const at = now.toISOString();
  const delivered = answer.status !== undefined && answer.status >= 200 && answer.status < 300;
  const failures = delivered ? 0 : delivery.failures + 1;
  const next = delivered || answer.final ? undefined : Outbox.retryAt(failures, now, MAX_BACKOFF_MS);
  const status: DeliveryStatus = delivered ? "delivered" : next && next.toISOString() <= delivery.retryUntil ? "pending" : "failed";
  const pending = status === "pending";
  const update = changes({
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
  const written = await Db.conditional(
    dynamo().send(
      new UpdateCommand({
        TableName: Table.name(),
        Key: Table.key.delivery(delivery.id),
        ...update,
        ConditionExpression: "holder = :holder",
        ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ":holder": delivery.holder },
      }),
    ),
  );
  if (!written) Log.warn("webhook.lease_lost", { delivery: delivery.id });
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
  const delivery = await claim(id, now);
  if (!delivery) return;
  await record(delivery, await send(delivery, now), now);
}

// What a key sees of its deliveries

const DELIVERY_FIELDS = [
  "id",
  "noticeId",
  "noticeStatus",
  "status",
  "attempts",
  "createdAt",
  "lastAttemptAt",
  "lastStatus",
  "lastError",
  "nextAttemptAt",
  "deliveredAt",
  "failedAt",
] as const satisfies (keyof Delivery)[];

function deliveryOf(item: Record<string, unknown>): Delivery {
  return Object.fromEntries(DELIVERY_FIELDS.filter((field) => item[field] !== undefined).map((field) => [field, item[field]])) as Delivery;
}

/** The endpoint's latest deliveries, newest first; expired ones are gone even where TTL does not run. */
export async function deliveries(keyId: string, endpointId: string, now = new Date()): Promise<Delivery[]> {
  await get(keyId, endpointId);
  const result = await dynamo().send(
    new QueryCommand({
      TableName: Table.name(),
      IndexName: Table.byEndpoint.index,
      KeyConditionExpression: "gsi1pk = :endpoint",
      FilterExpression: "expiresAt > :now",
      ProjectionExpression: DELIVERY_FIELDS.map((_, i) => `#f${i}`).join(", "),
      ExpressionAttributeNames: Object.fromEntries(DELIVERY_FIELDS.map((field, i) => [`#f${i}`, field])),
      ExpressionAttributeValues: {
        ":endpoint": Table.byEndpoint.partition(endpointId),
        ":now": Math.floor(now.getTime() / 1000),
      },
      ScanIndexForward: false,
      Limit: RECENT_DELIVERIES,
    }),
  );
  return (result.Items ?? []).map(deliveryOf);
}

/**
 * Sends a delivery again: pending, due now, with a fresh 24 hours of
 * retries, and the same body and webhook-id (receivers drop repeats by it).
 */
export async function replay(keyId: string, endpointId: string, id: string, now = new Date()): Promise<Delivery> {
  await get(keyId, endpointId);
  const at = now.toISOString();
  const update = changes({
    status: "pending",
    failures: 0,
    nextAttemptAt: at,
    retryUntil: new Date(now.getTime() + RETRY_WINDOW_MS).toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + RETENTION_SECONDS,
    ...Table.due.at(now),
    deliveredAt: undefined,
    failedAt: undefined,
  });
  const result = await Db.conditional(
    dynamo().send(
      new UpdateCommand({
        TableName: Table.name(),
        Key: Table.key.delivery(id),
        ...update,
        ConditionExpression: "endpointId = :endpoint AND expiresAt > :nowSeconds",
        ExpressionAttributeValues: {
          ...update.ExpressionAttributeValues,
          ":endpoint": endpointId,
          ":nowSeconds": Math.floor(now.getTime() / 1000),
        },
        ReturnValues: "ALL_NEW",
      }),
    ),
  );
  if (!result) throw new DomainError("not_found", "There is no such delivery for this endpoint.");
  return deliveryOf(result.Attributes!);
}
