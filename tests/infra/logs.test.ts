/**
 * Following one request: every line the site logs while serving it carries
 * API Gateway's request id and the Lambda invocation's, every line a job logs
 * carries its invocation's, and the counts CloudWatch alarms on arrive as
 * embedded metrics (notices filed and decided, mail sent and failed).
 */
import { config, Table } from "@takedown/core";
import { ses } from "@takedown/core/aws/ses";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { handler as api } from "../../packages/functions/src/api";
import { handler as dispatch } from "../../packages/functions/src/dispatch";
import { handler as sweep } from "../../packages/functions/src/sweep";
import { ingestSource, noticeInput } from "../support/fixtures";
import { waitForMail } from "../support/mailbox";
import { proofOfWork } from "../support/pow";
import { http, scheduled, streamBatch } from "./support/events";

type Line = Record<string, any>;
let restore: (() => void) | undefined;
afterEach(() => restore?.());

/** Runs `task` and returns the JSON lines it wrote to stdout and stderr. */
async function linesOf<T>(task: () => Promise<T>): Promise<{ result: T; lines: Line[] }> {
  const captured: string[] = [];
  const originals = [process.stdout, process.stderr].map((stream) => {
    const write = stream.write;
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      captured.push(String(chunk));
      return (write as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof stream.write;
    return () => void (stream.write = write);
  });
  restore = () => {
    for (const undo of originals) undo();
  };
  try {
    const result = await task();
    return {
      result,
      lines: captured
        .join("")
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l)),
    };
  } finally {
    restore();
    restore = undefined;
  }
}

const metric = (lines: Line[], name: string) =>
  lines.filter((l) => l._aws?.CloudWatchMetrics?.[0]?.Metrics?.[0]?.Name === name);

describe("logs and metrics on Lambda", () => {
  it("carry API Gateway's and Lambda's request ids on every line of a request, and count the notice filed", async () => {
    const { articles } = await ingestSource(1);
    const input = noticeInput([articles[0]!.originalUrl]);
    const event = http("POST", "/api/v1/takedowns", { json: input, headers: proofOfWork() });
    const { result, lines } = await linesOf(
      () =>
        api(
          event as never,
          { awsRequestId: "lambda-invocation-1" } as never,
        ) as Promise<APIGatewayProxyStructuredResultV2>,
    );
    expect(result.statusCode).toBe(202);
    expect(result.headers?.["x-request-id"]).toBe(event.requestContext.requestId);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      expect(line).toMatchObject({ requestId: event.requestContext.requestId, lambdaRequestId: "lambda-invocation-1" });
    }
    const [filed] = metric(lines, "NoticesFiled");
    expect(filed).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          { Namespace: "TakedownDesk", Dimensions: [["Stage"]], Metrics: [{ Name: "NoticesFiled", Unit: "Count" }] },
        ],
      },
      Stage: config().stage,
      NoticesFiled: 1,
    });
    expect(typeof filed!._aws.Timestamp).toBe("number");
    // The route that answered, although its group loaded lazily and its body limit replaced the request.
    expect(lines.find((line) => line.msg === "request")).toMatchObject({ route: "/api/v1/takedowns", status: 202 });
  });

  it("carry the job's invocation id on every line, and count mail sent and mail SES refused", async () => {
    const { articles } = await ingestSource(1);
    const input = noticeInput([articles[0]!.originalUrl]);
    const filed = await api(
      http("POST", "/api/v1/takedowns", { json: input, headers: proofOfWork() }) as never,
      {} as never,
    );
    const { id } = JSON.parse((filed as APIGatewayProxyStructuredResultV2).body!);
    const batch = await streamBatch(config().dynamoEndpoint!, config().tableName, [Table.key.notice(id)]);
    const { lines } = await linesOf(() => dispatch(batch, { awsRequestId: "lambda-invocation-2" }));
    await waitForMail(input.requester.email, /received your takedown notice/);
    expect(metric(lines, "MailSent")).toHaveLength(1);
    for (const line of lines) expect(line.lambdaRequestId).toBe("lambda-invocation-2");

    const swept = await linesOf(() => sweep(scheduled(), { awsRequestId: "lambda-invocation-3" }));
    for (const line of swept.lines) expect(line.lambdaRequestId).toBe("lambda-invocation-3");

    // A message SES refuses (the stand-in refuses one without a body) counts as failed, once.
    const refused = await linesOf(() =>
      ses()
        .sendEmail({
          Source: config().mailFrom,
          Destination: { ToAddresses: ["x@example.org"] },
          Message: { Subject: { Data: "x" }, Body: {} },
        })
        .catch((error: Error) => error),
    );
    expect(refused.result).toBeInstanceOf(Error);
    expect(metric(refused.lines, "MailFailed")).toHaveLength(1);
    expect(metric(refused.lines, "MailSent")).toHaveLength(0);
  });
});
