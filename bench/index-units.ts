/**
 * The write units a table write costs in the global secondary indexes,
 * which dynalite leaves out of ConsumedCapacity. Worked out as DynamoDB
 * bills them, from the item as it was before the write and as it is after:
 * entering an index is one write of the projected item, leaving it one
 * delete, a changed index key both; a change to projected attributes alone
 * one write; anything else nothing. Each rounded up to a KB.
 */
import { BatchGetCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { config, Table } from "@takedown/core";
import { itemSize } from "../packages/core/src/store";
import type { Call } from "../tests/support/dynamo-calls";

type Item = Record<string, unknown>;
type Key = { pk: string; sk: string };

const keyOf = (item: Item): Key => ({ pk: String(item.pk), sk: String(item.sk) });

/** The items a write call touches, by key; none for reads. */
export function writtenKeys(call: Call): Key[] {
  const { input } = call;
  switch (call.command) {
    case "PutItemCommand":
      return [keyOf(input.Item)];
    case "UpdateItemCommand":
    case "DeleteItemCommand":
      return [keyOf(input.Key)];
    case "BatchWriteItemCommand":
      return Object.values(
        input.RequestItems as Record<string, { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]>,
      )
        .flat()
        .map((request) => keyOf(request.PutRequest?.Item ?? request.DeleteRequest!.Key));
    default:
      return [];
  }
}

/** What one index holds of an item, or undefined when the item is not in it. */
function projected(
  index: (typeof Table.definition.globalIndexes)[Table.IndexName],
  item: Item | undefined,
): Item | undefined {
  if (!item || item[index.hashKey] === undefined || item[index.rangeKey] === undefined) return undefined;
  const names = [
    "pk",
    "sk",
    index.hashKey,
    index.rangeKey,
    ...(index.projection === "keys-only" ? [] : index.projection),
  ];
  return Object.fromEntries(names.filter((name) => item[name] !== undefined).map((name) => [name, item[name]]));
}

const canonical = (item: Item) =>
  JSON.stringify(
    Object.keys(item)
      .sort()
      .map((name) => [name, item[name] instanceof Set ? [...(item[name] as Set<unknown>)].sort() : item[name]]),
  );

const kb = (item: Item) => Math.max(1, Math.ceil(itemSize(item) / 1024));

/** Index write units, by index, that turning `before` into `after` costs. */
export function indexUnits(before: Item | undefined, after: Item | undefined): Record<string, number> {
  const units: Record<string, number> = {};
  for (const [name, index] of Object.entries(Table.definition.globalIndexes)) {
    const [was, is] = [projected(index, before), projected(index, after)];
    let cost = 0;
    if (was && is) {
      const moved = was[index.hashKey] !== is[index.hashKey] || was[index.rangeKey] !== is[index.rangeKey];
      cost = moved ? kb(was) + kb(is) : canonical(was) === canonical(is) ? 0 : kb(is);
    } else if (was || is) {
      cost = kb((was ?? is)!);
    }
    if (cost) units[name] = cost;
  }
  return units;
}

let reader: DynamoDBDocumentClient | undefined;

/** The items at these keys, read consistently by a client of its own (its calls are not counted). */
export async function snapshot(keys: Key[]): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  if (!keys.length) return found;
  reader ??= DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: config().dynamoEndpoint,
      region: config().region,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    }),
  );
  const unique = [...new Map(keys.map((key) => [`${key.pk}\u0000${key.sk}`, key])).values()];
  for (let i = 0; i < unique.length; i += 100) {
    let pending: Key[] = unique.slice(i, i + 100);
    while (pending.length) {
      const result = await reader.send(
        new BatchGetCommand({ RequestItems: { [Table.name()]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of result.Responses?.[Table.name()] ?? []) found.set(`${item.pk}\u0000${item.sk}`, item);
      pending = (result.UnprocessedKeys?.[Table.name()]?.Keys as Key[] | undefined) ?? [];
    }
  }
  return found;
}

export const keyText = (key: Key) => `${key.pk}\u0000${key.sk}`;
