/**
 * Section 4b of the bench measures the desk with dynalite in a process of its
 * own. If the desk stayed on this process's engine, or stayed on the other
 * after, the section would repeat section 4 under another name, or every
 * section after it would measure the wrong engine.
 */
import { config, Table } from "@takedown/core";
import { dynamo } from "@takedown/core/aws/dynamo";
import { expect, it } from "vitest";
import { withDynamoApart } from "../../bench/engines";

const marker = { ...Table.key.notice("bench-apart-marker"), note: "written apart" };

it("runs the measurement on a dynalite of another process, then puts the desk back on its own", async () => {
  const suite = config();
  const apart = await withDynamoApart("bench-apart-test", async () => {
    await dynamo().send("PutItem", { TableName: Table.name(), Item: marker });
    const { Item } = await dynamo().send("GetItem", {
      TableName: Table.name(),
      Key: Table.key.notice("bench-apart-marker"),
    });
    return { endpoint: config().dynamoEndpoint, table: Table.name(), read: Item };
  });
  expect(apart).toMatchObject({ table: "bench-apart-test", read: marker });
  expect(apart.endpoint).not.toBe(suite.dynamoEndpoint);
  expect(config()).toBe(suite);
  // The other process is gone with its data: nothing answers where it listened.
  await expect(fetch(apart.endpoint!)).rejects.toThrow();
});
