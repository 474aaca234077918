import { bundle } from "/work/main/packages/functions/bundle";
const b = await bundle(process.argv[2] ?? "packages/functions/src/api.handler", "/tmp/cs/out");
const [out] = Object.values(b.metafile.outputs);
const byPkg = new Map<string, number>();
for (const [f, { bytesInOutput }] of Object.entries(out!.inputs)) {
  const m = f.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)?.pop()?.slice(13) ?? (f.startsWith("packages/") ? f.split("/").slice(0,2).join("/") : f);
  byPkg.set(m, (byPkg.get(m) ?? 0) + bytesInOutput);
}
for (const [k, v] of [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log((v/1024).toFixed(1).padStart(7), k);
