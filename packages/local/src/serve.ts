import { serve as listen } from "@hono/node-server";
import { CounterNotice, Dispatch, Log } from "@takedown/core";
import { app } from "@takedown/web";

const SWEEP_MS = 500;

/**
 * The app on Node, plus the dispatcher that delivers queued mail and retries
 * it while SES is away, and the counter-notice window job.
 */
export async function serve(port: number, hostname = "127.0.0.1") {
  const server = listen({ fetch: app.fetch, port, hostname });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    // What the sweep's schedule does on AWS: queued work, then the counter-notice windows that closed.
    running = running
      .then(() => Dispatch.sweep())
      .then(() => CounterNotice.dueRun())
      .catch((error: unknown) => {
        Log.warn("sweep.failed", { name: (error as Error).name });
      });
  }, SWEEP_MS);
  return {
    url: `http://${hostname}:${port}`,
    close: async () => {
      clearInterval(timer);
      await running;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
