import { handlers } from "../packages/functions/handlers";
import { siteUrl } from "./api";
import { mailEvents } from "./email";
import { failures, park } from "./jobs";
import { lambda, readWriteItems, settings } from "./runtime";

/**
 * SES's events about mail it took (bounces, complaints, rejects, delays),
 * from the configuration set through SNS to a function that stops the desk
 * mailing addresses that cannot or will not take mail.
 */
export const mailEventHandler = new sst.aws.Function("MailEventHandler", {
  ...lambda(handlers.mailEvents, siteUrl, { link: settings.mailEvents, permissions: [readWriteItems, park] }),
  timeout: "30 seconds",
  // SNS invokes asynchronously; what still fails after Lambda's two retries is parked with the jobs' failures.
  retries: 2,
  transform: { eventInvokeConfig: { destinationConfig: { onFailure: { destination: failures.arn } } } },
});

mailEvents.subscribe("MailEventHandler", mailEventHandler.arn);
