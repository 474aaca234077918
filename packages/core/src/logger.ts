/**
 * Structured logs: one JSON object per line, written to stdout (errors to
 * stderr) as is: Lambda's console prefixes lines, which would stop CloudWatch
 * from reading them as JSON. Lines carry ids, names and counts only — never an email
 * address, a link token or anything a requester wrote — so logs can be kept
 * and shared without becoming a store of personal data or of credentials.
 */
import { AsyncLocalStorage } from "node:async_hooks";

type Fields = Record<string, string | number | boolean | undefined>;
type Level = "info" | "warn" | "error";

const context = new AsyncLocalStorage<Fields>();

/**
 * Runs `task` with `fields` added to every line it logs: on Lambda, the
 * invocation's request id (`lambdaRequestId`) and, for the site, API
 * Gateway's (`requestId`), so that one request can be followed across lines.
 */
export function withContext<T>(fields: Fields, task: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, task);
}

/** The fields every line carries now: those of the request or invocation being served. */
export function current(): Fields {
  return { ...context.getStore() };
}

function write(level: Level, msg: string, fields: Fields = {}, extra: Record<string, unknown> = {}) {
  const line = JSON.stringify({
    level,
    msg,
    time: new Date().toISOString(),
    ...context.getStore(),
    ...fields,
    ...extra,
  });
  (level === "error" ? process.stderr : process.stdout).write(`${line}\n`);
}

/** A line that also carries structured data CloudWatch reads (metrics.ts's embedded metrics). */
export const record = (msg: string, fields: Fields, extra: Record<string, unknown>) =>
  write("info", msg, fields, extra);

export const info = (msg: string, fields?: Fields) => write("info", msg, fields);
export const warn = (msg: string, fields?: Fields) => write("warn", msg, fields);
export const error = (msg: string, fields?: Fields) => write("error", msg, fields);
