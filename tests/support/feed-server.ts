/**
 * The outside world, for the poller: a plain node:http server on 127.0.0.1
 * whose routes the test writes, and which remembers every request (headers
 * included, so conditional GETs can be checked).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Route = (request: IncomingMessage, response: ServerResponse) => void;

export async function startFeedServer() {
  const routes = new Map<string, Route>();
  const requests: { path: string; headers: IncomingMessage["headers"] }[] = [];
  const server = createServer((request, response) => {
    requests.push({ path: request.url ?? "", headers: request.headers });
    const route = routes.get(request.url ?? "");
    if (!route) {
      response.writeHead(404).end();
      return;
    }
    route(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    route(path: string, route: Route) {
      routes.set(path, route);
      return `${origin}${path}`;
    },
    /** A feed answered as a static file would be, with an ETag and conditional GET. */
    xml(path: string, body: string, headers: Record<string, string> = {}) {
      const etag = `"${Buffer.from(body).length}-${path.length}"`;
      return this.route(path, (request, response) => {
        if (request.headers["if-none-match"] === etag) return void response.writeHead(304, { etag }).end();
        response.writeHead(200, { "content-type": "application/xml; charset=utf-8", etag, ...headers }).end(body);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type FeedServer = Awaited<ReturnType<typeof startFeedServer>>;
