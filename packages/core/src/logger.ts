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

/** Runs `task` with `fields` (a request id) added to every line it logs. */
export function withContext<T>(fields: Fields, task: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, task);
}

function write(level: Level, msg: string, fields: Fields = {}) {
  const line = JSON.stringify({ level, msg, time: new Date().toISOString(), ...context.getStore(), ...fields });
  (level === "error" ? process.stderr : process.stdout).write(`${line}\n`);
}

export const info = (msg: string, fields?: Fields) => write("info", msg, fields);
export const warn = (msg: string, fields?: Fields) => write("warn", msg, fields);
export const error = (msg: string, fields?: Fields) => write("error", msg, fields);
