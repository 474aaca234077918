import type { ScheduledEvent } from "aws-lambda";
import { Dispatch } from "@takedown/core";
import { traced } from "./traced";

/**
 * Every minute: what the stream missed or a failed send rescheduled, and
 * notices whose worker died holding the lease, once that lease has run out.
 */
async function run(_event: ScheduledEvent): Promise<{ processed: number }> {
  return { processed: await Dispatch.sweep() };
}

export const handler = traced(run);
