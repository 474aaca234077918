import type { ScheduledEvent } from "aws-lambda";
import * as Poll from "@takedown/core/poll";
import { Config, configure } from "@takedown/core/config";

// At init, before the first event: the settings and the links SST gave this function.
configure(Config.fromEnv(process.env));

/** On a schedule (FEED_POLL_SECONDS apart at most): reads every feed that is due. */
export async function handler(_event: ScheduledEvent): Promise<{ feeds: number; failed: number; fresh: number }> {
  const results = await Poll.run();
  return {
    feeds: results.length,
    failed: results.filter((result) => !result.ok).length,
    fresh: results.reduce((sum, result) => sum + result.fresh, 0),
  };
}
