/**
 * The load generator for section 4, forked by bench/throughput.ts so that
 * sending requests does not take the server's event loop: it sends one
 * request per message, from `concurrency` loops, for `ms` milliseconds.
 */
export type Load = {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  concurrency: number;
  ms: number;
};
export type Done = { done: number; failed: number; ms: number; firstFailure?: string };

async function drive({ url, method, headers, body, concurrency, ms }: Load): Promise<Done> {
  const start = performance.now();
  const until = start + ms;
  let done = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const response = await fetch(url, { method, headers, body });
        await response.arrayBuffer();
        if (response.ok) done++;
        else {
          failed++;
          firstFailure ??= `${response.status}`;
        }
      }
    }),
  );
  return { done, failed, ms: performance.now() - start, firstFailure };
}

process.on("message", (load: Load) => {
  drive(load).then((result) => process.send!(result));
});
