/**
 * Holds every /api/v1 response the suite sees to the OpenAPI document. The
 * app's `fetch` is wrapped, so app.request, the Lambda handler and the Node
 * server all pass through here. A status the document does not declare for
 * the operation, a missing required header or a body its schema does not
 * allow throws, and the test that made the request fails.
 *
 * Bodies are checked by Ajv against the document's JSON Schema, not by the
 * zod schemas it was generated from, so a fault in the generation cannot
 * vouch for itself. What was checked is counted per operation and status for
 * the run's coverage report (openapi-coverage.ts).
 */
import { writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { app } from "@takedown/web";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterAll, inject } from "vitest";
import { BASE_PATH, type OpenApiDocument, type OperationObject } from "../../packages/web/src/openapi";
import { document } from "../../packages/web/src/routes/docs";
import type { Report } from "./openapi-coverage";

const DOCUMENT_ID = "https://takedown-desk.test/openapi.json";

type Match = { key: string; path: string; method: string; operation: OperationObject };

/** Everything derived from the document, made on the first API response: config is read only then. */
type Checker = { doc: OpenApiDocument; ajv: Ajv2020; routes: { pattern: RegExp; path: string }[] };

let checker: Checker | undefined;

function makeChecker(): Checker {
  const doc = document();
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  // The document holds the schemas; Ajv reaches them by JSON pointer and
  // compiles only those, so only the top-level OpenAPI keys need declaring.
  ajv.addVocabulary(["paths", "webhooks", "components"]);
  ajv.addSchema({ $id: DOCUMENT_ID, paths: doc.paths, webhooks: doc.webhooks, components: doc.components });
  const routes = Object.keys(doc.paths).map((path) => ({
    path,
    pattern: new RegExp(`^${BASE_PATH}${path.replace(/\{\w+\}/g, "[^/]+")}$`),
  }));
  return { doc, ajv, routes };
}

function match({ doc, routes }: Checker, method: string, pathname: string): Match | undefined {
  const path = routes.find((route) => route.pattern.test(pathname))?.path;
  const operation = path && doc.paths[path]?.[method.toLowerCase() as keyof OpenApiDocument["paths"][string]];
  return operation ? { key: `${method} ${path}`, path, method: method.toLowerCase(), operation } : undefined;
}

const pointer = (...parts: string[]) => parts.map((part) => part.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");

function bodyValidator({ ajv }: Checker, { path, method }: Match, status: string): ValidateFunction {
  const ref = `${DOCUMENT_ID}#/${pointer("paths", path, method, "responses", status, "content", "application/json", "schema")}`;
  const validate = ajv.getSchema(ref);
  if (!validate) throw new Error(`The document has no schema at ${ref}`);
  return validate;
}

/** Ajv's errors, each with the property it is about (its own text leaves out which one is extra). */
function problems({ errors }: ValidateFunction): string {
  return (errors ?? [])
    .map(({ instancePath, message, params }) => {
      const extra = "additionalProperty" in params ? ` ('${params.additionalProperty}')` : "";
      return `body${instancePath} ${message}${extra}`;
    })
    .join("; ");
}

/** Responses checked, by operation ("METHOD /path") and status. */
const seen: Record<string, Record<string, number>> = {};
let undocumented = 0;

/**
 * Throws if the document does not allow `response` as the answer to
 * `request`; returns the operation and status it was checked as, if any.
 */
export async function check(
  request: Request,
  response: Response,
): Promise<{ key: string; status: string } | undefined> {
  const { pathname } = new URL(request.url);
  if (!pathname.startsWith(`${BASE_PATH}/`)) return undefined;
  checker ??= makeChecker();
  const found = match(checker, request.method, pathname);
  if (!found) return undefined;
  const { key, operation } = found;
  const status = String(response.status);
  const declared = operation.responses[status];
  if (!declared) {
    throw new Error(
      `${key} answered ${status}, which the OpenAPI document does not declare (only ${Object.keys(operation.responses).join(", ")})`,
    );
  }
  for (const [name, header] of Object.entries(declared.headers)) {
    const { required } = "$ref" in header ? checker.doc.components.headers[header.$ref.split("/").pop()!]! : header;
    if (required && !response.headers.has(name)) {
      throw new Error(`${key} answered ${status} without the ${name} header the OpenAPI document requires`);
    }
  }
  if (!declared.content) {
    const body = await response.clone().text();
    if (body) throw new Error(`${key} answered ${status} with a body, where the OpenAPI document declares none`);
  } else {
    const type = response.headers.get("content-type") ?? "";
    if (!/^application\/json\b/.test(type))
      throw new Error(`${key} answered ${status} as ${type || "no content type"}, not JSON`);
    const body: unknown = await response.clone().json();
    const validate = bodyValidator(checker, found, status);
    if (!validate(body)) {
      throw new Error(
        `${key} answered ${status} with a body the OpenAPI document does not allow: ${problems(validate)}\n` +
          JSON.stringify(body).slice(0, 600),
      );
    }
  }
  return { key, status };
}

/** Throws unless `body` is an event the document's webhook (`webhooks` in OpenAPI 3.1) allows. */
export function checkWebhookEvent(body: unknown): void {
  checker ??= makeChecker();
  const [name] = Object.keys(checker.doc.webhooks);
  const ref = `${DOCUMENT_ID}#/${pointer("webhooks", name!, "post", "requestBody", "content", "application/json", "schema")}`;
  const validate = checker.ajv.getSchema(ref);
  if (!validate) throw new Error(`The document has no schema at ${ref}`);
  if (!validate(body)) {
    throw new Error(
      `A webhook event the OpenAPI document does not allow: ${problems(validate)}\n${JSON.stringify(body).slice(0, 600)}`,
    );
  }
}

const unchecked = app.fetch;
app.fetch = async (request, ...rest) => {
  const response = await unchecked(request, ...rest);
  const checked = await check(request, response);
  if (checked) {
    const counts = (seen[checked.key] ??= {});
    counts[checked.status] = (counts[checked.status] ?? 0) + 1;
  } else if (new URL(request.url).pathname.startsWith(`${BASE_PATH}/`)) {
    undocumented++;
  }
  return response;
};

afterAll(() => {
  const dir = inject("openapiDir");
  // A file that made no API request has nothing to say, nor a document to say it with.
  if (!dir || !checker) return;
  const operations = Object.entries(checker.doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const key = `${method.toUpperCase()} ${path}`;
      return [
        key,
        { operationId: operation.operationId, declared: Object.keys(operation.responses), seen: seen[key] ?? {} },
      ];
    }),
  );
  const report: Report = { operations: Object.fromEntries(operations), undocumented };
  writeFileSync(`${dir}/${process.pid}-${randomBytes(4).toString("hex")}.json`, JSON.stringify(report));
});
