/**
 * Section 2's work, in a process of its own so that its heap is its own:
 *
 *   node --import tsx bench/large-child.ts seed <articles> <out.json>
 *   node --import tsx bench/large-child.ts approve <articles> <out.json>
 *
 * `seed` writes a source of that many articles. `approve` files a
 * source-wide notice over it, confirms and approves it through the app, runs
 * the dispatcher with a crash injected in the middle of the effects and
 * again after the lease ran out, samples memory throughout, then checks that
 * every article, and one ingested afterwards, reads hidden. The environment
 * (engines, table) comes from bench/large.ts.
 */
import { writeFileSync } from "node:fs";
import { Article, Config, configure, Notice } from "@takedown/core";
import { intercept, type Call } from "../tests/support/dynamo-calls";
import { articleId, confirm, decide, dispatch, fileJson, ingest, originalUrl, view, type Story } from "./desk";
import { install, measure } from "./meter";
import { quietLogs } from "./quiet";
import { checkShape, seed } from "./seed";

configure(Config.fromEnv(process.env));
quietLogs();
const [mode, count, out] = [process.argv[2], Number(process.argv[3]), process.argv[4]!];
const SOURCE = "large-source.example";
const stories: Story[] = Array.from({ length: count }, (_, i) => ({ source: SOURCE, author: `Author ${i % 50}`, i }));

async function seedSource() {
  await checkShape();
  const start = performance.now();
  await seed(stories);
  return { seedMs: performance.now() - start };
}

/** Peak RSS and heap while it runs, sampled every 10 ms and at the end. */
function sampler() {
  const peak = { rss: 0, heapUsed: 0 };
  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage();
    peak.rss = Math.max(peak.rss, rss);
    peak.heapUsed = Math.max(peak.heapUsed, heapUsed);
  };
  sample();
  const timer = setInterval(sample, 10);
  return () => {
    clearInterval(timer);
    sample();
    return peak;
  };
}

/** The article items a write touches, by id. */
function articlesWritten(call: Call): string[] {
  const pkOf = (item: Record<string, unknown> | undefined) => String(item?.pk ?? "");
  const keys =
    call.command === "BatchWriteItemCommand"
      ? Object.values(
          call.input.RequestItems as Record<
            string,
            { PutRequest?: { Item: Record<string, unknown> }; DeleteRequest?: { Key: Record<string, unknown> } }[]
          >,
        )
          .flat()
          .map((r) => pkOf(r.PutRequest?.Item ?? r.DeleteRequest?.Key))
      : ["UpdateItemCommand", "PutItemCommand", "DeleteItemCommand"].includes(call.command)
        ? [pkOf(call.input.Key ?? call.input.Item)]
        : [];
  return keys.filter((pk) => pk.startsWith("ARTICLE#"));
}

async function approveSource() {
  install();
  const filed = await fileJson({ urls: [originalUrl(stories[0]!)], scope: "source", future: true })();
  await dispatch(filed.id)();
  await confirm(filed)();
  await dispatch(filed.id)();
  const before = process.memoryUsage();

  const writes: string[] = [];
  const watching = intercept(async (call, send) => {
    writes.push(...articlesWritten(call));
    return send();
  });
  const stopSampling = sampler();
  let start = performance.now();
  const request = await measure(decide(filed.id, "approve"));
  const requestMs = performance.now() - start;

  // The crash: the rule set's new version fails to land once, after the rules did.
  let crashes = 0;
  const crashing = intercept(async (call, send) => {
    if (
      !crashes &&
      call.command === "PutItemCommand" &&
      call.input.Item?.pk === "RULES" &&
      call.input.Item?.sk === "VERSION"
    ) {
      crashes++;
      throw Object.assign(new Error("injected crash"), { name: "InjectedCrash" });
    }
    return send();
  });
  start = performance.now();
  const first = await measure(dispatch(filed.id)).then(
    (run) => ({ ...run, crashed: false }),
    () => ({ crashed: true, tally: undefined }),
  );
  const firstMs = performance.now() - start;
  crashing();
  // The next worker comes once the crashed one's lease (60 s) ran out.
  start = performance.now();
  const second = await measure(dispatch(filed.id, new Date(Date.now() + 61_000)));
  const secondMs = performance.now() - start;
  const peak = stopSampling();
  watching();

  const notice = await Notice.get(filed.id);
  start = performance.now();
  let hidden = 0;
  const ids = stories.map((story) => articleId(originalUrl(story)));
  for (let i = 0; i < ids.length; i += 1_000) {
    const batch = await Article.getMany(ids.slice(i, i + 1_000));
    hidden += [...batch.values()].filter(Article.isHidden).length;
  }
  const verifyMs = performance.now() - start;
  const later = await ingest({ source: SOURCE, author: "Someone New", i: count + 1 });
  const laterPage = await view(later.id, 451)().then(
    (r) => r.status,
    (e: Error) => e.message,
  );

  return {
    articles: count,
    requestMs,
    requestCalls: request.tally.calls,
    dispatch: [
      { ms: firstMs, crashed: first.crashed, crashes },
      { ms: secondMs, calls: second.tally.calls },
    ],
    effectsRecorded: !notice.effectsPending && notice.events.some((event) => event.type === "rule_created"),
    articleWrites: writes.length,
    articlesWritten: new Set(writes).size,
    peakRssBytes: peak.rss,
    peakHeapBytes: peak.heapUsed,
    rssBeforeBytes: before.rss,
    hidden,
    verifyMs,
    laterHidden: later.hidden,
    laterPage,
  };
}

const result = mode === "seed" ? await seedSource() : await approveSource();
writeFileSync(out, JSON.stringify(result));
process.exit(0);
