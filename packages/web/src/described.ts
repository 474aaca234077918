/**
 * What each piece of the API tells its OpenAPI document, kept on the piece
 * itself: a route carries its description (`describeRoute`), and the
 * middleware that decides access, limits and refusals (auth.ts,
 * idempotency.ts, middleware.ts) carries what it decides (`documented`).
 * openapi.ts walks the routes as Hono registered them and adds up what each
 * operation passes through, so a new route cannot go undescribed and a rule
 * is never restated beside the code that enforces it.
 */
import type * as ApiKey from "@takedown/core/api-key";
import * as Paths from "@takedown/core/paths";
import type { MiddlewareHandler } from "hono";
import type * as z from "zod/mini";

export type JsonSchema = { [keyword: string]: unknown };

/** The response headers the document describes (components.headers). */
export type Header = "RateLimit-Policy" | "RateLimit" | "Retry-After" | "Idempotent-Replayed";

/** A reason an operation may answer with an error, as the error body's `code` names it. */
export type Refusal = { status: number; code: string; when: string; headers?: Header[] };

/** Keys that may call (holding one of the scopes, if one is needed), and whether callers without one may. */
export type Access = { key?: "any" | ApiKey.Scope[]; anonymous?: true; statusToken?: true };

/** What one middleware adds to every operation it guards. */
export type Contribution = {
  access?: Access;
  refusals?: Refusal[];
  /** On every answer. */
  headers?: Header[];
  /** On success answers only. */
  successHeaders?: Header[];
  /** Request headers it reads, by name of a components.parameters entry. */
  parameters?: string[];
  /** The JSON body it reads. */
  body?: z.core.$ZodType;
};

/** Which operation a middleware is asked about: some only act on some requests. */
export type Call = { method: string; body: boolean };

/**
 * The schema of an answer's body: a zod schema the document names
 * (openapi.ts), one of several (what the caller may read decides which), or
 * plain JSON Schema.
 */
export type Body = z.core.$ZodType | z.core.$ZodType[] | JsonSchema;

export type RouteDescription = {
  operationId: string;
  tag: "Articles" | "Notices" | "Review" | "Webhooks" | "Reference";
  summary: string;
  description: string;
  /** For a route whose handler decides who may call it, where no `allow` does. */
  access?: Access;
  /** A description for each `:name` in the route's path. */
  pathParameters?: Record<string, string>;
  /** Request headers the operation reads, besides Authorization and Idempotency-Key. */
  headers?: Record<string, string>;
  query?: { schema: z.core.$ZodObject; descriptions: Record<string, string> };
  /** The body's schema comes from `jsonInput`; this says what it is, with an example the API accepts. */
  body?: { description: string; example: () => unknown };
  /** By status; without `body`, the answer has none. */
  responses: Record<number, { description: string; body?: Body }>;
  /** What the route itself may refuse, beyond what its middleware does. */
  refusals?: Refusal[];
};

/**
 * The site's origin as examples write it: a description is the same for
 * every deployment (the Lambda bundles carry it computed), and the served
 * document puts the deployment's own origin in its place.
 */
export const EXAMPLE_ORIGIN = "https://takedown-desk.example";

/** An article of this site, as the examples that name one write it. */
export const EXAMPLE_ARTICLE_URL = `${EXAMPLE_ORIGIN}${Paths.article("0123456789abcdef0123")}`;

const DESCRIBED = Symbol("openapi");

type Described = { [DESCRIBED]: (call: Call) => Contribution | RouteDescription };

export const descriptionOf = (handler: unknown): Described[typeof DESCRIBED] | undefined =>
  (handler as Partial<Described>)[DESCRIBED];

/** Marks a middleware with what it adds to the document of each call it sees. */
export function documented<H extends object>(
  handler: H,
  contribution: Contribution | ((call: Call) => Contribution),
): H {
  return Object.assign(handler, {
    [DESCRIBED]: typeof contribution === "function" ? contribution : () => contribution,
  });
}

/** A route's OpenAPI description, registered with it: a middleware that does nothing when called. */
export function describeRoute(route: RouteDescription): MiddlewareHandler {
  const middleware: MiddlewareHandler = (_c, next) => next();
  return Object.assign(middleware, { [DESCRIBED]: () => route });
}

export const isRoute = (described: Contribution | RouteDescription): described is RouteDescription =>
  "operationId" in described;
