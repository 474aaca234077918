/** `npm run failures`: reading what Lambda recorded in the JobFailures queue, as it records it. */
import { describe, expect, it } from "vitest";
import { describeFailure } from "../../packages/local/src/failures";

const ARN = "arn:aws:lambda:eu-west-1:123456789012:function:takedown-desk-production-";

describe("a failure record", () => {
  it("of a stream batch names the function and the records' bounds, and has nothing to invoke again", () => {
    const failure = describeFailure({
      requestContext: {
        functionArn: `${ARN}DispatcherFunction-abc`,
        condition: "RetryAttemptsExhausted",
        approximateInvokeCount: 4,
      },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      version: "1.0",
      timestamp: "2026-11-30T10:00:00.000Z",
      DDBStreamBatchInfo: { shardId: "shardId-1", startSequenceNumber: "100", endSequenceNumber: "180", batchSize: 3 },
    } as never);
    expect(failure).toEqual({
      at: "2026-11-30T10:00:00.000Z",
      functionName: "takedown-desk-production-DispatcherFunction-abc",
      what: "stream batch of 3 record(s), sequence 100–180: RetryAttemptsExhausted",
    });
  });

  it("of an asynchronous invocation says why it failed and keeps the event to hand over again", () => {
    const event = { Records: [{ Sns: { Message: "{}" } }] };
    const failure = describeFailure({
      timestamp: "2026-11-30T10:05:00.000Z",
      requestContext: {
        functionArn: `${ARN}MailEventHandlerFunction-def:$LATEST`,
        condition: "RetriesExhausted",
        approximateInvokeCount: 3,
      },
      requestPayload: event,
      responsePayload: { errorType: "ProvisionedThroughputExceededException", errorMessage: "Rate exceeded" },
    });
    expect(failure).toEqual({
      at: "2026-11-30T10:05:00.000Z",
      functionName: "takedown-desk-production-MailEventHandlerFunction-def",
      what: "RetriesExhausted after 3 attempt(s), ProvisionedThroughputExceededException: Rate exceeded",
      replay: event,
    });
  });
});
