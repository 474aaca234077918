/**
 * `npm run build`: bundles every Lambda function into packages/functions/dist
 * and prints what each weighs, raw and zipped as Lambda stores it.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { bundle, root } from "./bundle";
import { handlers } from "./handlers";

const outdir = join(root, "packages/functions/dist");
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`.padStart(10);

for (const [name, handler] of Object.entries(handlers)) {
  const built = await bundle(handler, join(outdir, name));
  const zipped = gzipSync(await readFile(built.file)).length;
  console.log(`${name.padEnd(10)}${kb(built.bytes)}${kb(zipped)} gzipped   ${built.file.slice(root.length + 1)}`);
}
