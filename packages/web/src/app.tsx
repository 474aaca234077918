import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { stylesheet } from "./assets";
import { HttpError, onError } from "./errors";
import { logRequests, requestIdOf } from "./logging";
import { powAssets } from "./pow";
import { api } from "./routes/api";
import { articles } from "./routes/articles";
import { docs } from "./routes/docs";
import { takedowns } from "./routes/takedowns";
import { Layout } from "./views/layout";

/** The whole site: pages for people, /api/v1 for systems. Hosts wrap it as is. */
export const app = new Hono()
  .use(requestId({ generator: requestIdOf }))
  .use(logRequests)
  .use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
      referrerPolicy: "no-referrer",
      strictTransportSecurity: "max-age=63072000; includeSubDomains",
    }),
  )
  .get("/", (c) =>
    c.html(
      <Layout title="Removal requests">
        <h1>Removal requests for republished articles</h1>
        <p>
          This site republishes articles from other outlets' public feeds, credited to their source. If you
          wrote one of them or represent the site that first published it, you can ask us to remove it, and
          to keep future articles from appearing here.
        </p>
        <p>
          <a href="/takedown">Request removal</a>
        </p>
        <p>
          Systems can file notices as JSON: POST /api/v1/takedowns (<a href="/api/docs">API reference</a>).
        </p>
      </Layout>,
    ),
  )
  .get("/assets/style.css", (c) => {
    c.header("Cache-Control", "public, max-age=3600");
    return c.body(stylesheet, 200, { "Content-Type": "text/css; charset=utf-8" });
  })
  .route("/", powAssets)
  .route("/", docs)
  .route("/api/v1", api)
  .route("/", articles)
  .route("/", takedowns)
  .notFound((c) => onError(new HttpError(404, "not_found", "There is no such page."), c))
  .onError(onError);

export type App = typeof app;
