/**
 * `npm run build`: bundles every Lambda function into packages/functions/dist
 * and prints what each weighs: what its init loads, and all it can load
 * (its chunks included), raw and gzipped.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { bundle, outputFiles, root } from "./bundle";
import { handlers } from "./handlers";

const outdir = join(root, "packages/functions/dist");
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`.padStart(10);

for (const [name, handler] of Object.entries(handlers)) {
  const built = await bundle(handler, join(outdir, name));
  const files = outputFiles(built);
  const zipped = gzipSync(Buffer.concat(await Promise.all(files.map((file) => readFile(file))))).length;
  console.log(
    `${name.padEnd(10)}${kb(built.bytes)} at init${kb(built.totalBytes)} in ${files.length} file(s)${kb(zipped)} gzipped   ${built.file.slice(root.length + 1)}`,
  );
}
