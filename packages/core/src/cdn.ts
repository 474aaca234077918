/**
 * Makes CloudFront forget pages whose answer changed (an article hidden or
 * restored), so that no edge keeps serving them for the rest of their cache
 * lifetime. The distribution comes from configuration; where there is none
 * (a stage without a CDN), there is nothing to forget.
 */
import { randomUUID } from "node:crypto";
import { config } from "./config";

/** CloudFront accepts at most 3,000 paths in progress per distribution; one call carries them all. */
export const MAX_PATHS = 3_000;

/**
 * Invalidates `paths` ("/articles/abc", or a pattern ending in "*"), each
 * once, in as few CreateInvalidation calls as CloudFront allows. Each call is
 * a new invalidation (a fresh caller reference): the same paths hidden today
 * and restored tomorrow must be invalidated twice.
 */
export async function invalidate(paths: string[]): Promise<void> {
  const distribution = config().cdnDistributionId;
  const unique = [...new Set(paths)];
  if (!distribution || !unique.length) return;
  for (const bad of unique.filter((path) => !path.startsWith("/"))) {
    throw new Error(`CloudFront paths start with "/": ${bad}`);
  }
  // Loaded by the first invalidation, a chunk of its own in the jobs' bundles: the client is most of
  // their code, and an invocation that only mails (a receipt, a review) never needs it.
  const { cloudfront, CreateInvalidationCommand } = await import("./aws/cloudfront");
  for (let start = 0; start < unique.length; start += MAX_PATHS) {
    const batch = unique.slice(start, start + MAX_PATHS);
    await cloudfront().send(
      new CreateInvalidationCommand({
        DistributionId: distribution,
        InvalidationBatch: { CallerReference: randomUUID(), Paths: { Quantity: batch.length, Items: batch } },
      }),
    );
  }
}
