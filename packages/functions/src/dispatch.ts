import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { Dispatch } from "@takedown/core";
import { dueNotice } from "./due";
import { traced } from "./traced";

/**
 * The table's stream: delivers each changed notice's queued mail. Records of
 * a notice that could not be processed are reported back, so Lambda retries
 * (and bisects) from there instead of failing the whole batch.
 */
async function run(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const now = new Date();
  const records = event.Records.flatMap((record) => {
    const id = dueNotice(record, now);
    return id ? [{ id, sequence: record.dynamodb!.SequenceNumber! }] : [];
  });
  const failed = new Set<string>();
  await Promise.all(
    [...new Set(records.map((r) => r.id))].map((id) =>
      Dispatch.process(id, now).catch((error: unknown) => {
        console.error(JSON.stringify({ level: "error", msg: "dispatch failed", notice: id, name: (error as Error).name }));
        failed.add(id);
      }),
    ),
  );
  return {
    batchItemFailures: records.filter((r) => failed.has(r.id)).map((r) => ({ itemIdentifier: r.sequence })),
  };
}

export const handler = traced(run);
