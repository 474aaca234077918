import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { assets } from "./assets";
import { HttpError, onError } from "./errors";
import { logRequests, requestIdOf } from "./logging";
import { api } from "./routes/api";
import { articles } from "./routes/articles";
import { counterNoticePages } from "./routes/counter-notices";
import { console_ } from "./routes/console";
import { docs } from "./routes/docs";
import { site } from "./routes/site";
import { takedowns } from "./routes/takedowns";

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
  .route("/", assets)
  .route("/", docs)
  .route("/api/v1", api)
  .route("/", site)
  .route("/", articles)
  .route("/", takedowns)
  .route("/", counterNoticePages)
  .route("/", console_)
  .notFound((c) => onError(new HttpError(404, "not_found", "There is no such page."), c))
  .onError(onError);

export type App = typeof app;
