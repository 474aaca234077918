/**
 * The DynamoDB client's retry policy, as the SDK's standard mode has it for
 * DynamoDB: what is retried (throttles, 5xx, timeouts, a dropped
 * connection) and what is not (a refused condition, a bad request), how long
 * it waits, and the budget that stops a failing table from being hammered.
 */
import { DynamoDBError } from "@takedown/core/aws/dynamo";
import { backoff, RetryBudget, retryKind } from "@takedown/core/aws/signed";
import { describe, expect, it } from "vitest";

const answered = (name: string, status: number) => new DynamoDBError(name, "…", status);
const network = (code: string) => Object.assign(new Error(code), { code });

describe("what is retried", () => {
  it.each([
    ["ProvisionedThroughputExceededException", 400],
    ["ThrottlingException", 400],
    ["RequestLimitExceeded", 400],
    ["SomethingNew", 429],
  ])("a throttle (%s, %i), backing off from a second", (name, status) => {
    expect(retryKind(answered(name, status))).toBe("throttling");
  });

  it.each([
    answered("InternalServerError", 500),
    answered("HTTP502", 502),
    answered("ServiceUnavailable", 503),
    answered("HTTP504", 504),
    Object.assign(new Error("slow"), { name: "TimeoutError" }),
    network("ECONNRESET"),
    network("ECONNREFUSED"),
    network("EPIPE"),
    network("EAI_AGAIN"),
  ])("a passing failure (%s)", (error) => {
    expect(retryKind(error)).toBe("transient");
  });

  it.each([
    answered("ConditionalCheckFailedException", 400),
    answered("ValidationException", 400),
    answered("ResourceNotFoundException", 400),
    answered("AccessDeniedException", 400),
    answered("HTTP501", 501),
    new Error("a bug"),
    undefined,
  ])("not what an answer settles (%s)", (error) => {
    expect(retryKind(error)).toBeUndefined();
  });
});

describe("the wait before a retry", () => {
  it("is drawn below a ceiling that doubles each retry: from 25 ms, from 1 s when throttled, never over 20 s", () => {
    const highest = () => 1 - Number.EPSILON;
    expect([1, 2, 3, 4].map((retry) => backoff("transient", retry, highest))).toEqual([24, 49, 99, 199]);
    expect([1, 2, 3, 4].map((retry) => backoff("throttling", retry, highest))).toEqual([999, 1999, 3999, 7999]);
    expect(backoff("throttling", 10, highest)).toBe(19_999);
    expect(backoff("throttling", 3, () => 0)).toBe(0);
    expect(backoff("transient", 2, () => 0.5)).toBe(25);
  });
});

describe("the retry budget", () => {
  it("runs dry after 35 retries of passing failures, and is paid back by successes", () => {
    const budget = new RetryBudget();
    const spent: number[] = [];
    for (let cost = budget.spend("transient"); cost !== undefined; cost = budget.spend("transient")) spent.push(cost);
    expect(spent).toHaveLength(35);
    // 10 units are left: two throttles' worth, not a third.
    expect([budget.spend("throttling"), budget.spend("throttling"), budget.spend("throttling")]).toEqual([
      5,
      5,
      undefined,
    ]);
    budget.refund(14);
    expect(budget.spend("transient")).toBe(14);
    expect(budget.spend("throttling")).toBeUndefined();
    for (let i = 0; i < 5; i++) budget.refund(0);
    expect(budget.spend("throttling")).toBe(5);
  });
});
