/**
 * The browser's files (packages/web/browser) as pages link to them: named by
 * their content and cached for good, so that a deploy changes the name and
 * no reader keeps yesterday's script or stylesheet.
 */
import { app } from "@takedown/web";
import { describe, expect, it } from "vitest";

const linked = async (page: string) => {
  const html = await (await app.request(page)).text();
  return [...html.matchAll(/\s(?:src|href)="(\/assets\/[^"]+)"/g)].map(([, path]) => path!);
};

describe("the browser's files", () => {
  it("are linked by names that carry a hash of their content, and cached for a year", async () => {
    const paths = [...new Set([...(await linked("/takedown")), ...(await linked("/api/docs"))])];
    expect(paths.map((path) => path.replace(/\.[A-Z0-9]{8}\./, ".<hash>.")).sort()).toEqual([
      "/assets/docs.<hash>.js",
      "/assets/pow.<hash>.js",
      "/assets/style.<hash>.css",
    ]);
    for (const path of paths) {
      const response = await app.request(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("cache-control"), path).toBe("public, max-age=31536000, immutable");
      expect(response.headers.get("content-type"), path).toMatch(
        path.endsWith(".css") ? /^text\/css/ : /^text\/javascript/,
      );
    }
  });

  it("are served minified, as the bundler built them", async () => {
    const [style] = (await linked("/takedown")).filter((path) => path.endsWith(".css"));
    const css = await (await app.request(style!)).text();
    expect(css).toContain("box-sizing:border-box");
    expect(css.split("\n").length).toBeLessThan(5);
  });

  it("still give a page cached before a deploy today's file under its older name, cached briefly", async () => {
    const [style] = (await linked("/")).filter((path) => path.endsWith(".css"));
    const current = await (await app.request(style!)).text();
    const older = await app.request("/assets/style.AAAAAAAA.css");
    expect(older.status).toBe(200);
    expect(older.headers.get("cache-control")).toBe("public, max-age=300");
    expect(await older.text()).toBe(current);
  });

  it("answer 404 for a file we do not have", async () => {
    for (const path of ["/assets/nothing.AAAAAAAA.js", "/assets/constructor", "/assets/__proto__.js"]) {
      expect((await app.request(path)).status, path).toBe(404);
    }
  });
});
