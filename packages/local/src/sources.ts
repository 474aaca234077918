/**
 * `npm run sources -- <command>`: operators add, list, pause and remove the
 * sites whose feeds we republish.
 *
 *   npm run sources -- add --name "Harbour Gazette" --domain harbour-gazette.example \
 *     --feed https://harbour-gazette.example/rss.xml [--feed …] [--excerpts]
 *   npm run sources -- list
 *   npm run sources -- pause <domain>      (resume <domain> starts reading it again)
 *   npm run sources -- remove <domain>
 *
 * Like `npm run keys`, it writes to the local stack's table unless given
 * --aws (or run inside `sst shell`).
 */
import { DomainError, Source } from "@takedown/core";
import { command, main, table, type Given, type Output } from "./cli";

const USAGE = `Usage:
  npm run sources -- add --name "<name>" --domain <domain> --feed <url> [--feed <url>…] [--excerpts]
  npm run sources -- list
  npm run sources -- pause <domain>
  npm run sources -- resume <domain>
  npm run sources -- remove <domain>
Add --aws to use DynamoDB on AWS instead of the local stack.`;

function status(feed: Source.FeedStatus): string {
  if (!feed.lastPolledAt) return "not read yet";
  if (feed.failures) return `failing ×${feed.failures}`;
  return `ok ${feed.lastSuccessAt}`;
}

function rows(sources: Source.Source[]): string[][] {
  return sources.flatMap((source) =>
    source.feeds.map((feed) => [
      source.domain,
      source.name,
      source.paused ? "paused" : source.mode,
      feed.url,
      status(feed),
      String(feed.itemsSeen),
      feed.lastError ? `${feed.lastError} ${feed.lastErrorAt}` : "",
      feed.nextPollAt ?? "now",
    ]),
  );
}

async function list(out: Output) {
  const sources = await Source.list();
  if (!sources.length) {
    out.log("No sources yet. Add one with: npm run sources -- add --name … --domain … --feed …");
    return;
  }
  const header = ["DOMAIN", "NAME", "MODE", "FEED", "STATUS", "ITEMS SEEN", "LAST ERROR", "NEXT READ"];
  for (const line of table([header, ...rows(sources)])) out.log(line);
}

/** The named source's domain, or a refusal saying how to name it. */
function domainOf({ args: [domain] }: Given, command: string): string {
  if (!domain) throw new DomainError("validation_failed", `Name the source: npm run sources -- ${command} <domain>`);
  return domain;
}

async function pause(given: Given, out: Output, paused: boolean) {
  const domain = domainOf(given, paused ? "pause" : "resume");
  await Source.pause(domain, paused);
  out.log(paused ? `Paused ${domain}: its feeds are not read until resumed.` : `Resumed ${domain}.`);
}

/** Runs one command; returns the exit code (0 done, 1 refused or failed, 2 usage). */
export function run(argv: string[], out: Output = console): Promise<number> {
  return command(argv, out, {
    usage: USAGE,
    options: {
      name: { type: "string" },
      domain: { type: "string" },
      feed: { type: "string", multiple: true },
      excerpts: { type: "boolean" },
    },
    commands: {
      add: async ({ values }) => {
        const source = await Source.add({
          name: values.name,
          domain: values.domain,
          feeds: values.feed ?? [],
          mode: values.excerpts ? "excerpt" : "full",
        });
        out.log(`Source ${source.domain} "${source.name}" (${source.mode}) reads ${source.feeds.length} feed(s):`);
        for (const feed of source.feeds) out.log(`  ${feed.url}`);
      },
      list: () => list(out),
      pause: (given) => pause(given, out, true),
      resume: (given) => pause(given, out, false),
      remove: async (given) => {
        const domain = domainOf(given, "remove");
        await Source.remove(domain);
        out.log(`Removed ${domain} and its feeds. Its articles, and any notice's rules over it, stay.`);
      },
    },
  });
}

await main(import.meta.url, run);
