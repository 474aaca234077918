/**
 * The few DynamoDB operations the aggregates share: batched gets that retry
 * what DynamoDB left unprocessed, paginated queries, and recognising a failed
 * condition.
 */
import { BatchGetCommand, QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "./aws/dynamo";
import * as Table from "./table";
import { chunk } from "./text";

type Key = { pk: string; sk: string };
type Item = Record<string, unknown>;

export async function getMany(keys: Key[], consistent = false): Promise<Item[]> {
  const unique = [...new Map(keys.map((key) => [key.pk + "\u0000" + key.sk, key])).values()];
  const found: Item[] = [];
  for (const batch of chunk(unique, 100)) {
    let pending: Key[] = batch;
    for (let attempt = 0; pending.length; attempt++) {
      if (attempt) await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 25));
      const result = await dynamo().send(
        new BatchGetCommand({
          RequestItems: { [Table.name()]: { Keys: pending, ConsistentRead: consistent } },
        }),
      );
      found.push(...(result.Responses?.[Table.name()] ?? []));
      pending = (result.UnprocessedKeys?.[Table.name()]?.Keys as Key[] | undefined) ?? [];
    }
  }
  return found;
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

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}
