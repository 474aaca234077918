/**
 * The Lambda entry points, as SST names handlers: file (from the repository
 * root) and export. The stacks deploy these; `npm run build` measures them.
 */
export const handlers = {
  api: "packages/functions/src/api.handler",
  dispatch: "packages/functions/src/dispatch.handler",
  sweep: "packages/functions/src/sweep.handler",
  mailEvents: "packages/functions/src/ses-events.handler",
  poll: "packages/functions/src/poll.handler",
  digest: "packages/functions/src/digest.handler",
} as const;

/**
 * Lambda's runtime: Node 24, the newest LTS SST 4.17.1 offers (its Function
 * takes nodejs20.x, 22.x or 24.x); 22 leaves standard support on 30 April 2027.
 */
export const runtime = "nodejs24.x";

/**
 * What the stacks give SST's Node build (`nodejs` of sst.aws.Function), and
 * so what bundle.ts builds with. SST's build ignores a string esbuild
 * `target` (its Go side expects esbuild's enum) and targets esnext; it
 * minifies only when told to, whatever its docs say the default is.
 */
export const nodejs = {
  format: "esm",
  minify: true,
  plugins: "packages/functions/esbuild-plugins.mjs",
  // What loads on first use becomes a chunk: the web app's route groups (packages/web/src/lazy.ts),
  // the CloudFront client in the jobs that invalidate (core's cdn.ts).
  splitting: true,
} as const;
