import { handlers } from "../packages/functions/handlers";
import { streamFilter } from "../packages/functions/src/due";
import { siteUrl } from "./api";
import { lambda } from "./runtime";
import { table } from "./storage";

/**
 * Mail leaves here, never from a web request: the table's stream hands each
 * changed notice to the dispatcher, and a sweep every minute picks up what
 * the stream missed or a failure postponed. Both finish within the 60 s lease
 * a worker takes on a notice (packages/core/src/dispatch.ts).
 */

/** Batches the stream gave up on and failed sweeps, kept 14 days (the SQS maximum) for an operator. */
export const failures = new sst.aws.Queue("JobFailures", {
  transform: { queue: { messageRetentionSeconds: 14 * 24 * 60 * 60 } },
});
const park = { actions: ["sqs:SendMessage"], resources: [failures.arn] };

// Declared apart from their triggers so that their names (and log groups) stay readable.
export const dispatcher = new sst.aws.Function("Dispatcher", {
  ...lambda(handlers.dispatch, siteUrl),
  timeout: "30 seconds",
  permissions: [park],
});

table.subscribe("Dispatcher", dispatcher.arn, {
  filters: [streamFilter],
  transform: {
    eventSourceMapping: {
      batchSize: 10,
      // The handler names the records that failed; Lambda splits and retries from there.
      functionResponseTypes: ["ReportBatchItemFailures"],
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 3,
      destinationConfig: { onFailure: { destinationArn: failures.arn } },
    },
  },
});

export const sweeper = new sst.aws.Function("Sweeper", {
  ...lambda(handlers.sweep, siteUrl),
  timeout: "50 seconds",
  // The next minute's sweep is the retry.
  retries: 0,
  permissions: [park],
  transform: { eventInvokeConfig: { destinationConfig: { onFailure: { destination: failures.arn } } } },
});

new sst.aws.Cron("Sweep", {
  schedule: "rate(1 minute)",
  function: sweeper,
  // EventBridge's own scheduled event, rather than SST's constant `{}`.
  transform: { target: (args) => void delete args.input },
});
