/**
 * The browser's files (packages/web/browser), from our origin so that the CSP
 * needs no exception. Each is named by a hash of its content and cached for
 * good; a page cached before a deploy may still ask for an older name, and
 * gets today's file, cached briefly.
 */
import { Hono } from "hono";
import { buildAssets, type Asset, type Entry } from "../browser/build.mjs";

let built: Map<string, Asset> | undefined;
const assetsBuilt = () => (built ??= new Map(Object.entries(buildAssets())));

/** Where pages link to an entry. */
export const assetPath = (entry: Entry): string => assetsBuilt().get(entry)!.path;

/** `style.TBQMGUJI.css` and `style.css` are both the stylesheet, today's or an older one. */
const entryOf = (file: string) => file.replace(/^([\w-]+)\..*?(\.\w+)$/, "$1$2");

export const assets = new Hono().get("/assets/:file", (c) => {
  const file = c.req.param("file");
  const asset = assetsBuilt().get(entryOf(file));
  if (!asset) return c.notFound();
  const current = asset.path === c.req.path;
  c.header("Cache-Control", current ? "public, max-age=31536000, immutable" : "public, max-age=300");
  return c.body(asset.body, 200, { "Content-Type": asset.type });
});
