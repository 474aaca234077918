import { Hono } from "hono";
import { script } from "../docs-client";
import { BASE_PATH, document } from "../openapi";
import { ApiReference } from "../views/api-docs";

export const DOCUMENT_PATH = `${BASE_PATH}/openapi.json`;

/**
 * The API's description: for machines (OpenAPI 3.1) and for people (a page
 * and its script), all from our own origin. Mounted ahead of the API so that
 * reading the document costs no key check and no rate-limit write.
 */
export const docs = new Hono()
  .get(DOCUMENT_PATH, (c) => {
    c.header("Cache-Control", "public, max-age=300");
    return c.json(document());
  })
  .get("/api/docs", (c) => c.html(<ApiReference doc={document()} documentUrl={DOCUMENT_PATH} />))
  .get("/assets/docs.js", (c) => {
    c.header("Cache-Control", "public, max-age=3600");
    return c.body(script, 200, { "Content-Type": "text/javascript; charset=utf-8" });
  });
