/**
 * A webhook's secret is shown once, in the answer to registering it. Kept for
 * Idempotency-Key replays, that answer must not sit in the table in clear.
 */
import { Table } from "@takedown/core";
import { dynamo } from "../../packages/core/src/aws/dynamo";
import { describe, expect, it } from "vitest";
import { call, newKey } from "../support/api";
import { unique } from "../support/fixtures";

describe("a stored answer that shows a secret", () => {
  it("replays the secret to a retry, yet the table holds it only sealed", async () => {
    const key = await newKey();
    const headers = { "Idempotency-Key": `hook-${unique()}` };
    const body = { url: "https://hooks.rights.example/takedowns" };
    const first = await call("POST", "/webhooks", { key: key.secret, body, headers });
    expect(first.status).toBe(201);
    const { secret } = (await first.json()) as { secret: string };
    expect(secret).toMatch(/^whsec_/);

    const retry = await call("POST", "/webhooks", { key: key.secret, body, headers });
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(((await retry.json()) as { secret: string }).secret).toBe(secret);

    // A test table of its own: reading all of it is reading what a leaked copy would show.
    const { Items } = await dynamo().send("Scan", { TableName: Table.name() });
    expect(JSON.stringify(Items)).not.toContain(secret.slice("whsec_".length));
  });
});
