import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { BlankEnv, ExtractSchema, MergeSchemaPath } from "hono/types";
import { notFound, onError } from "./errors";
import { lazy, type LazyGroup } from "./lazy";
import { logRequests, requestIdOf } from "./logging";
import type { api } from "./routes/api";

const API = "/api/v1";

/**
 * Where each group of routes answers, and its code. Every group loads on its
 * first request (lazy.ts), so what a cold start runs is this file's shell.
 * The OpenAPI document's path comes before the rest of the API's.
 */
const groups: [paths: string[], group: LazyGroup][] = [
  [["/assets/*"], lazy(() => import("./assets").then((m) => m.assets))],
  [[`${API}/openapi.json`, "/api/docs"], lazy(() => import("./routes/docs").then((m) => m.docs))],
  [[API, `${API}/*`], lazy(() => import("./routes/api").then((m) => m.api), API)],
  [["/", "/sources/*", "/feed.xml", "/sitemap.xml"], lazy(() => import("./routes/site").then((m) => m.site))],
  [["/articles/*"], lazy(() => import("./routes/articles").then((m) => m.articles))],
  [["/notices/*"], lazy(() => import("./routes/notices").then((m) => m.notices))],
  [["/takedown", "/takedowns/*"], lazy(() => import("./routes/takedowns").then((m) => m.takedowns))],
  [
    ["/counter-notice", "/counter-notices/*"],
    lazy(() => import("./routes/counter-notices").then((m) => m.counterNoticePages)),
  ],
  [["/console", "/console/*"], lazy(() => import("./routes/console").then((m) => m.console_))],
];

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
  .notFound(notFound)
  .onError(onError);

for (const [paths, group] of groups) {
  for (const path of paths) app.all(path, group);
}

/** Every route the app serves, each group loaded, with the paths it answers at: what the OpenAPI check compares. */
export async function servedRoutes() {
  return (await Promise.all(groups.map(([, group]) => group.routes()))).flat();
}

/** The app as the typed client (`hc<App>`) sees it: the JSON API under /api/v1. */
export type App = Hono<BlankEnv, MergeSchemaPath<ExtractSchema<typeof api>, typeof API>, "/">;
