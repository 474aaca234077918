import { build } from "esbuild";
for (const n of ["sdk"]) {
  await build({ entryPoints: [`/work/main/.scratch/exp/${n}.ts`], outfile: `/tmp/cs/out/${n}.mjs`, bundle: true, platform: "node", format: "esm", target: "node22", mainFields: ["module","main"], keepNames: true, minify: true, banner: { js: 'import { createRequire as topLevelCreateRequire } from "module";\nconst require = topLevelCreateRequire(import.meta.url);' } });
}
