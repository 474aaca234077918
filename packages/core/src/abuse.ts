/**
 * DSA Art. 23: operators may reject a notice as manifestly unfounded, and a
 * requester who does that often is flagged on every later notice they file,
 * so the operator deciding it knows. One item per requester email holds the
 * ids of their notices rejected as unfounded: adding an id to a set is
 * idempotent, so the dispatcher may record a rejection more than once.
 */
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "./aws/dynamo";
import * as Table from "./table";

/** From this many notices rejected as unfounded, a requester's notices carry a warning. */
export const FLAG_AFTER = 2;

export type Standing = { unfounded: number; flagged: boolean };

export async function recordUnfounded(email: string, notice: string, now = new Date()): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: Table.name(),
      Key: Table.key.requester(email),
      UpdateExpression: "ADD unfounded :notice SET #type = :type, updatedAt = :now",
      ExpressionAttributeNames: { "#type": "type" },
      ExpressionAttributeValues: { ":notice": new Set([notice]), ":type": "requester", ":now": now.toISOString() },
    }),
  );
}

export async function standing(email: string): Promise<Standing> {
  const result = await dynamo().send(
    new GetCommand({ TableName: Table.name(), Key: Table.key.requester(email), ProjectionExpression: "unfounded" }),
  );
  const unfounded = (result.Item?.unfounded as Set<string> | undefined)?.size ?? 0;
  return { unfounded, flagged: unfounded >= FLAG_AFTER };
}
