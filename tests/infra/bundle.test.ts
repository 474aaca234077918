/**
 * The functions as they are shipped: each bundles from its handler file,
 * exports the handler Lambda calls, stays small, and the site's bundle
 * carries no SES client (its mail leaves through the outbox).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Config } from "@takedown/core/config";
import { beforeAll, describe, expect, it } from "vitest";
import { bundle, chunkOf, filesIn, outputFiles, packagesIn, root, type Bundle } from "../../packages/functions/bundle";
import { handlers, nodejs } from "../../packages/functions/handlers";
import { ensurePlatform } from "../../packages/functions/sst-platform";
import { apiDescription } from "../../packages/web/src/api-description";
import { forDeployment } from "../../packages/web/src/openapi";
import { http } from "./support/events";

/** What each bundle may weigh: a budget raised on purpose, not a measurement (npm run build prints those). */
// The jobs that apply decisions have room for the CloudFront client (~300 KB), a chunk they load on first use.
// The site's includes the OpenAPI description as data (~110 KB; gzipped, the bundle weighs what it did with the generator).
const BUDGET = {
  api: 480 * 1024,
  dispatch: 600 * 1024,
  sweep: 600 * 1024,
  mailEvents: 200 * 1024,
  poll: 820 * 1024,
  digest: 300 * 1024,
};

const built = {} as Record<keyof typeof handlers, Bundle>;

beforeAll(async () => {
  const out = mkdtempSync(join(tmpdir(), "takedown-bundle-"));
  for (const [name, handler] of Object.entries(handlers)) {
    built[name as keyof typeof handlers] = await bundle(handler, join(out, name));
  }
});

describe.each(Object.keys(handlers) as (keyof typeof handlers)[])("the %s function", (name) => {
  it("exports the handler Lambda is told to call", async () => {
    const { handler, file } = built[name];
    const exported = handler.split(".").pop()!;
    const module = await import(file);
    expect(typeof module[exported]).toBe("function");
  });

  it(`stays within its size budget, its chunks included`, () => {
    expect(built[name].totalBytes).toBeLessThan(BUDGET[name]);
  });
});

describe("what the bundles carry", () => {
  it("speaks DynamoDB and SES without the SDK: at init no function loads an SDK client, only util-dynamodb's marshalling", () => {
    for (const b of Object.values(built)) {
      for (const client of ["@aws-sdk/client-dynamodb", "@aws-sdk/lib-dynamodb", "@aws-sdk/client-ses"])
        expect(packagesIn(b)).not.toContain(client);
      const sdk = [...packagesIn(b, true)].filter((p) => /^@(aws-sdk|smithy)\//.test(p));
      expect(sdk.filter((p) => p !== "@aws-sdk/util-dynamodb")).toEqual([]);
    }
  });

  it("leaves the mail client out of the site, which only queues mail, and in the functions that send it", () => {
    const mailClient = "packages/core/src/aws/ses.ts";
    expect(filesIn(built.api)).not.toContain(mailClient);
    for (const name of ["dispatch", "sweep", "digest"] as const)
      expect(filesIn(built[name], true)).toContain(mailClient);
  });

  it("starts the site with its shell alone: each group of routes, and core behind them, loads on its first request", () => {
    const init = filesIn(built.api, true);
    const everything = filesIn(built.api);
    for (const group of [
      "routes/api.ts",
      "routes/site.tsx",
      "routes/articles.tsx",
      "routes/console.tsx",
      "openapi.ts",
    ]) {
      expect(everything.some((file) => file.endsWith(`web/src/${group}`))).toBe(true);
      expect(init.filter((file) => file.endsWith(`web/src/${group}`))).toEqual([]);
    }
    // Core at init: what the shell and its error page need, not the domain.
    expect(init.filter((file) => file.includes("packages/core/")).sort()).toEqual(
      ["config", "errors", "logger", "paths", "sender"].map((name) => `packages/core/src/${name}.ts`),
    );
  });

  it("loads for a reader's first article page the domain it reads, not the notices, counter-notices and webhooks others need", () => {
    // The article page's group, with the chunks it imports: what its first request loads after init.
    const core = filesIn(built.api, true, chunkOf(built.api, "packages/web/src/routes/articles.tsx"))
      .filter((file) => file.startsWith("packages/core/src/"))
      .map((file) => file.slice("packages/core/src/".length));
    expect(core).toContain("article.ts");
    expect(core).toContain("suppression.ts");
    for (const other of ["notice.ts", "counter-notice.ts", "webhook.ts", "outbox.ts", "present.ts", "moderation.ts"])
      expect(core).not.toContain(other);
  });

  it("carries the API's OpenAPI description computed at bundling time, not its generator and zod's JSON Schema converter", async () => {
    const converter = /node_modules\/zod\/v4\/core\/(to-json-schema|json-schema-processors)\.js$/;
    expect(filesIn(built.api).filter((file) => converter.test(file))).toEqual([]);
    const { handler } = await import(built.api.file);
    const answer = await handler(http("GET", "/api/v1/openapi.json"), { awsRequestId: "bundle-test" });
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toEqual(forDeployment(apiDescription(), Config.fromEnv(process.env)));
  });

  it("renders mail with Hono's server-side JSX alone: the jobs that mail load neither its DOM renderer nor its hooks", () => {
    for (const name of ["dispatch", "sweep", "digest"] as const) {
      const init = filesIn(built[name], true);
      expect(init.some((file) => file.endsWith("packages/core/src/render/mail.tsx"))).toBe(true);
      expect(init.filter((file) => /node_modules\/hono\/dist\/jsx\/(dom\/render\.js|hooks\/)/.test(file))).toEqual([]);
    }
  });

  it("leaves the CloudFront client out of the site, which never invalidates: its cold start stays as it was", () => {
    expect(packagesIn(built.api)).not.toContain("@aws-sdk/client-cloudfront");
  });

  it("loads the CloudFront client in the jobs that apply decisions on their first invalidation, not at init", async () => {
    for (const name of ["dispatch", "sweep"] as const) {
      const chunk = await import(chunkOf(built[name], "packages/core/src/aws/cloudfront.ts"));
      expect(typeof chunk.cloudfront).toBe("function");
      expect(typeof chunk.CreateInvalidationCommand).toBe("function");
      expect(packagesIn(built[name])).toContain("@aws-sdk/client-cloudfront");
      expect(packagesIn(built[name], true)).not.toContain("@aws-sdk/client-cloudfront");
    }
  });

  it("requires Node's built-in modules rather than importing them, so no cold start builds their ES module facades", () => {
    for (const { metafile } of Object.values(built)) {
      const imported = Object.values(metafile.outputs).flatMap((output) =>
        output.imports.filter((i) => i.external && i.kind === "import-statement").map((i) => i.path),
      );
      expect(imported).toEqual([]);
    }
  });

  it("ships what SST ships: ESM with SST's banner (the stacks test checks the build's properties are the stacks')", () => {
    for (const { file } of Object.values(built)) {
      const code = readFileSync(file, "utf8");
      expect(code.startsWith("import { createRequire as topLevelCreateRequire } from 'module';")).toBe(true);
      expect(code).toContain("const __dirname = topLevelFileUrlToPath(");
    }
  });

  it("validates and describes the API with zod/mini: classic zod, ~440 KB with its locales, stays out", () => {
    const zod = filesIn(built.api).filter((input) => input.includes("node_modules/zod/"));
    expect(zod.some((input) => input.includes("/v4/mini/"))).toBe(true);
    expect(zod.filter((input) => /\/v4\/(classic|locales)\//.test(input))).toEqual([]);
  });

  it("gives the site its browser files built at bundling time, and leaves esbuild out", async () => {
    const { buildAssets } = await import("../../packages/web/browser/build.mjs");
    const code = outputFiles(built.api)
      .map((file) => readFileSync(file, "utf8"))
      .join("\n");
    // A file's name carries the hash of its content.
    for (const asset of Object.values(buildAssets())) expect(code).toContain(asset.path);
    expect(packagesIn(built.api)).not.toContain("esbuild");
  });

  it("gives SST's plugin host the built files for build.mjs and the API's description, and built-ins required, on a stdout that carries nothing else", async () => {
    // At deploy SST runs nodejs.plugins in a Node process of its own and talks to it in JSON lines on stdin and stdout.
    ensurePlatform();
    const host = spawn(process.execPath, [
      join(root, ".sst/platform/functions/nodejs-runtime/plugin.mjs"),
      join(root, nodejs.plugins),
    ]);
    const modules = ["packages/web/browser/build.mjs", "packages/web/src/api-description.ts"].map((m) => join(root, m));
    host.stdin.end(
      [
        ...modules.map((path, i) => ({ id: i + 1, command: "load", path, value: { path, namespace: "file" } })),
        {
          id: 3,
          command: "resolve",
          path: "node:process",
          value: { path: "node:process", kind: "import-statement", namespace: "file", resolveDir: root },
        },
        { id: 4, command: "load", path: "process", value: { path: "process", namespace: "node-builtin" } },
        { id: 5, command: "load", path: "process", value: { path: "process", namespace: "file" } },
      ]
        .map((message) => `${JSON.stringify(message)}\n`)
        .join(""),
    );
    let stdout = "";
    for await (const chunk of host.stdout) stdout += chunk;
    const replies = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { id: number; value: Record<string, unknown> & { contents: string } });
    expect(replies.map(({ id }) => id).sort()).toEqual([1, 2, 3, 4, 5]);
    const value = (id: number) => replies.find((reply) => reply.id === id)!.value;
    const contents = (id: number) => value(id).contents;
    const { buildAssets } = await import("../../packages/web/browser/build.mjs");
    for (const asset of Object.values(buildAssets())) expect(contents(1)).toContain(asset.path);
    expect(contents(2)).toContain(JSON.stringify(apiDescription()));
    // A built-in imported is required instead; a file of the same name is left to esbuild.
    expect(value(3)).toEqual({ path: "process", namespace: "node-builtin", sideEffects: false });
    expect(contents(4)).toBe("module.exports = process;");
    expect(value(5)).toEqual({});
  });

  it("bundles the AWS SDK a command at a time, not whole service aggregates", () => {
    for (const b of Object.values(built)) {
      expect(filesIn(b).filter((input) => /client-cloudfront\/dist-es\/CloudFront\.js$/.test(input))).toEqual([]);
    }
  });
});
