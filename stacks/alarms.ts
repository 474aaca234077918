import { createHash } from "node:crypto";
import { NAMESPACE } from "../packages/core/src/metrics";
import { api } from "./api";
import { failures, dispatcher, sweeper } from "./jobs";
import { mailEventHandler } from "./mail-events";
import { alarmEmail, operatorEmails } from "./secrets";

/**
 * Someone is told when the desk stops doing its job. Every alarm goes to one
 * SNS topic, which mails AlarmEmail (or, unset, the operators); each is
 * explained, with what to do, in docs/deploy.md ("When an alarm goes off").
 */
export const alarms = new sst.aws.SnsTopic("Alarms");

$resolve([alarmEmail.value, operatorEmails.value]).apply(([alarm, operators]) => {
  const to = (alarm || operators)
    .split(",")
    .map((address) => address.trim())
    .filter(Boolean);
  for (const address of new Set(to)) {
    // Named by the address, so that adding one does not re-create the others (each must confirm by mail).
    const id = createHash("sha256").update(address.toLowerCase()).digest("hex").slice(0, 10);
    new aws.sns.TopicSubscription(`AlarmTo${id}`, { topic: alarms.arn, protocol: "email", endpoint: address });
  }
});

type Alarm = {
  description: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, $util.Input<string>>;
  statistic: "Sum" | "Maximum";
  threshold: number;
  /** Seconds per period, and how many periods in a row must breach. */
  period: number;
  periods?: number;
};

function alarm(name: string, { periods = 1, ...spec }: Alarm) {
  return new aws.cloudwatch.MetricAlarm(name, {
    alarmDescription: `${spec.description} See docs/deploy.md, "When an alarm goes off": ${name}.`,
    namespace: spec.namespace,
    metricName: spec.metricName,
    dimensions: spec.dimensions,
    statistic: spec.statistic,
    period: spec.period,
    evaluationPeriods: periods,
    datapointsToAlarm: periods,
    threshold: spec.threshold,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    // No data is a quiet desk, not a broken one.
    treatMissingData: "notBreaching",
    alarmActions: [alarms.arn],
    okActions: [alarms.arn],
  });
}

const fn = (f: sst.aws.Function) => ({ FunctionName: f.nodes.function.name });

alarm("FailuresQueued", {
  description: "Work the jobs gave up on is waiting in the JobFailures queue.",
  namespace: "AWS/SQS",
  metricName: "ApproximateNumberOfMessagesVisible",
  dimensions: { QueueName: failures.nodes.queue.name },
  statistic: "Maximum",
  threshold: 1,
  period: 300,
});

alarm("DispatcherErrors", {
  description: "The dispatcher failed whole stream batches.",
  namespace: "AWS/Lambda",
  metricName: "Errors",
  dimensions: fn(dispatcher),
  statistic: "Sum",
  threshold: 1,
  period: 300,
});

alarm("SweepErrors", {
  description: "The sweep failed in three minutes out of five.",
  namespace: "AWS/Lambda",
  metricName: "Errors",
  dimensions: fn(sweeper),
  statistic: "Sum",
  threshold: 3,
  period: 300,
});

alarm("MailEventErrors", {
  description: "SES's bounce and complaint events are not being recorded.",
  namespace: "AWS/Lambda",
  metricName: "Errors",
  dimensions: fn(mailEventHandler),
  statistic: "Sum",
  threshold: 1,
  period: 300,
});

alarm("StreamBehind", {
  description: "The dispatcher is more than five minutes behind the table's stream.",
  namespace: "AWS/Lambda",
  metricName: "IteratorAge",
  dimensions: fn(dispatcher),
  statistic: "Maximum",
  threshold: 5 * 60 * 1000,
  period: 300,
});

alarm("SiteErrors", {
  description: "The site answered five or more requests with a server error (5xx) in five minutes.",
  namespace: "AWS/ApiGateway",
  metricName: "5xx",
  dimensions: { ApiId: api.nodes.api.id, Stage: "$default" },
  statistic: "Sum",
  threshold: 5,
  period: 300,
});

alarm("BounceRate", {
  description:
    "SES's bounce rate for the account is 5% or more; SES reviews the account at 5% and may pause sending at 10%.",
  namespace: "AWS/SES",
  metricName: "Reputation.BounceRate",
  dimensions: {},
  statistic: "Maximum",
  threshold: 0.05,
  period: 3600,
});

alarm("ComplaintRate", {
  description:
    "SES's complaint rate for the account is 0.1% or more; SES reviews the account at 0.1% and may pause sending at 0.5%.",
  namespace: "AWS/SES",
  metricName: "Reputation.ComplaintRate",
  dimensions: {},
  statistic: "Maximum",
  threshold: 0.001,
  period: 3600,
});

alarm("MailFailing", {
  description: "Sending mail has failed in every quarter hour for an hour.",
  namespace: NAMESPACE,
  metricName: "MailFailed",
  dimensions: { Stage: $app.stage },
  statistic: "Sum",
  threshold: 1,
  period: 900,
  periods: 4,
});
