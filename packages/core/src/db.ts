/**
 * What the modules not yet moved to the storage layer (store.ts) still call;
 * it goes once they use it. Batching, retries and sizes are the layer's.
 */
import { QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "./aws/dynamo";
import * as Store from "./store";
import * as Table from "./table";

type Key = { pk: string; sk: string };
type Item = Record<string, unknown>;

export const getMany = (keys: Key[], consistent = false): Promise<Item[]> => Store.getMany(keys, { consistent });

export const putMany = (items: Item[]): Promise<void> => Store.putMany(items as (Item & Key)[]);

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

export const itemSize = Store.itemSize;

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
