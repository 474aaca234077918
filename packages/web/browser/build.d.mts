/** A built file: where pages link to it, what it is sent as, and its content. */
export type Asset = { path: string; type: string; body: string };

/** The built files by entry name: `pow.js`, `docs.js`, `style.css`. */
export function buildAssets(): Record<"pow.js" | "docs.js" | "style.css", Asset>;
