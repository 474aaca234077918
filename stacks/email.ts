import { mailSender } from "./secrets";

/**
 * The sender identity. Its configuration set is the identity's default, so
 * every message the functions send is tracked without naming it in code.
 * DNS is left to the operator (docs/deploy.md): the domain may live anywhere.
 */
const defaultBus = aws.cloudwatch.getEventBusOutput({ name: "default" });

/** What SES reports of our mail after sending it, for the desk to act on (stacks/mail-events.ts). */
export const mailEvents = new sst.aws.SnsTopic("MailEvents");

/** The event types the desk acts on: addresses that will never take mail, and mail that is stuck. */
export const MAIL_EVENT_TYPES = ["bounce", "complaint", "reject", "delivery-delay", "rendering-failure"] as const;

export const mailbox = new sst.aws.Email("Mailbox", {
  sender: mailSender.value,
  dns: false,
  events: [
    { name: "Feedback", types: ["bounce", "complaint"], bus: defaultBus.arn },
    { name: "Desk", types: [...MAIL_EVENT_TYPES], topic: mailEvents.arn },
  ],
});

// SES publishes to the topic only for this account's configuration set.
new aws.sns.TopicPolicy("MailEvents", {
  arn: mailEvents.arn,
  policy: $jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "ses.amazonaws.com" },
        Action: "sns:Publish",
        Resource: mailEvents.arn,
        Condition: {
          StringEquals: { "aws:SourceAccount": aws.getCallerIdentityOutput().accountId },
          ArnLike: { "aws:SourceArn": mailbox.nodes.configurationSet.arn },
        },
      },
    ],
  }),
});

/** Bounces and complaints, kept for a year where an operator can query them. */
export const feedbackLog = new aws.cloudwatch.LogGroup("MailFeedback", {
  name: `/aws/events/${$app.name}/${$app.stage}/mail-feedback`,
  retentionInDays: 365,
});

const feedbackRule = new aws.cloudwatch.EventRule("MailFeedback", {
  description: "SES bounces and complaints of Takedown Desk's mail",
  eventPattern: $jsonStringify({
    source: ["aws.ses"],
    "detail-type": ["Email Bounced", "Email Complaint Received"],
    detail: { mail: { tags: { "ses:configuration-set": [mailbox.configSet] } } },
  }),
});

new aws.cloudwatch.EventTarget("MailFeedback", { rule: feedbackRule.name, arn: feedbackLog.arn });

// EventBridge may write to a log group only where the log group's account says so.
new aws.cloudwatch.LogResourcePolicy("MailFeedback", {
  policyName: `${$app.name}-${$app.stage}-mail-feedback`,
  policyDocument: $jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] },
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: $interpolate`${feedbackLog.arn}:*`,
      },
    ],
  }),
});
