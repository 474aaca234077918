import { Hono, type Env, type Handler } from "hono";
import type { RouterRoute, Schema } from "hono/types";
import { notFound, onError } from "./errors";
import { noteRoute } from "./logging";

/** A lazily loaded group of routes: the handler the app mounts, and the routes it serves once loaded. */
export type LazyGroup = Handler & { routes(): Promise<RouterRoute[]> };

/**
 * A group of routes whose code loads on its first request. In the Lambda
 * bundle each group is a chunk of its own (esbuild's code splitting, see
 * packages/functions/handlers.ts), so a cold start parses and runs only the
 * app's shell, and a request only the group it asks for: a reader's article
 * page never compiles the console or the OpenAPI document.
 *
 * The group answers its own misses and errors with the app's handlers, on its
 * own context, so the headers its middleware set (a rate limit's) stay on
 * the answer. `prefix` is where the group's routes are mounted, as `route` would.
 */
export function lazy<E extends Env, S extends Schema, B extends string>(
  load: () => Promise<Hono<E, S, B>>,
  prefix = "/",
): LazyGroup {
  let loading: Promise<Hono> | undefined;
  const group = () =>
    (loading ??= load().then(
      (routes) => new Hono().use(noteRoute).route(prefix, routes).notFound(notFound).onError(onError),
      (error) => {
        // A chunk that failed to load is tried again by the next request.
        loading = undefined;
        throw error;
      },
    ));
  // The group's own answer, not a copy: copying re-streams the body (logging.ts sets X-Request-Id on it).
  const handler: Handler = async (c) => (await group()).fetch(c.req.raw, c.env);
  return Object.assign(handler, { routes: async () => (await group()).routes });
}
