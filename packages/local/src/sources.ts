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
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { DomainError, Source } from "@takedown/core";
import { explain, table, target, type Output } from "./keys";

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
  table([["DOMAIN", "NAME", "MODE", "FEED", "STATUS", "ITEMS SEEN", "LAST ERROR", "NEXT READ"], ...rows(sources)]).forEach((line) =>
    out.log(line),
  );
}

const needDomain = (command: string) =>
  new DomainError("validation_failed", `Name the source: npm run sources -- ${command} <domain>`);

/** Runs one command; returns the exit code (0 done, 1 refused or failed, 2 usage). */
export async function run(argv: string[], out: Output = console): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        name: { type: "string" },
        domain: { type: "string" },
        feed: { type: "string", multiple: true },
        excerpts: { type: "boolean" },
        aws: { type: "boolean" },
      },
    });
  } catch (error) {
    out.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, domain] = positionals;
  if (!["add", "list", "pause", "resume", "remove"].includes(command ?? "")) {
    out.error(USAGE);
    return 2;
  }
  const where = target(values.aws);
  try {
    if (command === "add") {
      const source = await Source.add({
        name: values.name,
        domain: values.domain,
        feeds: values.feed ?? [],
        mode: values.excerpts ? "excerpt" : "full",
      });
      out.log(`Source ${source.domain} "${source.name}" (${source.mode}) reads ${source.feeds.length} feed(s):`);
      source.feeds.forEach((feed) => out.log(`  ${feed.url}`));
    } else if (command === "list") await list(out);
    else if (!domain) throw needDomain(command!);
    else if (command === "pause" || command === "resume") {
      await Source.pause(domain, command === "pause");
      out.log(command === "pause" ? `Paused ${domain}: its feeds are not read until resumed.` : `Resumed ${domain}.`);
    } else {
      await Source.remove(domain);
      out.log(`Removed ${domain} and its feeds. Its articles, and any notice's rules over it, stay.`);
    }
    return 0;
  } catch (error) {
    out.error(explain(error, where));
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  process.exitCode = await run(process.argv.slice(2));
}
