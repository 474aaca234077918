import { Bounce } from "@takedown/core";
import { traced } from "./traced";

/**
 * SES's bounce and complaint events, through the configuration set's SNS
 * topic (stacks/mail-events.ts): the desk stops mailing those addresses and
 * records it on the notice.
 */
export const handler = traced((event: Bounce.SnsEvent) => Bounce.recordSns(event));
