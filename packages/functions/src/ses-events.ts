import * as Bounce from "@takedown/core/bounce";
import { Config, configure } from "@takedown/core/config";
import { traced } from "./traced";

// At init, before the first event: the settings and the links SST gave this function.
configure(Config.fromEnv(process.env));

/**
 * SES's bounce and complaint events, through the configuration set's SNS
 * topic (stacks/mail-events.ts): the desk stops mailing those addresses and
 * records it on the notice.
 */
export const handler = traced((event: Bounce.SnsEvent) => Bounce.recordSns(event));
