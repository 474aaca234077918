/**
 * Bundles a Lambda entry exactly as SST 4's Node runtime does at deploy
 * (pkg/runtime/node/build.go in SST's CLI: esbuild, ESM, target esnext, its
 * banner, `module` before `main`, keepNames, no source map, minified when the
 * function's `nodejs.minify` says so), from the same properties the stacks
 * pass, so that what is measured and tested here is what a deploy ships.
 */
import { build, type Metafile } from "esbuild";
import { mkdir, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { nodejs } from "./handlers";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * `file` is the entry Lambda imports at init; `bytes` is what init loads (the
 * entry and the chunks it imports), `totalBytes` that and the chunks a request
 * may load later (`import()`) together.
 */
export type Bundle = { file: string; handler: string; bytes: number; totalBytes: number; metafile: Metafile };

/** The properties of a function's `nodejs` that SST's build reads; `plugins` is a path from the repository root. */
export type NodeProperties = { minify?: boolean; format?: "esm" | "cjs"; plugins?: string; splitting?: boolean };

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
  // A build before this one may have left chunks of other names.
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const minify = Boolean(properties.minify);
  const plugins = properties.plugins ? (await import(pathToFileURL(join(root, properties.plugins)).href)).default : [];
  const result = await build({
    entryPoints: [join(root, `${path}.ts`)],
    // As SST's build: with splitting, the entry keeps its name and chunks sit beside it.
    ...(properties.splitting ? { outdir, splitting: true, outExtension: { ".js": ".mjs" } } : { outfile: file }),
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
    // The metafile's paths are relative to this.
    absWorkingDir: root,
    logLevel: "error",
  });
  const built = { file, metafile: result.metafile };
  const [bytes, totalBytes] = [bytesOf(built, true), bytesOf(built)];
  return { file, handler: `${base}.${exported}`, bytes, totalBytes, metafile: result.metafile };
}

/** What the bundle's files that can run weigh (`outputFiles`): at init only, or with the chunks requests load. */
function bytesOf(built: Pick<Bundle, "file" | "metafile">, initOnly = false): number {
  const outputs = outputsByPath(built.metafile);
  return outputFiles(built, initOnly).reduce((sum, path) => sum + outputs.get(path)!.bytes, 0);
}

/** The metafile's outputs by absolute path (it names them relative to the root). */
function outputsByPath(metafile: Metafile) {
  return new Map(Object.entries(metafile.outputs).map(([name, output]) => [resolve(root, name), output]));
}

/** What esbuild says of the file Lambda imports, its chunks aside. */
export function entryOf({ file, metafile }: Pick<Bundle, "file" | "metafile">) {
  return outputsByPath(metafile).get(file)!;
}

/**
 * The bundle's files that can run, by absolute path: the entry and the chunks
 * it imports, with `import()` too unless `initOnly` (then only what a cold
 * start runs). esbuild also writes a chunk for each `import()` inside code
 * that tree-shaking removed (one in the CloudFront client's chunk); nothing
 * loads those, and they are left out here. `from` starts elsewhere
 * than the entry: at a route group's chunk (`chunkOf`).
 */
export function outputFiles(
  { file, metafile }: Pick<Bundle, "file" | "metafile">,
  initOnly = false,
  from = file,
): string[] {
  const byPath = outputsByPath(metafile);
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path) || !byPath.has(path)) return;
    seen.add(path);
    for (const imported of byPath.get(path)!.imports) {
      if (imported.kind === "import-statement" || (!initOnly && imported.kind === "dynamic-import"))
        visit(resolve(root, imported.path));
    }
  };
  visit(from);
  return [...seen];
}

/** The chunk esbuild made for a module the code `import()`s (a route group's, by its source path from the root). */
export function chunkOf({ metafile }: Pick<Bundle, "metafile">, source: string): string {
  const [path] = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint === source) ?? [];
  if (!path) throw new Error(`No chunk of its own for ${source}`);
  return resolve(root, path);
}

/** The source files whose code is in the bundle's files that can run (esbuild also lists those tree-shaking emptied). */
export function filesIn(built: Pick<Bundle, "file" | "metafile">, initOnly = false, from = built.file): string[] {
  const outputs = outputsByPath(built.metafile);
  const files = outputFiles(built, initOnly, from).flatMap((path) =>
    Object.entries(outputs.get(path)!.inputs).flatMap(([input, { bytesInOutput }]) => (bytesInOutput ? [input] : [])),
  );
  return [...new Set(files)];
}

/** Every package whose code is in a bundle, by name (`@aws-sdk/client-ses`, `hono`…). */
export function packagesIn(built: Pick<Bundle, "file" | "metafile">, initOnly = false): Set<string> {
  const names = filesIn(built, initOnly).flatMap((input) => {
    const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)?.pop();
    return match ? [match.slice("node_modules/".length)] : [];
  });
  return new Set(names);
}

function splitHandler(handler: string): [path: string, exported: string] {
  const dot = handler.lastIndexOf(".");
  return [handler.slice(0, dot), handler.slice(dot + 1)];
}
