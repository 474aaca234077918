/**
 * /api/v1/webhooks: a key's endpoints for status-change events, and their
 * deliveries. A key reaches only its own endpoints; core builds every key
 * from the caller's id, so another key's endpoint is simply not there (404).
 */
import { Webhook } from "@takedown/core";
import { Hono, type Context } from "hono";
import type * as Answers from "../api-schemas";
import { allow, type ApiEnv } from "../auth";
import { jsonInput } from "../middleware";

/** Every route here is behind `allow`, so there is a key. */
const keyId = (c: Context<ApiEnv>) => c.get("principal")!.id;

export const webhooks = new Hono<ApiEnv>()
  .use(allow("notices:write"))
  .post("/", jsonInput<Webhook.RegisterInput>(), async (c) => {
    const { endpoint, secret } = await Webhook.register(keyId(c), c.req.valid("json"));
    return c.json({ ...endpoint, secret } satisfies Answers.WebhookCreated, 201);
  })
  .get("/", async (c) => c.json({ webhooks: await Webhook.list(keyId(c)) } satisfies Answers.WebhookList))
  .delete("/:id", async (c) => {
    await Webhook.remove(keyId(c), c.req.param("id"));
    return c.body(null, 204);
  })
  .get("/:id/deliveries", async (c) =>
    c.json({ deliveries: await Webhook.deliveries(keyId(c), c.req.param("id")) } satisfies Answers.WebhookDeliveryList),
  )
  .post("/:id/deliveries/:deliveryId/replay", async (c) => {
    const { id, deliveryId } = c.req.param();
    return c.json((await Webhook.replay(keyId(c), id, deliveryId)) satisfies Answers.WebhookDelivery, 202);
  });
