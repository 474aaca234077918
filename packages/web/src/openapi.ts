/**
 * The OpenAPI 3.1 document of /api/v1, generated from the routes as Hono
 * registered them: each route's own description (`describeRoute`), and what
 * the middleware it passes through decides (access, limits, refusals; see
 * described.ts). Schemas are the zod/mini ones that validate input and shape
 * answers (core's entity views, and api-schemas.ts), turned into JSON Schema by zod's own
 * converter. Tests check both directions: every route is in the document,
 * and every response the suite sees matches it.
 *
 * This is a small generator rather than @hono/zod-openapi or hono-openapi,
 * which would put classic zod or a second converter in the API's Lambda
 * bundle; and the bundle carries its result, not the generator
 * (api-description.ts). See "OpenAPI" in docs/api.md.
 */
import * as ApiKey from "@takedown/core/api-key";
import * as Article from "@takedown/core/article";
import * as CounterNotice from "@takedown/core/counter-notice";
import * as Idempotency from "@takedown/core/idempotency";
import * as Notice from "@takedown/core/notice";
import * as Webhook from "@takedown/core/webhook";
import * as z from "zod/mini";
import * as Answers from "./api-schemas";
import {
  type Access,
  type Body,
  type Call,
  type Contribution,
  describeRoute,
  descriptionOf,
  EXAMPLE_ORIGIN,
  type Header,
  isRoute,
  type JsonSchema,
  type Refusal,
  type RouteDescription,
} from "./described";

export type { JsonSchema } from "./described";
export type Ref = { $ref: string };

export type ParameterObject = {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  description?: string;
  schema: JsonSchema;
};

type Json = { "application/json": { schema: JsonSchema } };

type HeaderObject = { description: string; required?: boolean; schema: JsonSchema };

type ResponseObject = { description: string; headers: Record<string, Ref | HeaderObject>; content?: Json };

export type OperationObject = {
  operationId: string;
  tags: string[];
  summary: string;
  description: string;
  /** Alternatives; an empty requirement means no credentials are needed. */
  security: Record<string, string[]>[];
  parameters: (ParameterObject | Ref)[];
  requestBody?: {
    required: true;
    description: string;
    content: { "application/json": { schema: JsonSchema; example: unknown } };
  };
  responses: Record<string, ResponseObject>;
};

type WebhookOperation = Omit<OperationObject, "parameters" | "requestBody" | "responses"> & {
  parameters: ParameterObject[];
  requestBody: { required: true; description: string; content: Json };
  responses: Record<string, { description: string }>;
};

export type SecurityScheme =
  | { type: "http"; scheme: "bearer"; description: string; "x-scope"?: ApiKey.Scope }
  | { type: "apiKey"; in: "query"; name: string; description: string };

type Method = "get" | "post" | "delete";

export type OpenApiDocument = {
  openapi: string;
  info: {
    title: string;
    version: string;
    description: string;
    contact: Contact;
    license: { name: string; identifier: string };
  };
  servers: { url: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Partial<Record<Method, OperationObject>>>;
  /** What we send: OpenAPI 3.1's description of callbacks nobody asked for by request. */
  webhooks: Record<string, { post: WebhookOperation }>;
  components: {
    schemas: Record<string, JsonSchema>;
    parameters: Record<string, ParameterObject>;
    headers: Record<string, HeaderObject>;
    securitySchemes: Record<string, SecurityScheme>;
  };
};

type Contact = { name: string; url: string; email?: string };

/** The document before a deployment makes it its own (`forDeployment`). */
export type ApiDescription = Omit<OpenApiDocument, "info"> & { info: Omit<OpenApiDocument["info"], "contact"> };

/** Where the API is mounted; the document's paths are relative to it. */
export const BASE_PATH = "/api/v1";

type Component = z.core.$ZodType;

/** Request bodies by name, converted as they are sent (before trimming and other transforms). */
const REQUESTS = {
  NoticeInput: Notice.KeyedInput,
  CounterNoticeInput: CounterNotice.Input,
  ArticleInput: Article.IngestInput,
  WebhookInput: Webhook.RegisterInput,
  DecisionInput: Notice.DecisionInput,
  ReversalInput: Notice.ReversalInput,
  NoteInput: Notice.NoteInput,
} satisfies Record<string, Component>;

/** Every schema an answer may name, by its name in the document. */
const ANSWERS: Record<string, Component> = {
  ArticleSummary: Article.Summary,
  ArticleView: Article.View,
  NoticeFiled: Notice.Filed,
  CounterNoticeFiled: CounterNotice.Filed,
  NoticeSummary: Notice.Summary,
  NoticeView: Notice.View,
  NoticeList: Notice.List,
  NoticeCase: Notice.Case,
  WebhookEndpoint: Webhook.Endpoint,
  WebhookCreated: Webhook.Created,
  WebhookList: Webhook.List,
  WebhookDelivery: Webhook.Delivery,
  WebhookDeliveryList: Webhook.DeliveryList,
  WebhookEvent: Webhook.Event,
  Challenge: Answers.Challenge,
  Error: Answers.ErrorBody,
  Throttled: Answers.Throttled,
};

const HEADERS = {
  "RateLimit-Policy": {
    description: 'The limit this call counts against: per key, or per client IP without one (`"key";q=600;w=60`).',
    schema: { type: "string" },
  },
  RateLimit: {
    description: 'What is left of it, and in how many seconds it resets (`"key";r=598;t=42`).',
    schema: { type: "string" },
  },
  "Retry-After": {
    description: "Seconds after which the same request may succeed.",
    required: true,
    schema: { type: "integer", minimum: 0 },
  },
  "Idempotent-Replayed": {
    description: "`true` when this is the stored answer to an earlier request with the same Idempotency-Key.",
    schema: { type: "string", const: "true" },
  },
} satisfies Record<Header, HeaderObject>;

/** errors.tsx answers any fault it does not know as this, whatever the route. */
const internal: Refusal = { status: 500, code: "internal_error", when: "a fault on our side; nothing is half-done" };

/**
 * In front of every route, deployed, the HTTP API gateway throttles requests
 * per route across all callers (THROTTLES in stacks/api.ts) and answers over
 * its budget with a 429 of its own: its body, and no Retry-After.
 */
const THROTTLED =
  "- the API gateway in front throttled this route, whoever calls it: nothing was done. Its body is " +
  '`{ "message": "Too Many Requests" }` and it has no Retry-After; wait a second or two.';

/** Hono's `:name` path parameters in OpenAPI's `{name}` syntax. */
const openApiPath = (path: string) => path.replace(/:(\w+)/g, "{$1}");

/** What a route passes through, as Hono registered it (`app.routes`). */
type Registered = { method: string; path: string; handler: unknown };

/** The document's own route is served ahead of the API (routes/docs.tsx), so it is described here. */
const DOCUMENT_ROUTE: Registered = {
  method: "GET",
  path: "/openapi.json",
  handler: describeRoute({
    operationId: "getOpenApiDocument",
    tag: "Reference",
    summary: "This document",
    description: "The OpenAPI 3.1 description of this API. It is not rate limited and needs no key.",
    responses: { 200: { description: "The document.", body: { type: "object" } } },
  }),
};

/** `/webhooks/*` guards `/webhooks` and everything under it; `/*` guards all. */
function covers(pattern: string, path: string): boolean {
  if (!pattern.endsWith("/*")) return pattern === path;
  const prefix = pattern.slice(0, -2);
  return path === prefix || path.startsWith(`${prefix}/`);
}

type Endpoint = { method: string; path: string; handlers: unknown[] };

/**
 * Each method and path, with the handlers a request to it runs, in order:
 * the middleware registered before it on a covering path, then its own. A
 * route registered before some middleware (as /challenge is) never reaches it.
 */
function endpoints(routes: Registered[]): Endpoint[] {
  const found = new Map<string, Endpoint>();
  routes.forEach((route, index) => {
    if (route.method === "ALL") return;
    const key = `${route.method} ${route.path}`;
    const known = found.get(key);
    if (known) {
      known.handlers.push(route.handler);
      return;
    }
    const guards = routes
      .slice(0, index)
      .filter((earlier) => earlier.method === "ALL" && covers(earlier.path, route.path));
    found.set(key, {
      method: route.method,
      path: route.path,
      handlers: [...guards.map((guard) => guard.handler), route.handler],
    });
  });
  return [...found.values()];
}

type Gathered = { route: RouteDescription; contributions: Contribution[] };

function gather({ method, path, handlers }: Endpoint): Gathered {
  const ask = (call: Call) => handlers.flatMap((handler) => descriptionOf(handler)?.(call) ?? []);
  const body = ask({ method, body: false }).some((described) => !isRoute(described) && described.body);
  const described = ask({ method, body });
  const routes = described.filter(isRoute);
  if (routes.length !== 1) throw new Error(`${method} ${path} needs one describeRoute(…), not ${routes.length}`);
  return { route: routes[0]!, contributions: described.filter((item): item is Contribution => !isRoute(item)) };
}

function nameOf(schema: Component, named: Record<string, Component>, what: string): string {
  const name = Object.keys(named).find((key) => named[key] === schema);
  if (!name) throw new Error(`${what} is not among the document's named schemas (openapi.ts)`);
  return name;
}

const ref = (name: string): Ref => ({ $ref: `#/components/schemas/${name}` });

const isZod = (body: Body): body is Component => "_zod" in body;

/** A schema converted on its own comes out as a document; inside OpenAPI it is a plain schema. */
function plain({ $schema, $id, ...schema }: JsonSchema): JsonSchema {
  return schema;
}

/** zod's JSON Schema of each named schema, with references between them as components. */
function components(schemas: Record<string, Component>, io: "input" | "output"): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const { schemas: converted } = z.toJSONSchema(registry, {
    io,
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: "any",
  });
  return Object.fromEntries(Object.entries(converted).map(([id, schema]) => [id, plain(schema)]));
}

function parameters(path: string, { route, contributions }: Gathered): (ParameterObject | Ref)[] {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name!);
  const inPath = names.map((name): ParameterObject => {
    const description = route.pathParameters?.[name];
    if (!description) throw new Error(`${route.operationId} does not describe its path parameter ${name}`);
    return { name, in: "path", required: true, description, schema: { type: "string" } };
  });
  const query = route.query;
  const converted: JsonSchema = query ? z.toJSONSchema(query.schema, { io: "input" }) : {};
  const properties = (converted.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set(converted.required as string[] | undefined);
  const queries = Object.entries(properties).map(
    ([name, schema]): ParameterObject => ({
      name,
      in: "query",
      required: required.has(name),
      description: query!.descriptions[name],
      schema,
    }),
  );
  const headers = Object.entries(route.headers ?? {}).map(
    ([name, description]): ParameterObject => ({
      name,
      in: "header",
      required: false,
      description,
      schema: { type: "string" },
    }),
  );
  const shared = contributions.flatMap((contribution) => contribution.parameters ?? []);
  return [...inPath, ...queries, ...headers, ...shared.map((name) => ({ $ref: `#/components/parameters/${name}` }))];
}

/** An API key holding `scope`: a scheme of its own, as OpenAPI declares scopes only for OAuth. */
const schemeOf = (scope: ApiKey.Scope) => `${scope.replace(/:(\w)/g, (_, letter: string) => letter.toUpperCase())}Key`;

function security(access: Access): Record<string, string[]>[] {
  const keys = access.key === "any" ? ["apiKey"] : (access.key ?? []).map(schemeOf);
  return [
    ...(access.anonymous ? [{}] : []),
    ...(access.statusToken ? [{ statusToken: [] }] : []),
    ...keys.map((key) => ({ [key]: [] })),
  ];
}

const headerRefs = (headers: Header[]): Record<string, Ref> =>
  Object.fromEntries([...new Set(headers)].map((name) => [name, { $ref: `#/components/headers/${name}` }]));

const jsonContent = (schema: JsonSchema): Json => ({ "application/json": { schema } });

function bodySchema(body: Body, what: string): JsonSchema {
  if (Array.isArray(body)) return { anyOf: body.map((one) => ref(nameOf(one, ANSWERS, what))) };
  return isZod(body) ? ref(nameOf(body, ANSWERS, what)) : body;
}

/**
 * A header that only some of the refusals sharing a status send (a 409 with
 * Retry-After for a request still running, one without for a notice decided
 * already) is not required of that status: it is described with the codes
 * that carry it.
 */
function sometimes(reasons: Refusal[], everyAnswer: Header[]): Record<string, HeaderObject> {
  const carried = [...new Set(reasons.flatMap((reason) => reason.headers ?? []))].filter(
    (name) => !everyAnswer.includes(name),
  );
  const partly = carried.filter((name) => !reasons.every((reason) => reason.headers?.includes(name)));
  return Object.fromEntries(
    partly.map((name) => {
      const codes = reasons.filter((reason) => reason.headers?.includes(name)).map(({ code }) => `\`${code}\``);
      return [
        name,
        {
          ...HEADERS[name],
          required: false,
          description: `${HEADERS[name].description} Sent with ${codes.join(", ")}.`,
        },
      ];
    }),
  );
}

function responses({ route, contributions }: Gathered): Record<string, ResponseObject> {
  const everyAnswer = contributions.flatMap((contribution) => contribution.headers ?? []);
  const onSuccess = contributions.flatMap((contribution) => contribution.successHeaders ?? []);
  const answers = Object.entries(route.responses).map(([status, { description, body }]): [string, ResponseObject] => [
    status,
    {
      description,
      headers: headerRefs([...everyAnswer, ...(Number(status) < 300 ? onSuccess : [])]),
      ...(body ? { content: jsonContent(bodySchema(body, `${route.operationId}'s ${status} answer`)) } : {}),
    },
  ]);
  // A refusal that several middleware may give (503) is listed once.
  const refusals = new Set([
    ...contributions.flatMap((contribution) => contribution.refusals ?? []),
    ...(route.refusals ?? []),
    internal,
  ]);
  const byStatus = new Map<number, Refusal[]>([[429, []]]);
  for (const reason of refusals) byStatus.set(reason.status, [...(byStatus.get(reason.status) ?? []), reason]);
  const errors = [...byStatus].map(([status, reasons]): [string, ResponseObject] => {
    const lines = reasons.map(({ code, when }) => `- \`${code}\`: ${when}.`);
    const headers = headerRefs([...everyAnswer, ...reasons.flatMap((reason) => reason.headers ?? [])]);
    if (status !== 429)
      return [
        String(status),
        {
          description: lines.join("\n"),
          headers: { ...headers, ...sometimes(reasons, everyAnswer) },
          content: jsonContent(ref("Error")),
        },
      ];
    // The gateway's 429 has neither our body nor Retry-After.
    const { "Retry-After": retryAfter, ...others } = headers;
    return [
      "429",
      {
        description: [...lines, THROTTLED].join("\n"),
        headers: {
          ...others,
          ...(retryAfter
            ? {
                "Retry-After": {
                  ...HEADERS["Retry-After"],
                  required: false,
                  description: "On our own refusals (`rate_limited`), always.",
                },
              }
            : {}),
        },
        content: jsonContent(reasons.length ? { anyOf: [ref("Error"), ref("Throttled")] } : ref("Throttled")),
      },
    ];
  });
  return Object.fromEntries([...answers, ...errors].sort(([a], [b]) => Number(a) - Number(b)));
}

function operationObject(path: string, gathered: Gathered): OperationObject {
  const { route, contributions } = gathered;
  const { operationId, tag, summary, description } = route;
  const access = route.access ??
    contributions.findLast((contribution) => contribution.access)?.access ?? { anonymous: true };
  const body = contributions.findLast((contribution) => contribution.body)?.body;
  if (body && !route.body) throw new Error(`${operationId} reads a body that its describeRoute does not describe`);
  return {
    operationId,
    tags: [tag],
    summary,
    description,
    security: security(access),
    parameters: parameters(path, gathered),
    ...(body && route.body
      ? {
          requestBody: {
            required: true,
            description: route.body.description,
            content: {
              "application/json": {
                schema: ref(nameOf(body, REQUESTS, `${operationId}'s request body`)),
                example: route.body.example(),
              },
            },
          },
        }
      : {}),
    responses: responses(gathered),
  };
}

const DESCRIPTION = `JSON over HTTPS for systems: ingest articles, file takedown notices (alone or in bulk), and follow them.

Authentication: an API key, sent as \`Authorization: Bearer <key>\`. Operators issue keys with scopes (\`notices:write\`, \`articles:write\`, \`notices:review\`); a key that is sent must be valid, even where no key is needed. A notice's \`statusUrl\` carries a token that reads that notice without a key.

Every call through the API counts against a rate limit, per key or per client IP without one; the RateLimit-Policy and RateLimit headers say where the caller stands, and over the limit the answer is 429 with Retry-After. In front of the API, a gateway also throttles each route across all callers, with a 429 of its own.

A POST may carry an Idempotency-Key header: a retry with the same key and the same request gets the first answer again (with Idempotent-Replayed: true) and does nothing twice. Keys are kept 24 hours, per caller.

Errors answer with \`{ "error": { "code", "message", "issues"? } }\`; each response below lists the codes it may carry.`;

/** The event each webhook endpoint is sent, signed per Standard Webhooks (docs/api.md, "Webhooks"). */
function statusChanged(): WebhookOperation {
  const header = (name: string, description: string): ParameterObject => ({
    name,
    in: "header",
    required: true,
    description,
    schema: { type: "string" },
  });
  return {
    operationId: "noticeStatusChanged",
    tags: ["Webhooks"],
    summary: "A notice's status changed",
    // We call the receiver: its proof is the signature (parameters), not credentials of ours.
    security: [{}],
    description:
      "POSTed to each endpoint of the key that filed the notice, and to each endpoint of every key with " +
      "`notices:review` (for every notice, from when its sender confirmed it), once per change of status, however " +
      "the change was made (an operator's link or console, the review API, the requester, a counter-notice's " +
      "restoration); a status reached again (an appeal's `pending_review`) is a new event, and so is a reversal " +
      "that leaves a notice partially approved. Retried with backoff for 24 hours until an endpoint answers 2xx.",
    parameters: [
      header("webhook-id", "The delivery's id: the same on every retry and replay, so a receiver can drop repeats."),
      header("webhook-timestamp", "When this attempt was signed, in seconds since the epoch."),
      header(
        "webhook-signature",
        "`v1,` and the base64 HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>` under the endpoint's secret.",
      ),
    ],
    requestBody: {
      required: true,
      description: "The event; `data` is the notice as GET /takedowns/{id} shows it at that status.",
      content: jsonContent(ref("WebhookEvent")),
    },
    responses: {
      "200": { description: "Any 2xx within 5 seconds acknowledges the event." },
      "4XX": { description: "Any other answer, or none within 5 seconds, fails the attempt: it is tried again." },
    },
  };
}

function securitySchemes(): Record<string, SecurityScheme> {
  const scoped = ApiKey.SCOPES.map((scope): [string, SecurityScheme] => [
    schemeOf(scope),
    {
      type: "http",
      scheme: "bearer",
      description: `An API key (\`tdk_…\`) with the \`${scope}\` scope.`,
      "x-scope": scope,
    },
  ]);
  return {
    apiKey: {
      type: "http",
      scheme: "bearer",
      description: "An API key (`tdk_…`) issued by an operator, with any scope.",
    },
    ...Object.fromEntries(scoped),
    statusToken: {
      type: "apiKey",
      in: "query",
      name: "token",
      description: "The token in a notice's `statusUrl`; it reads that notice only.",
    },
  };
}

/**
 * The document of the API whose routes are `routes` (Hono's `app.routes`,
 * relative to BASE_PATH), the same for every deployment (`forDeployment`
 * makes it one's), so that it can be computed when the Lambda bundles are
 * built (api-description.ts).
 */
export function documentOf(routes: Registered[]): ApiDescription {
  const paths: OpenApiDocument["paths"] = {};
  for (const endpoint of endpoints([...routes, DOCUMENT_ROUTE])) {
    const path = openApiPath(endpoint.path);
    (paths[path] ??= {})[endpoint.method.toLowerCase() as Method] = operationObject(path, gather(endpoint));
  }
  return {
    openapi: "3.1.1",
    info: {
      title: "Takedown Desk API",
      version: "1",
      description: DESCRIPTION,
      // What LICENSE says.
      license: { name: "MIT License", identifier: "MIT" },
    },
    servers: [{ url: BASE_PATH }],
    tags: [
      { name: "Articles", description: "The articles this site republishes." },
      { name: "Notices", description: "Takedown notices, from filing to decision." },
      {
        name: "Review",
        description:
          "The operators' side, for integrations with a `notices:review` key: decide, reverse and annotate any notice.",
      },
      { name: "Webhooks", description: "Signed events for each status change of the notices a key files." },
      { name: "Reference", description: "This API's description." },
    ],
    paths,
    webhooks: { [Webhook.EVENT_TYPE]: { post: statusChanged() } },
    components: {
      schemas: { ...components(REQUESTS, "input"), ...components(ANSWERS, "output") },
      parameters: {
        IdempotencyKey: {
          name: "Idempotency-Key",
          in: "header",
          required: false,
          description: "Makes a retried POST safe: the same key and request get the first answer, for 24 hours.",
          schema: plain(z.toJSONSchema(Idempotency.Key, { io: "input" })),
        },
      },
      headers: HEADERS,
      securitySchemes: securitySchemes(),
    },
  };
}

/**
 * The document as a deployment serves it: the description, whom to ask
 * about it, and the deployment's own origin where examples name the site.
 */
export function forDeployment(
  description: ApiDescription,
  { publicUrl, noticeEmail }: { publicUrl: string; noticeEmail?: string },
): OpenApiDocument {
  const origin = JSON.stringify(publicUrl).slice(1, -1);
  const ours = JSON.parse(JSON.stringify(description).replaceAll(EXAMPLE_ORIGIN, origin)) as ApiDescription;
  const contact: Contact = {
    name: "The takedown desk",
    url: `${publicUrl}/takedown`,
    ...(noticeEmail ? { email: noticeEmail } : {}),
  };
  return { ...ours, info: { ...ours.info, contact } };
}
