import { handlers } from "../packages/functions/handlers";
import { streamFilter } from "../packages/functions/src/due";
import { distribution, siteUrl } from "./api";
import { lambda, readWriteItems, sendMail, settings, writeBatches } from "./runtime";
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
export const park: sst.aws.FunctionPermissionArgs = { actions: ["sqs:SendMessage"], resources: [failures.arn] };

/** The CDN the jobs tell to forget hidden and restored articles, and nothing else. */
const cdnLink = new sst.Linkable("Cdn", { properties: { distributionId: distribution.id } });
const invalidate: sst.aws.FunctionPermissionArgs = {
  actions: ["cloudfront:CreateInvalidation"],
  resources: [distribution.arn],
};

/** What the jobs may do: the notices' items, send mail as the desk, invalidate the CDN, park failures. */
const jobs = (handler: string, extra: sst.aws.FunctionPermissionArgs[] = []) =>
  lambda(handler, siteUrl, {
    link: [...settings.jobs, cdnLink],
    permissions: [readWriteItems, writeBatches, ...sendMail, invalidate, park, ...extra],
  });

// Declared apart from their triggers so that their names (and log groups) stay readable.
export const dispatcher = new sst.aws.Function("Dispatcher", {
  ...jobs(handlers.dispatch, [
    // Lambda reads the stream with the function's role; only linking the table used to grant this, through dynamodb:*.
    {
      actions: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"],
      resources: [table.nodes.table.streamArn],
    },
  ]),
  timeout: "30 seconds",
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

/**
 * A function run on a schedule, with EventBridge's own scheduled event
 * (rather than SST's constant `{}`). A run that fails is not retried (the
 * next run is the retry) and is recorded in the failure queue.
 */
function scheduled(name: { fn: string; cron: string }, schedule: `rate(${string})`, args: sst.aws.FunctionArgs) {
  const fn = new sst.aws.Function(name.fn, {
    ...args,
    retries: 0,
    transform: { eventInvokeConfig: { destinationConfig: { onFailure: { destination: failures.arn } } } },
  });
  new sst.aws.Cron(name.cron, { schedule, function: fn, transform: { target: (target) => void delete target.input } });
  return fn;
}

export const sweeper = scheduled({ fn: "Sweeper", cron: "Sweep" }, "rate(1 minute)", {
  ...jobs(handlers.sweep),
  timeout: "50 seconds",
});

/**
 * Reads the sources' feeds and ingests what is new (docs/feeds.md). Each
 * feed says when it is next due (FEED_POLL_SECONDS, its ttl, its backoff),
 * so a run every five minutes reads only those; it mails nobody and
 * invalidates nothing: a new article reaches the listings' next render.
 */
export const poller = scheduled({ fn: "Poller", cron: "Poll" }, "rate(5 minutes)", {
  ...lambda(handlers.poll, siteUrl, { link: settings.poll, permissions: [readWriteItems, park] }),
  timeout: "60 seconds",
});

/**
 * The operators' digest (notices past REVIEW_SLA_HOURS, counter-notices due),
 * once a day; `npm run digest` sends the same at once. It sends mail itself,
 * so it runs as a job.
 */
export const digester = scheduled({ fn: "Digester", cron: "Digest" }, "rate(1 day)", {
  ...jobs(handlers.digest),
  timeout: "60 seconds",
});
