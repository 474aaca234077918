/**
 * The API reference in a real browser, served on Node as `npm start` serves
 * it: a reader finds every operation and schema, an integrator ingests an
 * article and reads it back from the page's own forms, and the page never
 * reaches past this machine's server.
 */
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserMissing, launch, ORIGIN, PORT, SHOTS } from "../support/browser";
import { unique } from "../support/fixtures";

type OpenApi = {
  paths: Record<string, Record<string, { operationId: string; summary: string }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
};

const missing = browserMissing();

describe.skipIf(missing)("the API reference in a browser", () => {
  let browser: Browser;
  let page: Page;
  let server: { close: () => Promise<void> };
  const requested: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    const { serve } = await import("../../packages/local/src/serve");
    server = await serve(PORT);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    page.on("request", (request) => requested.push(request.url()));
    // Chromium logs every 4xx a script fetches; the page asks for one on purpose.
    page.on("console", (message) => {
      if (message.type() === "error" && !/status of 4\d\d/.test(message.text())) problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("shows a reader every operation and every schema, with JavaScript off", async () => {
    const document = (await (await fetch(`${ORIGIN}/api/v1/openapi.json`)).json()) as OpenApi;
    const page = await browser.newPage({ javaScriptEnabled: false });
    await page.goto(`${ORIGIN}/api/docs`);
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ line: `${method.toUpperCase()} ${path}`, ...operation })),
    );
    const listed = await page.getByRole("navigation", { name: "Operations" }).getByRole("link").allInnerTexts();
    expect(listed.sort()).toEqual(operations.map(({ line }) => line).sort());
    for (const { operationId, summary } of operations) {
      await expect
        .poll(() => page.locator(`#${operationId}`).getByText(summary, { exact: true }).isVisible())
        .toBe(true);
    }

    // A schema as a reader meets it: linked from an answer, with its fields and their types.
    const answer = page.locator("#getArticle dl.responses dt", { hasText: /^200/ }).getByRole("link");
    const name = await answer.innerText();
    await answer.click();
    const schema = page.locator(`#schema-${name}`);
    expect(await schema.getByRole("heading").innerText()).toBe(name);
    const { properties, required } = document.components.schemas[name]!;
    for (const field of Object.keys(properties!)) {
      const item = schema.locator(":scope > ul.schema > li", {
        has: page.locator(`:scope > code`, { hasText: new RegExp(`^${field}$`) }),
      });
      await expect.poll(() => item.isVisible(), { message: field }).toBe(true);
      expect(await item.innerText(), field).toContain(
        required?.includes(field) ? `${field}: ` : `${field} (optional): `,
      );
    }
    expect(Object.keys(document.components.schemas).length).toBeGreaterThan(1);
    for (const other of Object.keys(document.components.schemas)) {
      expect(await page.locator(`#schema-${other} > h3`).isVisible(), other).toBe(true);
    }
    await page.close();
  });

  /** Fills an operation's form, sends it and waits for the answer it shows. */
  async function send(operationId: string, fields: Record<string, string>) {
    const form = page.locator(`#${operationId} form.try`);
    for (const [id, value] of Object.entries(fields)) await form.locator(`#${id}`).fill(value);
    await form.locator("button[type=submit]").click();
    const status = form.locator(".try-status");
    await expect.poll(() => status.innerText()).toMatch(/^\d{3} /);
    return { status: await status.innerText(), body: await form.locator(".try-body").innerText() };
  }

  it("sends requests from the page and shows the answers", { timeout: 60_000 }, async () => {
    const opened = await page.goto(`${ORIGIN}/api/docs`);
    expect(opened?.status()).toBe(200);
    expect(await page.locator("h1").innerText()).toBe("Takedown Desk API");

    // The body comes prefilled with the document's example; make it this run's own.
    const body = page.locator("#ingestArticle-body");
    const example = JSON.parse(await body.inputValue()) as Record<string, string>;
    const originalUrl = `https://www.harbour-gazette.example/news/${unique()}`;
    await body.fill(JSON.stringify({ ...example, originalUrl }));
    const refused = await send("ingestArticle", {});
    expect(refused.status).toMatch(/^401 /);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: "unauthorized" } });

    const ingested = await send("ingestArticle", { "ingestarticle-bearer-authorization": "test-ingest-token" });
    expect(ingested.status).toMatch(/^200 /);
    const article = JSON.parse(ingested.body) as { id: string; hidden: boolean };
    expect(article.hidden).toBe(false);

    const read = await send("getArticle", { "getarticle-path-id": article.id });
    expect(read.status).toMatch(/^200 /);
    expect(JSON.parse(read.body)).toMatchObject({ id: article.id, originalUrl, title: example.title });
    expect(await page.locator("#getArticle .try-headers").innerText()).toMatch(/^content-type: application\/json/m);
    await page.locator("#getArticle").screenshot({ path: resolve(SHOTS, "browser-api-docs.png") });

    expect(problems).toEqual([]);
    expect(requested.length).toBeGreaterThan(3);
    expect(requested.filter((url) => new URL(url).origin !== ORIGIN)).toEqual([]);
  });
});
