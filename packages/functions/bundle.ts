/**
 * Bundles a Lambda entry exactly as SST 4's Node runtime does at deploy
 * (pkg/runtime/node/build.go in SST's CLI: esbuild, ESM, target esnext, its
 * banner, `module` before `main`, keepNames, no source map, minified when the
 * function's `nodejs.minify` says so), from the same properties the stacks
 * pass, so that what is measured and tested here is what a deploy ships.
 */
import { build, type Metafile } from "esbuild";
import { mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { nodejs } from "./handlers";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export type Bundle = { file: string; handler: string; bytes: number; metafile: Metafile };

/** The properties of a function's `nodejs` that SST's build reads; `plugins` is a path from the repository root. */
export type NodeProperties = { minify?: boolean; format?: "esm" | "cjs"; plugins?: string };

const banner = [
  `import { createRequire as topLevelCreateRequire } from 'module';`,
  `const require = topLevelCreateRequire(import.meta.url);`,
  `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
  `const __filename = topLevelFileUrlToPath(import.meta.url)`,
  `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
  "",
].join("\n");

/**
 * Builds a handler ("packages/functions/src/api.handler") into
 * `outdir`/api.mjs; the returned `handler` ("api.handler") is what Lambda calls.
 */
export async function bundle(handler: string, outdir: string, properties: NodeProperties = nodejs): Promise<Bundle> {
  if (properties.format === "cjs") throw new Error("Only ESM bundles are mirrored here.");
  const [path, exported] = splitHandler(handler);
  const base = path.split("/").pop()!;
  const file = join(outdir, `${base}.mjs`);
  await mkdir(outdir, { recursive: true });
  const minify = Boolean(properties.minify);
  const plugins = properties.plugins ? (await import(pathToFileURL(join(root, properties.plugins)).href)).default : [];
  const result = await build({
    entryPoints: [join(root, `${path}.ts`)],
    outfile: file,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "esnext",
    external: ["sharp", "pg-native"],
    mainFields: ["module", "main"],
    keepNames: true,
    minifyWhitespace: minify,
    minifySyntax: minify,
    minifyIdentifiers: minify,
    banner: { js: banner },
    plugins,
    metafile: true,
    logLevel: "error",
  });
  const [output] = Object.values(result.metafile.outputs);
  return { file, handler: `${base}.${exported}`, bytes: output!.bytes, metafile: result.metafile };
}

function splitHandler(handler: string): [path: string, exported: string] {
  const dot = handler.lastIndexOf(".");
  return [handler.slice(0, dot), handler.slice(dot + 1)];
}

/** The files that put code into the bundle (esbuild also lists those tree-shaking emptied). */
export function filesIn(metafile: Metafile): string[] {
  const [output] = Object.values(metafile.outputs);
  return Object.entries(output!.inputs).flatMap(([file, { bytesInOutput }]) => (bytesInOutput ? [file] : []));
}

/** Every package whose code is in a bundle, by name (`@aws-sdk/client-ses`, `hono`…). */
export function packagesIn(metafile: Metafile): Set<string> {
  const names = filesIn(metafile).flatMap((input) => {
    const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)?.pop();
    return match ? [match.slice("node_modules/".length)] : [];
  });
  return new Set(names);
}
