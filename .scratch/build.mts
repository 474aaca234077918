import { build } from "esbuild";
import { bundle } from "/work/main/packages/functions/bundle";
const out = process.argv[2] ?? "/tmp/cs/out";
for (const h of ["packages/functions/src/api.handler","packages/functions/src/dispatch.handler","packages/functions/src/sweep.handler"]) {
  const b = await bundle(h, out); console.log(h, (b.bytes/1024).toFixed(1), "KB");
}
await build({ entryPoints: ["/work/main/packages/functions/src/zz-hello.ts"], outfile: out + "/hello.mjs", bundle: true, platform: "node", format: "esm", target: "node22", mainFields: ["module","main"], keepNames: true, minify: true, nodePaths: ["/work/main/node_modules"], banner: { js: 'import { createRequire as topLevelCreateRequire } from "module";\nconst require = topLevelCreateRequire(import.meta.url);' } });
