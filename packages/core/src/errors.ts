/**
 * Errors the domain raises on purpose. The HTTP layer maps each code to a
 * status in one place; anything else is a bug and is reported as a 500
 * without details.
 */
export type ErrorCode =
  | "validation_failed"
  | "not_found"
  | "invalid_link"
  | "expired_link"
  | "already_decided"
  | "already_confirmed"
  | "not_confirmed"
  | "unauthorized"
  | "forbidden"
  | "rate_limited"
  | "idempotency_conflict"
  | "idempotency_mismatch"
  | "replaced"
  | "receipt_open"
  | "undeliverable"
  /** The step does not fit the notice as it stands (a reversal of a rejection, a second appeal). */
  | "invalid_state";

export type FieldIssue = { path: string; message: string };

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** `retryAfter`: seconds after which the same request may succeed (429, 409). */
    readonly details: { issues?: FieldIssue[]; retryAfter?: number; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = "DomainError";
  }
}

const UNAVAILABLE = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "InternalServerError",
  "ServiceUnavailable",
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
]);
const NETWORK = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EAI_AGAIN"]);

/**
 * AWS said "not now" (throttled, failing, out of reach) and the client's own
 * retries ran out. Every write the domain makes is conditional or
 * idempotent, so the caller may safely try the whole request again later.
 */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const aws = error as Error & { code?: string; $fault?: string; $metadata?: { httpStatusCode?: number } };
  return (
    UNAVAILABLE.has(aws.name) ||
    aws.$fault === "server" ||
    (aws.$metadata?.httpStatusCode ?? 0) >= 500 ||
    NETWORK.has(aws.code ?? "")
  );
}
