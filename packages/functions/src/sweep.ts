import type { ScheduledEvent } from "aws-lambda";
import * as CounterNotice from "@takedown/core/counter-notice";
import * as Dispatch from "@takedown/core/dispatch";
import { Config, configure } from "@takedown/core/config";
import { traced } from "./traced";

// At init, before the first event: the settings and the links SST gave this function.
configure(Config.fromEnv(process.env));

/**
 * Every minute: what the stream missed or a failed send rescheduled, and
 * notices whose worker died holding the lease, once that lease has run out;
 * then the counter-notice windows that closed (one query when none did).
 */
async function run(_event: ScheduledEvent): Promise<{ processed: number; windowsClosed: number }> {
  const processed = await Dispatch.sweep();
  return { processed, windowsClosed: await CounterNotice.dueRun() };
}

export const handler = traced(run);
