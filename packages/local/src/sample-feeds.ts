/**
 * The outside world for `npm start`: a few feeds, each a file, served on
 * 127.0.0.1 as a publisher's web server would (ETag and Last-Modified, so the
 * poller's conditional GETs answer 304 until a file changes), and registered
 * as sources. The files are copied once to the data folder: edit those to
 * publish new items.
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { join, resolve } from "node:path";
import { Source } from "@takedown/core";

const SAMPLES = resolve(import.meta.dirname, "../sample-feeds");

/** Each sample file and the source it belongs to. */
const SOURCES = [
  { file: "harbour-gazette.xml", name: "The Harbour Gazette", domain: "harbour-gazette.example" },
  { file: "valley-ledger.rdf", name: "Valley Ledger", domain: "valleyledger.example" },
  { file: "north-coast-review.atom", name: "North Coast Review", domain: "north-coast-review.example" },
];

export async function serveSampleFeeds(dir: string, port: number) {
  mkdirSync(dir, { recursive: true });
  for (const file of readdirSync(SAMPLES).filter((name) => !name.endsWith(".md"))) {
    if (!existsSync(join(dir, file))) copyFileSync(join(SAMPLES, file), join(dir, file));
  }
  const server = createServer((request, response) => {
    const name = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname.slice(1));
    const path = join(dir, name);
    if (!/^[\w.-]+$/.test(name) || !existsSync(path)) return void response.writeHead(404).end();
    const body = readFileSync(path);
    const etag = `"${createHash("sha256").update(body).digest("hex").slice(0, 16)}"`;
    const lastModified = statSync(path).mtime.toUTCString();
    if (request.headers["if-none-match"] === etag)
      return void response.writeHead(304, { etag, "last-modified": lastModified }).end();
    response
      .writeHead(200, { "content-type": "application/xml; charset=utf-8", etag, "last-modified": lastModified })
      .end(body);
  });
  await new Promise<void>((ready) => server.listen(port, "127.0.0.1", ready));
  const origin = `http://127.0.0.1:${port}`;
  // Registering again is a no-op for feeds already there: a feed keeps its status across restarts.
  await Promise.all(
    SOURCES.map(({ file, name, domain }) => Source.add({ name, domain, feeds: [`${origin}/${file}`] })),
  );
  return {
    url: origin,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
