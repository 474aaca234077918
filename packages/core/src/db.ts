/**
 * The few DynamoDB operations the aggregates share: batched gets that retry
 * what DynamoDB left unprocessed, paginated queries, an item's size, and
 * conditional writes whose condition may fail.
 */
import { BatchGetCommand, BatchWriteCommand, QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "./aws/dynamo";
import * as Table from "./table";
import { chunk, mapLimit } from "./batch";

type Key = { pk: string; sk: string };
type Item = Record<string, unknown>;

/** Up to 100 keys a call, a few calls at a time (a 1,000-URL notice reads 1,000 articles). */
export async function getMany(keys: Key[], consistent = false): Promise<Item[]> {
  const unique = [...new Map(keys.map((key) => [key.pk + "\u0000" + key.sk, key])).values()];
  const found: Item[] = [];
  await mapLimit(chunk(unique, 100), 4, (batch) =>
    untilProcessed(batch, async (Keys) => {
      const result = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [Table.name()]: { Keys, ConsistentRead: consistent } } }),
      );
      found.push(...(result.Responses?.[Table.name()] ?? []));
      return (result.UnprocessedKeys?.[Table.name()]?.Keys as Key[] | undefined) ?? [];
    }),
  );
  return found;
}

/** Sends a batch again, backing off, until DynamoDB has processed every part of it. */
async function untilProcessed<T>(batch: T[], send: (pending: T[]) => Promise<T[]>): Promise<void> {
  let pending = batch;
  for (let attempt = 0; pending.length; attempt++) {
    if (attempt) await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 25));
    pending = await send(pending);
  }
}

/** Puts items 25 a call (BatchWriteItem's limit). */
export async function putMany(items: Item[]): Promise<void> {
  type Request = { PutRequest: { Item: Item } };
  await mapLimit(chunk(items, 25), 4, (batch) =>
    untilProcessed(
      batch.map((Item): Request => ({ PutRequest: { Item } })),
      async (pending) => {
        const result = await dynamo().send(new BatchWriteCommand({ RequestItems: { [Table.name()]: pending } }));
        return (result.UnprocessedItems?.[Table.name()] as Request[] | undefined) ?? [];
      },
    ),
  );
}

export async function queryAll(input: Omit<QueryCommandInput, "TableName">): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({ ...input, TableName: Table.name(), ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * An item's size as DynamoDB counts it against its 400 KB limit: names and
 * strings in UTF-8 bytes, numbers by their digits, 3 bytes per list or map
 * plus 1 per element. Close enough to refuse an item before the write fails.
 */
export function itemSize(item: Item): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);
}

function valueSize(value: unknown): number {
  if (typeof value === "string") return Buffer.byteLength(value);
  if (typeof value === "number") return Math.ceil(String(value).replace(/^-|\.|e.*$/g, "").length / 2) + 1;
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + valueSize(v), 0);
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + 1 + valueSize(v), 3);
  if (value && typeof value === "object") {
    return Object.entries(value).reduce((sum, [name, v]) => sum + 1 + Buffer.byteLength(name) + valueSize(v), 3);
  }
  return 1;
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}

/** A conditional write's answer, or undefined when its condition did not hold. */
export async function conditional<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}
