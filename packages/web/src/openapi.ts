/**
 * The OpenAPI 3.1 document of /api/v1: every operation the API serves, with
 * the zod/mini schemas that validate its input (core's) and shape its answers
 * (api-schemas.ts), turned into JSON Schema by zod's own converter. Nothing
 * here is written twice by hand, and tests check both directions: every
 * route is declared here, and every response the suite sees matches.
 *
 * This is a small registry rather than @hono/zod-openapi, which would put
 * classic zod in the API's Lambda bundle; see "OpenAPI" in docs/api.md.
 */
import { ApiKey, Article, config, Idempotency, Notice, Webhook } from "@takedown/core";
import * as z from "zod/mini";
import * as Answers from "./api-schemas";
import { MAX_KEYED_BODY_BYTES } from "./auth";
import { MAX_BODY_BYTES } from "./middleware";

export type JsonSchema = { [keyword: string]: unknown };
export type Ref = { $ref: string };

export type ParameterObject = {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  description?: string;
  schema: JsonSchema;
};

type Json = { "application/json": { schema: JsonSchema } };

export type ResponseObject = { description: string; headers: Record<string, Ref>; content?: Json };

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

export type SecurityScheme =
  | { type: "http"; scheme: "bearer"; description: string }
  | { type: "apiKey"; in: "query"; name: string; description: string };

export type HeaderObject = { description: string; required?: boolean; schema: JsonSchema };

export type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Partial<Record<Operation["method"], OperationObject>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    parameters: Record<string, ParameterObject>;
    headers: Record<string, HeaderObject>;
    securitySchemes: Record<string, SecurityScheme>;
  };
};

/** Where the API is mounted; the document's paths are relative to it. */
export const BASE_PATH = "/api/v1";

type Component = z.core.$ZodType;

/** Request bodies are converted as they are sent (before trimming and other transforms). */
const REQUESTS = {
  NoticeInput: Notice.KeyedInput,
  ArticleInput: Article.IngestInput,
  WebhookInput: Webhook.RegisterInput,
} satisfies Record<string, Component>;

const ANSWERS = {
  ArticleSummary: Answers.ArticleSummary,
  ArticleView: Answers.ArticleView,
  NoticeFiled: Answers.NoticeFiled,
  NoticeSummary: Answers.NoticeSummary,
  NoticeView: Answers.NoticeView,
  NoticeList: Answers.NoticeList,
  Challenge: Answers.Challenge,
  WebhookEndpoint: Answers.WebhookEndpoint,
  WebhookCreated: Answers.WebhookCreated,
  WebhookList: Answers.WebhookList,
  WebhookDelivery: Answers.WebhookDelivery,
  WebhookDeliveryList: Answers.WebhookDeliveryList,
  Error: Answers.ErrorBody,
} satisfies Record<string, Component>;

type SchemaName = keyof typeof REQUESTS | keyof typeof ANSWERS;

const HEADERS = {
  "RateLimit-Policy": {
    description: "The limit this call counts against: per key, or per client IP without one (`\"key\";q=600;w=60`).",
    schema: { type: "string" },
  },
  RateLimit: {
    description: "What is left of it, and in how many seconds it resets (`\"key\";r=598;t=42`).",
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
} satisfies Record<string, HeaderObject>;

type Header = keyof typeof HEADERS;

/** A reason an operation may answer with an error, as the error body's `code` names it. */
type Refusal = { status: number; code: string; when: string; headers?: Header[] };

const kb = (bytes: number) => `${bytes / 1024} KB`;

const refusal = {
  badKey: { status: 401, code: "unauthorized", when: "an API key was sent but is malformed, unknown or revoked" },
  noKey: { status: 401, code: "unauthorized", when: "no API key was sent, and this needs one" },
  scope: { status: 403, code: "forbidden", when: "the API key lacks the scope this needs" },
  rateLimited: {
    status: 429,
    code: "rate_limited",
    when: "the caller is over its rate limit; nothing was done",
    headers: ["Retry-After", "RateLimit-Policy", "RateLimit"],
  },
  internal: { status: 500, code: "internal_error", when: "a fault on our side; nothing is half-done" },
  unavailable: {
    status: 503,
    code: "unavailable",
    when: "the database is busy or away; nothing is half-done, so send the same request again",
    headers: ["Retry-After"],
  },
  malformed: { status: 400, code: "malformed_json", when: "the body is not valid JSON" },
  mediaType: { status: 415, code: "unsupported_media_type", when: "the body is not sent as `application/json`" },
  tooLarge: {
    status: 413,
    code: "payload_too_large",
    when: `the body is over ${kb(MAX_BODY_BYTES)} (${kb(MAX_KEYED_BODY_BYTES)} with an API key)`,
  },
  invalid: { status: 422, code: "validation_failed", when: "fields need attention; `issues` names each" },
  badIdempotencyKey: { status: 422, code: "validation_failed", when: "the Idempotency-Key header is not a usable key" },
  idempotencyMismatch: {
    status: 422,
    code: "idempotency_mismatch",
    when: "this Idempotency-Key was used for a different request",
  },
  proof: {
    status: 422,
    code: "validation_failed",
    when: "without an API key: the Proof-Of-Work header is missing, wrong, expired or already used (issue path `proof`)",
  },
  filingLimit: {
    status: 429,
    code: "rate_limited",
    when: "without an API key: too many notices this hour from this address, or for this email address",
    headers: ["Retry-After"],
  },
  noSuchEndpoint: { status: 404, code: "not_found", when: "this key has no such endpoint (another key's does not exist for it)" },
  idempotencyBusy: {
    status: 409,
    code: "idempotency_conflict",
    when: "a request with this Idempotency-Key is still being processed",
    headers: ["Retry-After"],
  },
} satisfies Record<string, Refusal>;

/** What every call through the API's middleware may meet, whatever the route. */
const EVERY_CALL: Refusal[] = [refusal.badKey, refusal.rateLimited, refusal.internal, refusal.unavailable];
const JSON_BODY: Refusal[] = [refusal.mediaType, refusal.malformed, refusal.tooLarge, refusal.invalid];
const IDEMPOTENT: Refusal[] = [refusal.badIdempotencyKey, refusal.idempotencyMismatch, refusal.idempotencyBusy];

/** Without `body`, the answer has none (204). */
type Answer = { status: number; description: string; body?: SchemaName | JsonSchema };

type Operation = {
  operationId: string;
  method: "get" | "post" | "delete";
  /** Relative to BASE_PATH, with `{name}` for path parameters. */
  path: string;
  tag: "Articles" | "Notices" | "Webhooks" | "Reference";
  summary: string;
  description: string;
  /** Keys that may call it (with `scope`, if one is needed), and whether callers without one may. */
  access: { key?: "any" | ApiKey.Scope; anonymous?: true; statusToken?: true };
  pathParameters?: Record<string, string>;
  /** Request headers the operation reads, besides Authorization and Idempotency-Key. */
  headers?: Record<string, string>;
  query?: { schema: Component; descriptions: Record<string, string> };
  body?: { schema: keyof typeof REQUESTS; description: string; example: () => unknown };
  /** Idempotency-Key is honoured (every POST through the API's middleware). */
  idempotent?: true;
  /** Served ahead of the API's middleware: no key is checked and no rate limit counts it. */
  unmetered?: true;
  answers: Answer[];
  refusals: Refusal[];
};

const noticeExample = () => ({
  requester: { name: "Jane Writer", email: "jane@harbour-gazette.example", role: "author" },
  urls: [`${config().publicUrl}/articles/0123456789abcdef0123`],
  scope: "urls",
  future: false,
  work: "My article on the harbour expansion, first published by the Harbour Gazette.",
  explanation: "I wrote it, and I never licensed its republication here.",
  goodFaith: true,
  accurate: true,
  signature: "Jane Writer",
});

const articleExample = () => ({
  title: "The harbour expansion, one year on",
  author: "Jane Writer",
  sourceName: "Harbour Gazette",
  sourceDomain: "harbour-gazette.example",
  originalUrl: "https://www.harbour-gazette.example/news/harbour-expansion",
  publishedAt: "2026-11-01T10:00:00Z",
  body: "The article's text.",
});

const operations: Operation[] = [
  {
    operationId: "ingestArticle",
    method: "post",
    path: "/articles",
    tag: "Articles",
    summary: "Ingest an article",
    description:
      "Adds or updates (by original URL) an article republished from a feed. An article that a standing " +
      "suppression rule covers is hidden as it arrives.",
    access: { key: "articles:write" },
    body: { schema: "ArticleInput", description: "The article as the feed has it.", example: articleExample },
    idempotent: true,
    answers: [{ status: 200, description: "The article as stored, and whether it is hidden.", body: "ArticleSummary" }],
    refusals: [refusal.noKey, refusal.scope, ...JSON_BODY, ...IDEMPOTENT],
  },
  {
    operationId: "getArticle",
    method: "get",
    path: "/articles/{id}",
    tag: "Articles",
    summary: "Read an article's record",
    description:
      "Anyone may read the record of an article that is shown. A hidden one answers 451 with the references of the notices that hid it, and nothing of the article.",
    access: { anonymous: true },
    pathParameters: { id: "The article's id (20 hex digits), as in its URL on this site." },
    answers: [{ status: 200, description: "The article.", body: "ArticleView" }],
    refusals: [
      { status: 404, code: "not_found", when: "there is no such article" },
      {
        status: 451,
        code: "unavailable_for_legal_reasons",
        when: "the article is hidden: the message and the `Link` header (`rel=\"blocked-by\"`, RFC 7725) name the notices",
      },
    ],
  },
  {
    operationId: "fileNotice",
    method: "post",
    path: "/takedowns",
    tag: "Notices",
    summary: "File a takedown notice",
    description:
      `Without an API key, a notice lists at most ${Notice.MAX_URLS} URLs and waits until its sender confirms ` +
      `their address from the mail we send. With a key that has \`notices:write\`, it may list up to ` +
      `${Notice.MAX_URLS_WITH_KEY.toLocaleString("en")} URLs and goes straight to review, and its mail goes to the ` +
      "key's owner (and to the requester's address only when it is at the owner's domain). A notice with scope " +
      "`author` or `source` covers one source: URLs from several are refused on `scope`. Either way, people " +
      "decide it; the answer only says it was received.",
    access: { anonymous: true, key: "notices:write" },
    headers: {
      "Proof-Of-Work":
        "Required without an API key: `<challenge>:<nonce>`, where the challenge comes from GET /challenge and " +
        "the SHA-256 of the whole value starts with the challenge's `bits` zero bits. Each challenge is good once.",
    },
    body: {
      schema: "NoticeInput",
      description: `The notice. Without an API key, \`urls\` holds at most ${Notice.MAX_URLS} URLs.`,
      example: noticeExample,
    },
    idempotent: true,
    answers: [{ status: 202, description: "Received, and waiting for confirmation or review.", body: "NoticeFiled" }],
    refusals: [refusal.scope, ...JSON_BODY, refusal.proof, refusal.filingLimit, ...IDEMPOTENT],
  },
  {
    operationId: "getChallenge",
    method: "get",
    path: "/challenge",
    tag: "Notices",
    summary: "Get a proof-of-work challenge",
    description:
      "Filing without an API key costs a proof of work, as the form does: solve one challenge per notice " +
      "and send the solution as the Proof-Of-Work header. Filing with a key needs none.",
    access: { anonymous: true },
    answers: [{ status: 200, description: "A fresh challenge.", body: "Challenge" }],
    refusals: [],
  },
  {
    operationId: "listNotices",
    method: "get",
    path: "/takedowns",
    tag: "Notices",
    summary: "List the notices filed with this key",
    description:
      "Newest first, a page at a time. The status filter is applied to each page after it is read, so a page " +
      "may hold fewer than `limit` notices and still have a `cursor`.",
    access: { key: "notices:write" },
    query: {
      schema: Notice.ListQuery,
      descriptions: {
        status: "Only notices with this status.",
        since: "Only notices filed at or after this date-time.",
        cursor: "The `cursor` of the previous page.",
        limit: "Notices read per page: 1 to 100, 25 by default.",
      },
    },
    answers: [{ status: 200, description: "One page of notices.", body: "NoticeList" }],
    refusals: [
      refusal.noKey,
      refusal.scope,
      { status: 422, code: "validation_failed", when: "a filter is not valid, or the cursor belongs to another list" },
    ],
  },
  {
    operationId: "getNotice",
    method: "get",
    path: "/takedowns/{id}",
    tag: "Notices",
    summary: "Read a notice's progress",
    description:
      "With the status token from `statusUrl`, any notice; without one, an API key reads the notices it filed.",
    access: { key: "any", statusToken: true },
    pathParameters: { id: "The notice's id." },
    answers: [{ status: 200, description: "The notice, and what became of each URL.", body: "NoticeView" }],
    refusals: [
      { status: 403, code: "invalid_link", when: "no status token (and no API key) was sent, or the token is not this notice's" },
      { status: 410, code: "expired_link", when: "the status token has expired" },
      { status: 404, code: "not_found", when: "there is no such notice, or this API key did not file it" },
    ],
  },
  {
    operationId: "registerWebhook",
    method: "post",
    path: "/webhooks",
    tag: "Webhooks",
    summary: "Register a webhook endpoint",
    description:
      "Each status change of a notice filed with this key is POSTed to the endpoint as a `notice.status_changed` " +
      "event, signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with the " +
      `secret in this answer, which is never shown again. At most ${Webhook.MAX_ENDPOINTS_PER_KEY} endpoints per key.`,
    access: { key: "notices:write" },
    body: {
      schema: "WebhookInput",
      description: "The endpoint: an https URL whose host resolves only to public addresses.",
      example: () => ({ url: "https://hooks.valleyledger.example/takedowns", description: "Rights desk" }),
    },
    idempotent: true,
    answers: [{ status: 201, description: "Registered; keep the secret.", body: "WebhookCreated" }],
    refusals: [
      refusal.noKey,
      refusal.scope,
      ...JSON_BODY,
      {
        status: 422,
        code: "validation_failed",
        when: `the URL is not https, its host resolves to a private, loopback or reserved address, or the key has ${Webhook.MAX_ENDPOINTS_PER_KEY} endpoints already (issue path \`url\`)`,
      },
      ...IDEMPOTENT,
    ],
  },
  {
    operationId: "listWebhooks",
    method: "get",
    path: "/webhooks",
    tag: "Webhooks",
    summary: "List this key's webhook endpoints",
    description: "Without their secrets.",
    access: { key: "notices:write" },
    answers: [{ status: 200, description: "The key's endpoints.", body: "WebhookList" }],
    refusals: [refusal.noKey, refusal.scope],
  },
  {
    operationId: "deleteWebhook",
    method: "delete",
    path: "/webhooks/{id}",
    tag: "Webhooks",
    summary: "Delete a webhook endpoint",
    description: "Its pending deliveries fail at their next attempt instead of being sent.",
    access: { key: "notices:write" },
    pathParameters: { id: "The endpoint's id." },
    answers: [{ status: 204, description: "Deleted." }],
    refusals: [refusal.noKey, refusal.scope, refusal.noSuchEndpoint],
  },
  {
    operationId: "listWebhookDeliveries",
    method: "get",
    path: "/webhooks/{id}/deliveries",
    tag: "Webhooks",
    summary: "List an endpoint's recent deliveries",
    description:
      "One delivery per status change, retried with exponential backoff (5 s doubling, at most an hour apart) " +
      "for 24 hours from its first attempt, then failed.",
    access: { key: "notices:write" },
    pathParameters: { id: "The endpoint's id." },
    answers: [{ status: 200, description: "The latest deliveries, newest first.", body: "WebhookDeliveryList" }],
    refusals: [refusal.noKey, refusal.scope, refusal.noSuchEndpoint],
  },
  {
    operationId: "replayWebhookDelivery",
    method: "post",
    path: "/webhooks/{id}/deliveries/{deliveryId}/replay",
    tag: "Webhooks",
    summary: "Send a delivery again",
    description:
      "Makes the delivery pending and due at once, with a fresh 24 hours of retries. It is sent with the same body " +
      "and the same `webhook-id`, so a receiver that has it already can drop it.",
    access: { key: "notices:write" },
    pathParameters: { id: "The endpoint's id.", deliveryId: "The delivery's id." },
    idempotent: true,
    answers: [{ status: 202, description: "Queued; the dispatcher sends it within a minute.", body: "WebhookDelivery" }],
    refusals: [
      refusal.noKey,
      refusal.scope,
      refusal.noSuchEndpoint,
      { status: 404, code: "not_found", when: "the endpoint has no such delivery, or it has expired (after 30 days)" },
      ...IDEMPOTENT,
    ],
  },
  {
    operationId: "getOpenApiDocument",
    method: "get",
    path: "/openapi.json",
    tag: "Reference",
    summary: "This document",
    description: "The OpenAPI 3.1 description of this API. It is not rate limited and needs no key.",
    access: { anonymous: true },
    unmetered: true,
    answers: [{ status: 200, description: "The document.", body: { type: "object" } }],
    refusals: [],
  },
];

const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });

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

function parameters(operation: Operation): (ParameterObject | Ref)[] {
  const path = Object.entries(operation.pathParameters ?? {}).map(([name, description]): ParameterObject => ({
    name,
    in: "path",
    required: true,
    description,
    schema: { type: "string" },
  }));
  const query = operation.query;
  const converted: JsonSchema = query ? z.toJSONSchema(query.schema, { io: "input" }) : {};
  const properties = (converted.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set(converted.required as string[] | undefined);
  const queries = Object.entries(properties).map(([name, schema]): ParameterObject => ({
    name,
    in: "query",
    required: required.has(name),
    description: query!.descriptions[name],
    schema,
  }));
  const headers = Object.entries(operation.headers ?? {}).map(([name, description]): ParameterObject => ({
    name,
    in: "header",
    required: false,
    description,
    schema: { type: "string" },
  }));
  const idempotency = operation.idempotent ? [{ $ref: "#/components/parameters/IdempotencyKey" }] : [];
  return [...path, ...queries, ...headers, ...idempotency];
}

function security(access: Operation["access"]): Record<string, string[]>[] {
  return [
    ...(access.anonymous ? [{}] : []),
    ...(access.statusToken ? [{ statusToken: [] }] : []),
    ...(access.key ? [{ apiKey: access.key === "any" ? [] : [access.key] }] : []),
  ];
}

const headerRefs = (headers: Header[]) =>
  Object.fromEntries([...new Set(headers)].map((name) => [name, { $ref: `#/components/headers/${name}` }]));

const jsonContent = (body: SchemaName | JsonSchema): Json => ({
  "application/json": { schema: typeof body === "string" ? ref(body) : body },
});

function responses(operation: Operation): Record<string, ResponseObject> {
  const counted: Header[] = operation.unmetered ? [] : ["RateLimit-Policy", "RateLimit"];
  const replayed: Header[] = operation.idempotent ? ["Idempotent-Replayed"] : [];
  const answers = operation.answers.map(({ status, description, body }): [string, ResponseObject] => [
    String(status),
    { description, headers: headerRefs([...counted, ...replayed]), ...(body ? { content: jsonContent(body) } : {}) },
  ]);
  const refusals = [...operation.refusals, ...(operation.unmetered ? [] : EVERY_CALL)];
  const byStatus = new Map<number, Refusal[]>();
  for (const reason of refusals) byStatus.set(reason.status, [...(byStatus.get(reason.status) ?? []), reason]);
  const errors = [...byStatus].map(([status, reasons]): [string, ResponseObject] => [
    String(status),
    {
      description: reasons.map(({ code, when }) => `- \`${code}\`: ${when}.`).join("\n"),
      // Failures on our side are never stored, so never replayed.
      headers: headerRefs([...counted, ...(status < 500 ? replayed : []), ...reasons.flatMap((r) => r.headers ?? [])]),
      content: jsonContent("Error"),
    },
  ]);
  return Object.fromEntries([...answers, ...errors].sort(([a], [b]) => Number(a) - Number(b)));
}

function operationObject(operation: Operation): OperationObject {
  const { operationId, tag, summary, description, body } = operation;
  return {
    operationId,
    tags: [tag],
    summary,
    description,
    security: security(operation.access),
    parameters: parameters(operation),
    ...(body
      ? {
          requestBody: {
            required: true,
            description: body.description,
            content: { "application/json": { schema: ref(body.schema), example: body.example() } },
          },
        }
      : {}),
    responses: responses(operation),
  };
}

const DESCRIPTION = `JSON over HTTPS for systems: ingest articles, file takedown notices (alone or in bulk), and follow them.

Authentication: an API key, sent as \`Authorization: Bearer <key>\`. Operators issue keys with scopes (\`notices:write\`, \`articles:write\`); a key that is sent must be valid, even where no key is needed. A notice's \`statusUrl\` carries a token that reads that notice without a key.

Every call through the API counts against a rate limit, per key or per client IP without one; the RateLimit-Policy and RateLimit headers say where the caller stands, and over the limit the answer is 429 with Retry-After.

A POST may carry an Idempotency-Key header: a retry with the same key and the same request gets the first answer again (with Idempotent-Replayed: true) and does nothing twice. Keys are kept 24 hours, per caller.

Errors answer with \`{ "error": { "code", "message", "issues"? } }\`; each response below lists the codes it may carry.`;

function build(): OpenApiDocument {
  const paths: OpenApiDocument["paths"] = {};
  for (const operation of operations) {
    (paths[operation.path] ??= {})[operation.method] = operationObject(operation);
  }
  return {
    openapi: "3.1.1",
    info: { title: "Takedown Desk API", version: "1", description: DESCRIPTION },
    servers: [{ url: BASE_PATH }],
    tags: [
      { name: "Articles", description: "The articles this site republishes." },
      { name: "Notices", description: "Takedown notices, from filing to decision." },
      { name: "Webhooks", description: "Signed events for each status change of the notices a key files." },
      { name: "Reference", description: "This API's description." },
    ],
    paths,
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
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: "An API key (`tdk_…`) issued by an operator; the scopes it needs are listed per operation.",
        },
        statusToken: {
          type: "apiKey",
          in: "query",
          name: "token",
          description: "The token in a notice's `statusUrl`; it reads that notice only.",
        },
      },
    },
  };
}

let built: OpenApiDocument | undefined;

/** Built on first use, so a cold start that serves no documentation pays nothing for it. */
export function document(): OpenApiDocument {
  return (built ??= build());
}
