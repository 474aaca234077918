/**
 * The one place where failures become HTTP responses: domain errors by code,
 * HTTP errors raised by the edge (415, 400, 413, 401), and anything else as a
 * 500 that says nothing about the internals.
 */
// The shell that every request loads imports core by module, not through its index (see lazy.ts).
import { DomainError, isUnavailable, type ErrorCode, type FieldIssue } from "@takedown/core/errors";
import * as Log from "@takedown/core/logger";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { boundedPath } from "./logging";
import { ErrorPage } from "./views/error";

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  validation_failed: 422,
  not_found: 404,
  invalid_link: 403,
  expired_link: 410,
  already_decided: 410,
  already_confirmed: 410,
  not_confirmed: 409,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  idempotency_conflict: 409,
  idempotency_mismatch: 422,
  replaced: 410,
  receipt_open: 409,
  undeliverable: 409,
  invalid_state: 409,
};

/** An error the edge raises with a code of its own (bad media type, bad JSON…). */
export class HttpError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(status, { message });
  }
}

type Described = {
  status: ContentfulStatusCode;
  code: string;
  message: string;
  issues?: FieldIssue[];
  retryAfter?: number;
};

function describe(error: Error): Described {
  if (error instanceof DomainError) {
    const { issues, retryAfter } = error.details;
    return { status: STATUS[error.code], code: error.code, message: error.message, issues, retryAfter };
  }
  if (error instanceof HttpError) {
    return {
      status: error.status as ContentfulStatusCode,
      code: error.code,
      message: error.message,
      issues: error.issues,
    };
  }
  if (error instanceof HTTPException) {
    return {
      status: error.status as ContentfulStatusCode,
      code: "http_error",
      message: error.message || "Request failed.",
    };
  }
  if (isUnavailable(error)) {
    // Nothing half-done is left behind (every write is one conditional
    // item write), so the client may simply send the same request again.
    return {
      status: 503,
      code: "unavailable",
      message: "We are busy right now. Please try again in a moment.",
      retryAfter: 2,
    };
  }
  return { status: 500, code: "internal_error", message: "Something went wrong on our side. Please try again." };
}

export function onError(error: Error, c: Context) {
  const described = describe(error);
  if (described.status >= 500) {
    Log.error("request.failed", { name: error.name, status: described.status, path: boundedPath(c) });
  }
  const { status, code, message, issues, retryAfter } = described;
  if (retryAfter !== undefined) c.header("Retry-After", String(retryAfter));
  if (c.req.path.startsWith("/api/")) {
    return c.json({ error: { code, message, ...(issues ? { issues } : {}) } }, status);
  }
  return c.html(<ErrorPage status={status} message={message} />, status);
}

/** The answer when no route matches, in the app and in each lazily loaded group alike. */
export const notFound = (c: Context) => onError(new HttpError(404, "not_found", "There is no such page."), c);
