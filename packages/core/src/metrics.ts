/**
 * The desk's own metrics, as CloudWatch's embedded metric format: a log line
 * that CloudWatch Logs turns into a metric, so counting costs no SDK, no API
 * call and nothing to wait for. Locally the line is only a log line.
 * Powertools' Metrics would write the same line for ~15 KB more per bundle
 * (docs/architecture-aws.md, "Logs and metrics").
 */
import { config } from "./config";
import * as Log from "./logger";

/** CloudWatch's namespace for them; the alarms (stacks/alarms.ts) read it. */
export const NAMESPACE = "TakedownDesk";

export type Name = "NoticesFiled" | "NoticesDecided" | "MailSent" | "MailFailed";

/** Adds `value` to metric `name` of this stage (its one dimension), on a log line of its own. */
export function count(name: Name, value = 1): void {
  const { stage } = config();
  Log.record(
    "metric",
    { metric: name, Stage: stage },
    {
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          { Namespace: NAMESPACE, Dimensions: [["Stage"]], Metrics: [{ Name: name, Unit: "Count" }] },
        ],
      },
      [name]: value,
    },
  );
}
