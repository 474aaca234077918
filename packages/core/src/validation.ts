import * as z from "zod/mini";
import { DomainError, type FieldIssue } from "./errors";

/** An instant as the API writes it (ISO 8601, UTC). */
export const dateTime = z.iso.datetime({ offset: true });

export function issuesOf(error: z.core.$ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
}

/** Parses at the edge of the domain; a failure names every wrong field. */
export function parse<S extends z.ZodMiniType>(schema: S, input: unknown): z.infer<S> {
  const result = z.safeParse(schema, input);
  if (result.success) return result.data;
  throw new DomainError("validation_failed", "Some fields need attention.", {
    issues: issuesOf(result.error),
  });
}
