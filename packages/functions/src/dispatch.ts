import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import * as Dispatch from "@takedown/core/dispatch";
import { Config, configure } from "@takedown/core/config";
import { dueNotice, dueSignIn } from "./due";
import { traced } from "./traced";

// At init, before the first event: the settings and the links SST gave this function.
configure(Config.fromEnv(process.env));

/**
 * The table's stream: delivers each changed notice's queued mail. Records of
 * a notice whose work is not done are reported back, so Lambda retries (and
 * bisects) from there and, once its retries run out, parks them in the
 * failure queue: a run that failed, and a notice whose lease another worker
 * still holds (a worker that died holding it looks just like that).
 */
async function run(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const now = new Date();
  const records = event.Records.flatMap((record) => {
    const id = dueNotice(record, now);
    return id ? [{ id, sequence: record.dynamodb!.SequenceNumber! }] : [];
  });
  // A sign-in link that fails to leave stays due for the sweep: nothing to report back.
  const signIns = [...new Set(event.Records.flatMap((record) => dueSignIn(record, now) ?? []))];
  const failed = new Set<string>();
  await Promise.all([
    ...[...new Set(records.map((r) => r.id))].map(async (id) => {
      if ((await Dispatch.run(id, now)) !== "done") failed.add(id);
    }),
    ...signIns.map((id) => Dispatch.sendSignIn(id, now).catch(() => undefined)),
  ]);
  return {
    batchItemFailures: records.filter((r) => failed.has(r.id)).map((r) => ({ itemIdentifier: r.sequence })),
  };
}

export const handler = traced(run);
