/**
 * The operators' `npm run sources` command, against dynalite: add a source
 * with its feeds, see each feed's status, pause it (the poller then leaves it
 * alone) and remove it.
 */
import { Poll } from "@takedown/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../packages/local/src/sources";
import { startFeedServer, type FeedServer } from "../support/feed-server";
import { unique } from "../support/fixtures";
import * as Feeds from "../support/feeds/formats";

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(() => server.close());

async function sources(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { log: (line) => out.push(line), error: (line) => err.push(line) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("npm run sources", () => {
  it("adds a source with repeated --feed, lists each feed's status, pauses and removes it", async () => {
    const domain = `cli-${unique()}.example`;
    const good = server.xml(`/cli-${unique()}.xml`, Feeds.rss1(server.origin));
    const broken = server.xml(`/cli-${unique()}.xml`, Feeds.malformed);
    const added = await sources(
      "add",
      "--name",
      "Harbour Gazette",
      "--domain",
      `https://www.${domain}/`,
      "--feed",
      good,
      "--feed",
      broken,
    );
    expect(added).toMatchObject({ code: 0, err: "" });
    expect(added.out).toContain(`Source ${domain} "Harbour Gazette" (full) reads 2 feed(s):`);

    const rows = () => sources("list").then(({ out }) => out.split("\n").filter((line) => line.startsWith(domain)));
    expect(await rows()).toEqual([expect.stringContaining("not read yet"), expect.stringContaining("not read yet")]);

    await Poll.run(new Date(), { allowLoopback: true });
    const [first, second] = await rows();
    const [okRow, failedRow] = first!.includes(good) ? [first!, second!] : [second!, first!];
    expect(okRow).toMatch(/full\s+\S+\s+ok \S+Z\s+1\s/);
    expect(failedRow).toMatch(/failing ×1\s+0\s+malformed \S+Z\s/);

    expect((await sources("pause", domain)).out).toContain(`Paused ${domain}`);
    expect(await rows()).toEqual([expect.stringMatching(/\spaused\s/), expect.stringMatching(/\spaused\s/)]);
    const later = new Date(Date.now() + 7 * 24 * 3600_000);
    expect((await Poll.run(later, { allowLoopback: true })).map((r) => r.source)).not.toContain(domain);

    expect((await sources("remove", domain)).code).toBe(0);
    expect(await rows()).toEqual([]);
  });

  it("explains what is wrong instead of adding a bad source", async () => {
    const bad = await sources("add", "--name", "X", "--domain", "not a domain", "--feed", "javascript:alert(1)");
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("domain: Domain is not a domain.");
    expect(bad.err).toContain("feeds.0: A feed must be a full http(s):// URL.");
    expect((await sources("add", "--name", "X", "--domain", "x.example")).err).toContain("Give at least one --feed.");
    expect((await sources("pause", "nowhere.example")).err).toBe("There is no source nowhere.example.");
    expect((await sources("pause")).code).toBe(1);
    expect((await sources("refresh")).code).toBe(2);
  });
});
