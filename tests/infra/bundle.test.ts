/**
 * The functions as they are shipped: each bundles from its handler file,
 * exports the handler Lambda calls, stays small, and the site's bundle
 * carries no SES client (its mail leaves through the outbox).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { bundle, filesIn, packagesIn, type Bundle } from "../../packages/functions/bundle";
import { handlers } from "../../packages/functions/handlers";

/** What each bundle may weigh: a budget raised on purpose, not a measurement (npm run build prints those). */
const BUDGET = { api: 600 * 1024, dispatch: 520 * 1024, sweep: 520 * 1024, poll: 820 * 1024 };

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

  it(`stays within its size budget`, () => {
    expect(built[name].bytes).toBeLessThan(BUDGET[name]);
  });
});

describe("what the bundles carry", () => {
  it("leaves the SES client out of the site, which only queues mail, and in the functions that send it", () => {
    expect(packagesIn(built.api.metafile)).not.toContain("@aws-sdk/client-ses");
    expect(packagesIn(built.api.metafile)).toContain("@aws-sdk/client-dynamodb");
    expect(packagesIn(built.dispatch.metafile)).toContain("@aws-sdk/client-ses");
    expect(packagesIn(built.sweep.metafile)).toContain("@aws-sdk/client-ses");
  });

  it("validates and describes the API with zod/mini: classic zod, ~440 KB with its locales, stays out", () => {
    const zod = filesIn(built.api.metafile).filter((input) => input.includes("node_modules/zod/"));
    expect(zod.some((input) => input.includes("/v4/mini/"))).toBe(true);
    expect(zod.filter((input) => /\/v4\/(classic|locales)\//.test(input))).toEqual([]);
  });

  it("bundles the AWS SDK a command at a time, not whole service aggregates", () => {
    for (const { metafile } of Object.values(built)) {
      expect(filesIn(metafile).filter((input) => /client-(dynamodb|ses)\/dist-es\/(DynamoDB|SES)\.js$/.test(input))).toEqual([]);
    }
  });
});
