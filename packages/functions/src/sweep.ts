import type { ScheduledEvent } from "aws-lambda";
import { Dispatch } from "@takedown/core";

/**
 * Every minute: what the stream missed or a failed send rescheduled, and
 * notices whose worker died holding the lease, once that lease has run out.
 */
export async function handler(_event: ScheduledEvent): Promise<{ processed: number }> {
  return { processed: await Dispatch.sweep() };
}
