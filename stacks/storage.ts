import { definition } from "../packages/core/src/table";
import { isProtected } from "./stage";

/**
 * The single table, shaped as the local stack shapes it. The stream feeds
 * the dispatcher (stacks/jobs.ts); point-in-time recovery is always on.
 */
export const table = new sst.aws.Dynamo("Table", {
  fields: definition.fields,
  primaryIndex: definition.primaryIndex,
  globalIndexes: definition.globalIndexes,
  ttl: definition.ttl,
  stream: "new-image",
  deletionProtection: isProtected($app.stage),
});
