/** A built file: where pages link to it, what it is sent as, and its content. */
export type Asset = { path: string; type: string; body: string };

/** A file by the name of its source, built: `pow.ts` is `pow.js`. */
export type Entry = "pow.js" | "docs.js" | "style.css";

export function buildAssets(): Record<Entry, Asset>;
