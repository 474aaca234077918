/**
 * What the run held to the OpenAPI document (openapi-responses.ts): each test
 * file reports the responses it checked, and after the run they are added up
 * into test-results/openapi-coverage.json, per operation: which statuses were
 * seen how often, and which declared ones never were. It reports; it does
 * not fail a run, which may be a part of the suite.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    openapiDir: string;
  }
}

export type Report = {
  /** By "METHOD /path" as the document writes it. */
  operations: Record<string, { operationId: string; declared: string[]; seen: Record<string, number> }>;
  /** Requests under /api/v1 that no operation of the document covers (unknown paths or methods). */
  undocumented: number;
};

const RESULTS = resolve(import.meta.dirname, "../../test-results");

function merge(reports: Report[]): Report {
  const total: Report = { operations: {}, undocumented: 0 };
  for (const report of reports) {
    total.undocumented += report.undocumented;
    for (const [key, { operationId, declared, seen }] of Object.entries(report.operations)) {
      const into = (total.operations[key] ??= { operationId, declared, seen: {} });
      for (const [status, count] of Object.entries(seen)) into.seen[status] = (into.seen[status] ?? 0) + count;
    }
  }
  return total;
}

export default function setup(project: TestProject) {
  const dir = resolve(RESULTS, "runs", `openapi-${Date.now()}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  project.provide("openapiDir", dir);
  return () => {
    const reports = readdirSync(dir).map((file) => JSON.parse(readFileSync(resolve(dir, file), "utf8")) as Report);
    rmSync(dir, { recursive: true, force: true });
    if (!reports.length) return;
    const { operations, undocumented } = merge(reports);
    const checked = Object.values(operations).reduce(
      (sum, { seen }) => sum + Object.values(seen).reduce((a, b) => a + b, 0),
      0,
    );
    const summary = {
      checked,
      undocumented,
      notExercised: Object.keys(operations).filter((key) => !Object.keys(operations[key]!.seen).length),
      operations: Object.fromEntries(
        Object.entries(operations)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, { operationId, declared, seen }]) => [
            key,
            { operationId, seen, neverSeen: declared.filter((status) => !(status in seen)) },
          ]),
      ),
    };
    writeFileSync(resolve(RESULTS, "openapi-coverage.json"), `${JSON.stringify(summary, null, 2)}\n`);
    const exercised = Object.keys(operations).length - summary.notExercised.length;
    console.log(
      `OpenAPI: ${checked} responses matched the document; ${exercised} of ${Object.keys(operations).length} operations exercised (test-results/openapi-coverage.json)`,
    );
  };
}
