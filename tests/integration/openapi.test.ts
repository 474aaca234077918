/**
 * The API's description: the OpenAPI 3.1 document, that it covers exactly the
 * routes the app serves, and the reference page that needs nothing but this
 * site. (That every response matches the document is checked all through the
 * suite: see tests/support/openapi-responses.ts.)
 */
import { config } from "@takedown/core";
import { app, servedRoutes } from "@takedown/web";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { document } from "../../packages/web/src/routes/docs";
import { EXAMPLE_ORIGIN } from "../../packages/web/src/described";
import { BASE_PATH, documentOf, type OpenApiDocument } from "../../packages/web/src/openapi";
import { api } from "../../packages/web/src/routes/api";
import { call, newKey } from "../support/api";
import { check, checkWebhookEvent } from "../support/openapi-responses";

/** "METHOD /path" for each operation, in the document's own path syntax. */
const declared = (doc: OpenApiDocument) =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
  );

describe("the OpenAPI document", () => {
  it("is served at /api/v1/openapi.json and is valid OpenAPI 3.1", async () => {
    const response = await app.request(`${BASE_PATH}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const served = (await response.json()) as OpenApiDocument;
    expect(served.openapi).toMatch(/^3\.1\.\d+$/);

    const validator = new Validator();
    const result = await validator.validate(served);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("declares every route the API serves, and no route it does not", async () => {
    const served = (await servedRoutes())
      .filter((route) => route.method !== "ALL" && route.path.startsWith(`${BASE_PATH}/`))
      .map((route) => `${route.method} ${route.path.slice(BASE_PATH.length).replace(/:(\w+)/g, "{$1}")}`);
    expect([...new Set(served)].sort()).toEqual(declared(document()).sort());
  });

  it("names this deployment in its contact and in its examples' links to the site", async () => {
    const served = (await (await app.request(`${BASE_PATH}/openapi.json`)).json()) as OpenApiDocument;
    const { publicUrl } = config();
    expect(served.info.contact.url).toBe(`${publicUrl}/takedown`);
    const example = (path: string) => served.paths[path]!.post!.requestBody!.content["application/json"].example;
    expect(example("/takedowns")).toMatchObject({ urls: [`${publicUrl}/articles/0123456789abcdef0123`] });
    expect(example("/counter-notices")).toMatchObject({ article: `${publicUrl}/articles/0123456789abcdef0123` });
    expect(JSON.stringify(served)).not.toContain(EXAMPLE_ORIGIN);
  });

  it("is generated from the routes, so a route without a description cannot be added", () => {
    const undescribed = new Hono().get("/reports", (c) => c.json({}));
    expect(() => documentOf([...api.routes, ...undescribed.routes])).toThrow(
      "GET /reports needs one describeRoute(…), not 0",
    );
  });

  it("requires the scope each route's middleware enforces: 401 without a key, 403 with a key of another scope", async () => {
    const doc = document();
    const schemes = doc.components.securitySchemes;
    const scoped = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).flatMap(([method, operation]) => {
        const scopes = operation!.security.flatMap((requirement) =>
          Object.keys(requirement).flatMap((name) => {
            const scheme = schemes[name]!;
            return scheme.type === "http" && scheme["x-scope"] ? [scheme["x-scope"]] : [];
          }),
        );
        return scopes.map((scope) => ({
          method,
          path,
          scope,
          anonymous: operation!.security.some((r) => !Object.keys(r).length),
        }));
      }),
    );
    expect(scoped.map(({ method, path, scope }) => `${method} ${path} ${scope}`)).toContain(
      "delete /webhooks/{id} notices:write",
    );
    expect(scoped.map(({ method, path, scope }) => `${method} ${path} ${scope}`)).toContain(
      "post /articles articles:write",
    );
    const keys = {
      "notices:write": await newKey(["articles:write"]),
      "articles:write": await newKey(["notices:write"]),
      "notices:review": await newKey(["articles:write"]),
    };
    for (const { method, path, scope, anonymous } of scoped) {
      const url = path.replace(/\{\w+\}/g, "0123456789abcdef0123");
      const body = method === "post" ? {} : undefined;
      const withOtherScope = await call(method.toUpperCase(), url, { key: keys[scope].secret, body });
      expect(withOtherScope.status, `${method} ${path} with a key without ${scope}`).toBe(403);
      if (anonymous) continue;
      const withoutKey = await call(method.toUpperCase(), url, { body });
      expect(withoutKey.status, `${method} ${path} without a key`).toBe(401);
    }
  });

  it("describes a route registered ahead of the API's middleware without it: no key is checked, no limit counted", async () => {
    const challenge = document().paths["/challenge"]!.get!;
    expect(challenge.security).toEqual([{}]);
    expect(Object.keys(challenge.responses)).not.toContain("401");
    expect(challenge.responses["200"]!.headers).toEqual({});
    const answer = await call("GET", "/challenge", { key: "tdk_not-a-key" });
    expect(answer.status).toBe(200);
    expect(answer.headers.has("RateLimit")).toBe(false);
  });

  it("gives request examples that the API accepts as they are", async () => {
    const doc = document();
    const example = (path: string) => doc.paths[path]!.post!.requestBody!.content["application/json"].example;
    const ingested = await call("POST", "/articles", { key: config().ingestToken, body: example("/articles") });
    expect(ingested.status).toBe(200);
    const filer = await newKey(["notices:write"]);
    const filed = await call("POST", "/takedowns", { key: filer.secret, body: example("/takedowns") });
    expect(filed.status).toBe(202);
  });
});

describe("the suite's check of every API response", () => {
  const article = new Request("http://localhost/api/v1/articles/0123456789abcdef0123");
  const error = { error: { code: "teapot", message: "No." } };

  it("refuses a status the operation does not declare", async () => {
    await expect(check(article, Response.json(error, { status: 418 }))).rejects.toThrow(
      "GET /articles/{id} answered 418, which the OpenAPI document does not declare",
    );
  });

  it("refuses a body its schema does not allow, naming what is wrong", async () => {
    const answer = Response.json({ id: "0123456789abcdef0123", hidden: "no", extra: 1 });
    const refusal = check(article, answer);
    await expect(refusal).rejects.toThrow("body must have required property 'url'");
    await expect(refusal).rejects.toThrow("body/hidden must be boolean");
    await expect(refusal).rejects.toThrow("body must NOT have additional properties ('extra')");
  });

  it("refuses an answer without a header the document requires", async () => {
    const busy = Response.json(error, { status: 503 });
    await expect(check(article, busy)).rejects.toThrow("without the Retry-After header");
  });

  it("refuses a webhook event the document's webhook does not allow", () => {
    const event = {
      type: "notice.status_changed",
      timestamp: "2026-11-29T05:15:21.004Z",
      data: { id: "0mx1c4kxx8twa9ynck6q" },
    };
    expect(() => checkWebhookEvent(event)).toThrow("body/data must have required property 'status'");
    expect(() => checkWebhookEvent({ ...event, type: "notice.deleted" })).toThrow(
      "body/type must be equal to constant",
    );
  });

  it("lets a conforming answer through, and paths the document does not cover", async () => {
    await expect(check(article, Response.json(error, { status: 404 }))).resolves.toEqual({
      key: "GET /articles/{id}",
      status: "404",
    });
    await expect(
      check(new Request("http://localhost/api/v1/nowhere"), new Response("?", { status: 404 })),
    ).resolves.toBeUndefined();
  });
});

describe("the API reference at /api/docs", () => {
  it("renders every operation, each with a form to try it", async () => {
    const response = await app.request("/api/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    for (const [path, methods] of Object.entries(document().paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        expect(html).toContain(`id="${operation!.operationId}"`);
        expect(html).toContain(`data-method="${method.toUpperCase()}" data-url="${BASE_PATH}${path}"`);
      }
    }
  });

  it("loads nothing but its own script and stylesheet, from this site", async () => {
    const response = await app.request("/api/docs");
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await response.text();

    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map(([, attributes]) => attributes!.trim())).toEqual([
      expect.stringMatching(/^src="\/assets\/docs\.\w+\.js" defer=""$/),
    ]);
    expect(scripts.every(([, , inline]) => inline === "")).toBe(true);
    expect(html).not.toMatch(/\son\w+=/i);
    expect(html).not.toMatch(/\sstyle=/i);

    const references = [...html.matchAll(/\s(?:src|href|action|srcset|poster|formaction)="([^"]*)"/g)].map(
      ([, url]) => url,
    );
    expect(references.length).toBeGreaterThan(0);
    for (const url of references) expect(url, url).toMatch(/^(\/(?!\/)|#)/);

    // Absolute URLs appear only as example data: this site's own, or names
    // under .example, which is reserved and never resolves.
    const ours = new URL(config().publicUrl).host;
    const hosts = [...html.matchAll(/https?:\/\/([^/"'\s<>]+)/g)].map(([, host]) => host!);
    expect(hosts.filter((host) => host !== ours && !/\.example$/.test(host))).toEqual([]);
  });

  it("serves its script as JavaScript, from our origin, with no other origin in it", async () => {
    const html = await (await app.request("/api/docs")).text();
    const response = await app.request(/<script src="([^"]+)"/.exec(html)![1]!);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/javascript/);
    const script = await response.text();
    expect(script).toContain("fetch(");
    expect(script).not.toMatch(/https?:|\/\/[a-z]/i);
  });
});
