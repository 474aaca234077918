import { Bounce } from "@takedown/core";

/** SES bounce and complaint events, through SNS: the desk stops mailing those addresses and records it on the notice. */
export const handler = (event: Bounce.SnsEvent) => Bounce.recordSns(event);
