import type { SNSEvent } from "aws-lambda";
import { Log } from "@takedown/core";
import { traced } from "./traced";

/**
 * SES's bounce, complaint, reject and delivery-delay events, through the
 * configuration set's SNS topic (stacks/mail-events.ts). Stand-in until the
 * handler of issue 9 replaces this file: it only logs what arrived.
 */
async function run(event: SNSEvent): Promise<void> {
  for (const record of event.Records) {
    const { eventType, notificationType } = JSON.parse(record.Sns.Message) as { eventType?: string; notificationType?: string };
    Log.info("mail.event", { type: eventType ?? notificationType });
  }
}

export const handler = traced(run);
