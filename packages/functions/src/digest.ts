import type { ScheduledEvent } from "aws-lambda";
import * as Digest from "@takedown/core/digest";
import { Config, configure } from "@takedown/core/config";
import { traced } from "./traced";

// At init, before the first event: the settings and the links SST gave this function.
configure(Config.fromEnv(process.env));

/** Once a day: the operators' digest, or nothing when there is nothing to say. */
async function run(_event: ScheduledEvent): Promise<{ sent: boolean }> {
  return { sent: Boolean(await Digest.send()) };
}

export const handler = traced(run);
