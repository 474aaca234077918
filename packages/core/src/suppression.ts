/**
 * "Now and in the future": a rule left by an approved notice that hides
 * whatever a source, or one author at a source, publishes later. Rules are
 * read by key, with a consistent read, at every ingest.
 */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "./aws/dynamo";
import * as Db from "./db";
import * as Table from "./table";

export type Rule = {
  id: string;
  kind: "source" | "author";
  sourceDomain: string;
  authorKey?: string;
  /** Every approved notice that asked for this rule. */
  notices: string[];
};

export function ruleId(sourceDomain: string, authorKey?: string): string {
  return authorKey ? `author:${sourceDomain}/${authorKey}` : `source:${sourceDomain}`;
}

function keyOf(sourceDomain: string, authorKey?: string) {
  return authorKey
    ? Table.key.authorRule(sourceDomain, authorKey)
    : Table.key.sourceRule(sourceDomain);
}

export async function create(
  sourceDomain: string,
  authorKey: string | undefined,
  notice: string,
  now = new Date(),
): Promise<string> {
  const id = ruleId(sourceDomain, authorKey);
  await dynamo().send(
    new UpdateCommand({
      TableName: Table.name(),
      Key: keyOf(sourceDomain, authorKey),
      UpdateExpression:
        "ADD notices :notice SET id = :id, kind = :kind, sourceDomain = :source, createdAt = if_not_exists(createdAt, :now)" +
        (authorKey ? ", authorKey = :author" : ""),
      ExpressionAttributeValues: {
        ":notice": new Set([notice]),
        ":id": id,
        ":kind": authorKey ? "author" : "source",
        ":source": sourceDomain,
        ":now": now.toISOString(),
        ...(authorKey ? { ":author": authorKey } : {}),
      },
    }),
  );
  return id;
}

/** The rule that covers an article, the source-wide one first. */
export async function matching(sourceDomain: string, authorKey: string): Promise<Rule | undefined> {
  const items = await Db.getMany(
    [keyOf(sourceDomain), keyOf(sourceDomain, authorKey)],
    true,
  );
  const rules = items.map((item) => ({
    id: item.id as string,
    kind: item.kind as Rule["kind"],
    sourceDomain: item.sourceDomain as string,
    authorKey: item.authorKey as string | undefined,
    notices: [...(item.notices as Set<string>)].sort(),
  }));
  return rules.find((rule) => rule.kind === "source") ?? rules[0];
}
