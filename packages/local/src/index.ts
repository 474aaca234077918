export { ensureTable, freePort, startDynamo, startSes, type Engine } from "./engines";
export { serve } from "./serve";
export { SAMPLE_ARTICLES, seed } from "./seed";
