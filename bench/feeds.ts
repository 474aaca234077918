/**
 * Feed ingest throughput: a feed of new items read, parsed, sanitised and
 * ingested by the poller end to end (local HTTP server, dynalite in
 * process), first with no suppression rules in force, then with 100,000.
 * Ingest reads the two rules that could cover an item by key, so the second
 * figure should match the first: the cost does not grow with the rules.
 *
 *   npx tsx bench/feeds.ts [--quick]
 *
 * `feedsBench` returns the figures, for `npm run bench`'s table.
 */
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { ensureTable, startDynamo } from "../packages/local/src/engines";
import { median, type Section } from "./report";

/** `loadSeconds`: reading the whole rule set once, as each process does after the set changes. */
export type FeedFigures = {
  rules: number;
  items: number;
  seconds: number;
  itemsPerSecond: number;
  loadSeconds: number;
};

const feedOf = (run: string, items: number) =>
  `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Bench</title>${Array.from(
    { length: items },
    (_, i) =>
      `<item><title>Story ${run}-${i}</title><link>https://bench-feed.example/${run}/${i}</link><guid>${run}-${i}</guid>` +
      `<pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate><author>writer${i % 20}@bench-feed.example (Writer ${i % 20})</author>` +
      `<content:encoded><![CDATA[<p>Paragraph <strong>one</strong> of ${i}.</p><p onclick="x()">Two <a href="/more/${i}">more</a><script>x()</script></p>]]></content:encoded></item>`,
  ).join("")}</channel></rss>`;

export async function feedsBench({ quick = false }: { quick?: boolean } = {}): Promise<FeedFigures[]> {
  const items = quick ? 100 : 1_000;
  // Quick mode (CI, npm run bench -- --quick) cannot spend the minute 100,000 rules take to write.
  const ruleCounts = [0, quick ? 10_000 : 100_000];
  const dynamo = await startDynamo();
  Object.assign(process.env, { DYNAMODB_ENDPOINT: dynamo.url, TABLE_NAME: "bench-feeds", FEED_POLL_SECONDS: "900" });
  await ensureTable(dynamo.url, "bench-feeds");
  const { Config, configure, Poll, Source, Suppression, Table } = await import("@takedown/core");
  configure(Config.fromEnv(process.env));
  const { dynamo: client } = await import("@takedown/core/aws/dynamo");

  let body = "";
  const server = createServer((_request, response) =>
    response.writeHead(200, { "content-type": "application/rss+xml" }).end(body),
  );
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`;
  await Source.add({ name: "Bench Feed", domain: "bench-feed.example", feeds: [feedUrl] });

  /** Rules over other sources and authors: in force, never matching, as most rules are for most items. */
  async function addRules(from: number, to: number) {
    const puts = Array.from({ length: to - from }, (_, k) => {
      const i = from + k;
      const domain = `ruled-${i}.example`;
      const authorKey = i % 2 ? `author-${i}` : undefined;
      const id = Suppression.ruleId(domain, authorKey);
      const rule = {
        id,
        kind: authorKey ? "author" : "source",
        sourceDomain: domain,
        ...(authorKey ? { authorKey } : {}),
        notice: `n${i}`,
      };
      return {
        PutRequest: {
          Item: { ...Table.rules.of(id, rule.notice), type: "rule", ...rule, createdAt: new Date().toISOString() },
        },
      };
    });
    const batches = Array.from({ length: Math.ceil(puts.length / 25) }, (_, b) => puts.slice(b * 25, b * 25 + 25));
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < batches.length) {
          let pending = batches[next++]!;
          while (pending.length) {
            const result = await client().send("BatchWriteItem", { RequestItems: { [Table.name()]: pending } });
            pending = (result.UnprocessedItems?.[Table.name()] ?? []) as typeof pending;
          }
        }
      }),
    );
    // A new version of the rule set, as Suppression.put leaves: readers load the rules again.
    await client().send("PutItem", {
      TableName: Table.name(),
      Item: { ...Table.rules.version, type: "rules-version", version: `bench-${to}` },
    });
  }

  async function pollFresh(run: string, count: number) {
    body = feedOf(run, count);
    const source = (await Source.get("bench-feed.example"))!;
    const started = performance.now();
    const result = await Poll.pollOne(source, source.feeds[0]!, new Date(), { allowLoopback: true });
    if (!result.ok || result.fresh !== count) throw new Error(`Poll failed: ${JSON.stringify(result)}`);
    return (performance.now() - started) / 1000;
  }

  // As many items as each measured poll, so that the first state measured does not also pay for the interpreter's first passes.
  await pollFresh("warm-up", items);
  const figures: FeedFigures[] = [];
  let rulesInForce = 0;
  for (const rules of ruleCounts) {
    await addRules(rulesInForce, rules);
    rulesInForce = rules;
    // The rule set changed: this process reads it once (as every process does, at its next read),
    // timed apart from ingest, which then reads no rule at all.
    const loadStarted = performance.now();
    await Suppression.current();
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    // A poll takes a few seconds, and one of them can land on a busy moment of a shared machine: three, the median.
    const polls: number[] = [];
    for (const run of ["a", "b", "c"]) polls.push(await pollFresh(`r${rules}${run}`, items));
    const seconds = median(polls);
    figures.push({ rules, items, seconds, itemsPerSecond: items / seconds, loadSeconds });
  }
  await new Promise<void>((done) => server.close(() => done()));
  await dynamo.close();
  return figures;
}

/** The figures as a section of `npm run bench`'s table: ingest with many rules against none, same run. */
export function feedSection([none, many]: FeedFigures[]): Section {
  const note = (f: FeedFigures) => `${f.items} items of one feed in ${f.seconds.toFixed(1)} s (median of 3 polls)`;
  return {
    title: "7. Feed ingest (parse, sanitise, ingest), with rules in force",
    rows: [
      { figure: "feed items ingested, no rule in force", ours: none!.itemsPerSecond, unit: "/s", note: note(none!) },
      {
        figure: `feed items ingested, ${many!.rules.toLocaleString("en")} rules in force`,
        ours: many!.itemsPerSecond,
        unit: "/s",
        reference: none!.itemsPerSecond,
        referenceLabel: "no rule, same run",
        compare: "at-least",
        target: 0.8,
        note: `${note(many!)}; ingest reads no rule (readers do), so its cost does not grow with them`,
      },
      {
        figure: `the rule set read once per process after it changes, ${many!.rules.toLocaleString("en")} rules`,
        ours: many!.loadSeconds,
        unit: "s",
        note: "a consistent query of the RULES partition; reads arriving together share it",
      },
    ],
  };
}

if (process.argv[1] && resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  const quick = process.argv.includes("--quick");
  const figures = await feedsBench({ quick });
  // Run by `npm run bench` (bench/child.ts), which passes where to write them.
  const out = process.argv.slice(2).find((arg) => arg.endsWith(".json"));
  if (out) {
    writeFileSync(out, JSON.stringify(figures));
    process.exit(0);
  }
  console.log(`Feed ingest on dynalite (in process)${quick ? ", quick" : ""}: parse, sanitise, ingest`);
  for (const { rules, items, seconds, itemsPerSecond, loadSeconds } of figures) {
    console.log(
      `${rules.toLocaleString("en").padStart(7)} rules  ${items} items in ${seconds.toFixed(1)} s  ${itemsPerSecond.toFixed(0)} items/s  (rule set read in ${loadSeconds.toFixed(1)} s)`,
    );
  }
  process.exit(0);
}
