/**
 * Which stream records the dispatcher acts on: notices that are in the due
 * index and not leased. The same facts feed the event source mapping's
 * filter (stacks/jobs.ts), so Lambda is not even invoked for the rest.
 */
import type { DynamoDBRecord } from "aws-lambda";
import * as Table from "@takedown/core/table";

const NOTICE = Table.key.notice("").pk;
const SIGN_IN = Table.key.signIn("").pk;

export const streamFilter = {
  dynamodb: {
    NewImage: {
      // A console sign-in link is due the same way, so it is mailed at once rather than at the next sweep.
      pk: { S: [{ prefix: NOTICE }, { prefix: SIGN_IN }] },
      gsi2pk: { S: [Table.due.partition] },
      // A lease is a worker's own claim being written back to the stream.
      lease: { N: [{ exists: false }] },
    },
  },
};

/**
 * The notice whose work a record makes due now. A retry scheduled for later
 * is left to the sweep, so a failing send does not loop through the stream.
 */
export function dueNotice(record: DynamoDBRecord, now: Date): string | undefined {
  const image = record.dynamodb?.NewImage;
  if (!image?.pk?.S?.startsWith(NOTICE) || image.gsi2pk?.S !== Table.due.partition || image.lease) return;
  if ((image.gsi2sk?.S ?? "") > now.toISOString()) return;
  return image.id?.S;
}

/** The console sign-in request a record makes due now (Session), for the dispatcher to mail. */
export function dueSignIn(record: DynamoDBRecord, now: Date): string | undefined {
  const image = record.dynamodb?.NewImage;
  if (!image?.pk?.S?.startsWith(SIGN_IN) || image.gsi2pk?.S !== Table.due.partition) return;
  if ((image.gsi2sk?.S ?? "") > now.toISOString()) return;
  return image.id?.S;
}
