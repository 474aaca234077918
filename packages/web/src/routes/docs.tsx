import { config } from "@takedown/core/config";
import { Hono } from "hono";
import { apiDescription } from "../api-description";
import { BASE_PATH, forDeployment, type OpenApiDocument } from "../openapi";
import { ApiReference } from "../views/api-docs";

const DOCUMENT_PATH = `${BASE_PATH}/openapi.json`;

let served: OpenApiDocument | undefined;

/** The document, made on first use, so that a cold start that serves no documentation pays nothing for it. */
export function document(): OpenApiDocument {
  return (served ??= forDeployment(apiDescription(), config()));
}

/**
 * The API's description: for machines (OpenAPI 3.1) and for people (a page
 * whose script is one of our assets), all from our own origin. Mounted ahead of the API so that
 * reading the document costs no key check and no rate-limit write.
 */
export const docs = new Hono()
  .get(DOCUMENT_PATH, (c) => {
    c.header("Cache-Control", "public, max-age=300");
    return c.json(document());
  })
  .get("/api/docs", (c) => c.html(<ApiReference doc={document()} documentUrl={DOCUMENT_PATH} />));
