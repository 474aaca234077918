/**
 * The Lambda entry points, as SST names handlers: file (from the repository
 * root) and export. The stacks deploy these; `npm run build` measures them.
 */
export const handlers = {
  api: "packages/functions/src/api.handler",
  dispatch: "packages/functions/src/dispatch.handler",
  sweep: "packages/functions/src/sweep.handler",
  poll: "packages/functions/src/poll.handler",
} as const;

/** Lambda's runtime; esbuild targets the same Node version. */
export const runtime = { lambda: "nodejs22.x", esbuild: "node22" } as const;
