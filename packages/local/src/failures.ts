/**
 * `npm run failures -- --stage production [--replay]`: what the jobs gave up
 * on, from the stage's JobFailures queue on AWS (the environment's
 * credentials and region), and, with --replay, doing it again: each failed
 * SES event is handed to the mail events handler once more, then the sweep
 * runs once (it takes every notice still due, those of failed stream batches
 * and sweeps included). Messages are deleted only after their replay worked;
 * the rest reappear in the queue after two minutes.
 */
import { InvokeCommand, LambdaClient, paginateListFunctions } from "@aws-sdk/client-lambda";
import {
  DeleteMessageBatchCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from "@aws-sdk/client-sqs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

/** What Lambda records when it gives up: a stream batch's bounds, or an async invocation and its error. */
export type FailureRecord = {
  timestamp?: string;
  requestContext?: { functionArn?: string; condition?: string; approximateInvokeCount?: number };
  responsePayload?: { errorType?: string; errorMessage?: string } | null;
  requestPayload?: unknown;
  DDBStreamBatchInfo?: { batchSize?: number; startSequenceNumber?: string; endSequenceNumber?: string };
};

export type Failure = { at: string; functionName: string; what: string; replay?: unknown };

/** One line's worth of a failure record, and the event to invoke again if it was an async invocation. */
export function describeFailure(record: FailureRecord): Failure {
  const functionName = record.requestContext?.functionArn?.split(":")[6] ?? "unknown function";
  const condition = record.requestContext?.condition ?? "failed";
  const batch = record.DDBStreamBatchInfo;
  if (batch) {
    const what = `stream batch of ${batch.batchSize} record(s), sequence ${batch.startSequenceNumber}–${batch.endSequenceNumber}: ${condition}`;
    return { at: record.timestamp ?? "", functionName, what };
  }
  const error = record.responsePayload
    ? `${record.responsePayload.errorType}: ${record.responsePayload.errorMessage}`
    : "no answer";
  return {
    at: record.timestamp ?? "",
    functionName,
    what: `${condition} after ${record.requestContext?.approximateInvokeCount ?? "?"} attempt(s), ${error}`,
    replay: record.requestPayload,
  };
}

async function functionNamed(lambda: LambdaClient, prefix: string): Promise<string> {
  for await (const page of paginateListFunctions({ client: lambda }, {})) {
    const found = page.Functions?.find((f) => f.FunctionName?.startsWith(prefix));
    if (found) return found.FunctionName!;
  }
  throw new Error(`No function named ${prefix}… in this account and region.`);
}

async function invoke(lambda: LambdaClient, name: string, payload: unknown): Promise<void> {
  const result = await lambda.send(
    new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(payload)) }),
  );
  if (result.FunctionError) throw new Error(`${name} failed again: ${Buffer.from(result.Payload ?? []).toString()}`);
}

async function main() {
  const { values } = parseArgs({
    options: { stage: { type: "string", default: "production" }, replay: { type: "boolean" } },
  });
  const app = `takedown-desk-${values.stage}`;
  const sqs = new SQSClient({});
  const lambda = new LambdaClient({});
  const { QueueUrls } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: `${app}-JobFailures` }));
  const queue = QueueUrls?.[0];
  if (!queue) throw new Error(`No JobFailures queue for the stage ${values.stage} in this account and region.`);

  const messages: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 120,
        WaitTimeSeconds: 1,
      }),
    );
    if (!Messages.length || messages.length >= 500) break;
    messages.push(...Messages);
  }
  const failures = messages.map((m) => ({ message: m, failure: describeFailure(JSON.parse(m.Body ?? "{}")) }));
  for (const { failure } of failures) console.log(`${failure.at}  ${failure.functionName}  ${failure.what}`);
  console.log(`${failures.length} failure(s) in ${queue}`);
  if (!values.replay || !failures.length) return;

  // A failed SES event is that event, to hand over again; a failed sweep or stream batch left its notices due.
  const sweeper = await functionNamed(lambda, `${app}-SweeperFunction`);
  for (const { failure } of failures) {
    if (failure.replay !== undefined && failure.functionName !== sweeper)
      await invoke(lambda, failure.functionName, failure.replay);
  }
  await invoke(lambda, sweeper, {
    source: "aws.events",
    "detail-type": "Scheduled Event",
    time: new Date().toISOString(),
    detail: {},
  });
  for (let i = 0; i < messages.length; i += 10) {
    const batch = messages.slice(i, i + 10).map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle! }));
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queue, Entries: batch }));
  }
  console.log(`Replayed ${messages.length} failure(s); the sweep ran once.`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
