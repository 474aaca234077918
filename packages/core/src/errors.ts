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
  | "unauthorized";

export type FieldIssue = { path: string; message: string };

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { issues?: FieldIssue[]; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = "DomainError";
  }
}
