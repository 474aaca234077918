/**
 * /api/v1/webhooks: a key's endpoints for status-change events, and their
 * deliveries. A key reaches only its own endpoints; core builds every key
 * from the caller's id, so another key's endpoint is simply not there (404).
 */
import * as Webhook from "@takedown/core/webhook";
import { Hono, type Context } from "hono";
import { allow, type ApiEnv } from "../auth";
import { describeRoute, type Refusal } from "../described";
import { jsonInput } from "../middleware";

/** Every route here is behind `allow`, so there is a key. */
const keyId = (c: Context<ApiEnv>) => c.get("principal")!.id;

const noSuchEndpoint: Refusal = {
  status: 404,
  code: "not_found",
  when: "this key has no such endpoint (another key's does not exist for it)",
};

const endpointId = { id: "The endpoint's id." };

// Each operation's description, registered with its route below; see described.ts.
const registerWebhook = describeRoute({
  operationId: "registerWebhook",
  tag: "Webhooks",
  summary: "Register a webhook endpoint",
  description:
    "Each status change of a notice filed with this key (`notices:write`) is POSTed to the endpoint as a " +
    "`notice.status_changed` event, whoever made it (an operator, a review key, the requester, a counter-notice's " +
    "restoration), a status reached again included. A key with `notices:review` hears of every notice's changes, " +
    "however it was filed, from when it waits for review (a notice its sender has not confirmed is never told). " +
    "Events are signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with the " +
    `secret in this answer, which is never shown again. At most ${Webhook.MAX_ENDPOINTS_PER_KEY} endpoints per key.`,
  body: {
    description: "The endpoint: an https URL whose host resolves only to public addresses.",
    example: () => ({ url: "https://hooks.valleyledger.example/takedowns", description: "Rights desk" }),
  },
  responses: { 201: { description: "Registered; keep the secret.", body: Webhook.Created } },
  refusals: [
    {
      status: 422,
      code: "validation_failed",
      when: `the URL is not https, its host resolves to a private, loopback or reserved address, or the key has ${Webhook.MAX_ENDPOINTS_PER_KEY} endpoints already (issue path \`url\`)`,
    },
  ],
});

const listWebhooks = describeRoute({
  operationId: "listWebhooks",
  tag: "Webhooks",
  summary: "List this key's webhook endpoints",
  description: "Without their secrets.",
  responses: { 200: { description: "The key's endpoints.", body: Webhook.List } },
});

const deleteWebhook = describeRoute({
  operationId: "deleteWebhook",
  tag: "Webhooks",
  summary: "Delete a webhook endpoint",
  description:
    "Its pending deliveries fail at their next attempt instead of being sent, and it hears of no further change.",
  pathParameters: endpointId,
  responses: { 204: { description: "Deleted." } },
  refusals: [noSuchEndpoint],
});

const listWebhookDeliveries = describeRoute({
  operationId: "listWebhookDeliveries",
  tag: "Webhooks",
  summary: "List an endpoint's recent deliveries",
  description:
    "One delivery per status change, retried with exponential backoff (5 s doubling, at most an hour apart) " +
    "for 24 hours from its first attempt, then failed.",
  pathParameters: endpointId,
  responses: { 200: { description: "The latest deliveries, newest first.", body: Webhook.DeliveryList } },
  refusals: [noSuchEndpoint],
});

const replayWebhookDelivery = describeRoute({
  operationId: "replayWebhookDelivery",
  tag: "Webhooks",
  summary: "Send a delivery again",
  description:
    "Makes the delivery pending and due at once, with a fresh 24 hours of retries. It is sent with the same body " +
    "and the same `webhook-id`, so a receiver that has it already can drop it.",
  pathParameters: { ...endpointId, deliveryId: "The delivery's id." },
  responses: { 202: { description: "Queued; the dispatcher sends it within a minute.", body: Webhook.Delivery } },
  refusals: [
    noSuchEndpoint,
    { status: 404, code: "not_found", when: "the endpoint has no such delivery, or it has expired (after 30 days)" },
  ],
});

export const webhooks = new Hono<ApiEnv>()
  .use(allow(["notices:write", "notices:review"]))
  .post("/", registerWebhook, jsonInput(Webhook.RegisterInput), async (c) => {
    const review = c.get("principal")!.scopes.includes("notices:review");
    const { endpoint, secret } = await Webhook.register(keyId(c), c.req.valid("json"), { review });
    return c.json({ ...endpoint, secret } satisfies Webhook.Created, 201);
  })
  .get("/", listWebhooks, async (c) => c.json({ webhooks: await Webhook.list(keyId(c)) } satisfies Webhook.List))
  .delete("/:id", deleteWebhook, async (c) => {
    await Webhook.remove(keyId(c), c.req.param("id"));
    return c.body(null, 204);
  })
  .get("/:id/deliveries", listWebhookDeliveries, async (c) =>
    c.json({ deliveries: await Webhook.deliveries(keyId(c), c.req.param("id")) } satisfies Webhook.DeliveryList),
  )
  .post("/:id/deliveries/:deliveryId/replay", replayWebhookDelivery, async (c) => {
    const { id, deliveryId } = c.req.param();
    return c.json((await Webhook.replay(keyId(c), id, deliveryId)) satisfies Webhook.Delivery, 202);
  });
