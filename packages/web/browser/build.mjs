/**
 * Builds the browser's files (this folder's scripts and stylesheet) with
 * esbuild, in memory. Run by Node (npm start, the tests) on first use, and by
 * the Lambda bundles at bundling time (packages/functions/esbuild-plugins.mjs
 * puts the result in place of this module), so that every runtime serves
 * the same bytes and no runtime needs a build step of its own.
 */
import { buildSync } from "esbuild";
import { basename, dirname, extname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** What each entry is sent as. */
const TYPES = { ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };

export function buildAssets() {
  const { outputFiles } = buildSync({
    absWorkingDir: here,
    entryPoints: ["pow.ts", "docs.ts", "style.css"],
    // The hash names each file by its content, so that it can be cached for good.
    entryNames: "[name].[hash]",
    outdir: "assets",
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2022",
    charset: "utf8",
    write: false,
    logLevel: "error",
  });
  return Object.fromEntries(
    outputFiles.map((file) => {
      const name = basename(file.path);
      const extension = extname(name);
      const entry = `${name.split(".")[0]}${extension}`;
      return [entry, { path: `/assets/${name}`, type: TYPES[extension], body: file.text }];
    }),
  );
}
