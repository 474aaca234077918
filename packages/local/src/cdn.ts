/**
 * A stand-in for CloudFront's CreateInvalidation, as the SDK calls it (REST
 * with XML bodies), that records what it was asked to forget. `npm start` and
 * the tests point core's CloudFront client at it, so the code that runs on
 * AWS runs here too; `GET /invalidations/<distribution id>` shows the record.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { Engine } from "./engines";

export type Invalidation = { id: string; distributionId: string; callerReference: string; paths: string[]; at: string };

const CREATE = /^\/2020-05-31\/distribution\/([^/]+)\/invalidation$/;
const LIST = /^\/invalidations\/([^/]+)$/;

const unescapeXml = (text: string) =>
  text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const all = (xml: string, tag: string) =>
  [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, "g"))].map((m) => unescapeXml(m[1]!));

export function startCdn(options: { port?: number } = {}): Promise<Engine> {
  const recorded: Invalidation[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://cdn").pathname;
      const create = req.method === "POST" ? path.match(CREATE) : null;
      const list = req.method === "GET" ? path.match(LIST) : null;
      if (create) {
        const invalidation = {
          id: `I${randomUUID().replace(/-/g, "").slice(0, 13).toUpperCase()}`,
          distributionId: decodeURIComponent(create[1]!),
          callerReference: all(body, "CallerReference")[0] ?? "",
          paths: all(body, "Path"),
          at: new Date().toISOString(),
        };
        recorded.push(invalidation);
        const items = invalidation.paths.map((p) => `<Path>${escapeXml(p)}</Path>`).join("");
        res.writeHead(201, { "content-type": "text/xml", location: `${path}/${invalidation.id}` });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?><Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">` +
            `<Id>${invalidation.id}</Id><Status>InProgress</Status><CreateTime>${invalidation.at}</CreateTime>` +
            `<InvalidationBatch><Paths><Quantity>${invalidation.paths.length}</Quantity><Items>${items}</Items></Paths>` +
            `<CallerReference>${escapeXml(invalidation.callerReference)}</CallerReference></InvalidationBatch></Invalidation>`,
        );
      } else if (list) {
        const id = decodeURIComponent(list[1]!);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(recorded.filter((i) => i.distributionId === id)));
      } else {
        res.writeHead(404, { "content-type": "text/xml" });
        res.end(
          `<ErrorResponse><Error><Code>NotFound</Code><Message>No such operation here.</Message></Error></ErrorResponse>`,
        );
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

/** What the stand-in at `url` recorded for `distributionId`, oldest first. */
export async function invalidations(url: string, distributionId: string): Promise<Invalidation[]> {
  const response = await fetch(`${url}/invalidations/${encodeURIComponent(distributionId)}`);
  return (await response.json()) as Invalidation[];
}
