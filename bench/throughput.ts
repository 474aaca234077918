/**
 * Section 4: notices filed per second through the HTTP API (with a key, so
 * no proof of work) against raw PutItems per second of the same item through
 * the same SDK client into the same dynalite; article pages per second
 * against raw GetItems of the same article. The app is served by
 * @hono/node-server as `npm start` serves it (without its sweep timer, which
 * would mail the filed notices meanwhile); a forked process sends the
 * requests. Rounds alternate ours and the baseline, and each pair gives a
 * ratio: the median ratio is reported.
 */
import { fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { serve as listen } from "@hono/node-server";
import { Table } from "@takedown/core";
import { app } from "@takedown/web";
import { dynamo } from "../packages/core/src/aws/dynamo";
import { root } from "../packages/functions/bundle";
import { median } from "./coldstart";
import { articleId, fileKeyed, newKey, noticeBody, originalUrl, stranger, type Story } from "./desk";
import type { Done, Load } from "./load";
import type { Row, Section } from "./report";
import { seed } from "./seed";

const CONCURRENCY = 16;
export const TARGETS = { notices: 0.3, views: 0.5 };

/** Raw calls from `concurrency` loops for `ms`; per second. */
async function raw(send: () => Promise<unknown>, ms: number): Promise<number> {
  const start = performance.now();
  const until = start + ms;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        await send();
        done++;
      }
    }),
  );
  return (done * 1000) / (performance.now() - start);
}

export async function throughput(rounds: number, ms: number): Promise<Section> {
  const server = listen({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const driver = fork(join(root, "bench/load.ts"), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, NODE_NO_WARNINGS: "1" },
  });
  // A driver that dies would otherwise leave the bench waiting for its answer forever.
  let died: (code: number | null) => void = () => {};
  driver.once("exit", (code) => died(code));
  const load = (spec: Omit<Load, "concurrency" | "ms">) =>
    new Promise<number>((resolve, reject) => {
      died = (code) => reject(new Error(`bench/load.ts exited ${code} during a round`));
      driver.once("message", (done: Done) =>
        done.failed
          ? reject(new Error(`${done.failed} requests to ${spec.url} failed (${done.firstFailure})`))
          : resolve((done.done * 1000) / done.ms),
      );
      driver.send({ ...spec, concurrency: CONCURRENCY, ms } satisfies Load);
    });
  try {
    const story: Story = { source: `throughput-${process.pid}.example`, author: "Bench Writer", i: 0 };
    await seed([story]);
    const id = articleId(originalUrl(story));
    const key = await newKey();
    // The item raw PutItems write: a notice as filing stores it.
    const sample = await fileKeyed({ urls: [originalUrl(story)] }, key)();
    const { Item: notice } = await dynamo().send("GetItem", {
      TableName: Table.name(),
      Key: Table.key.notice(sample.id),
    });
    const filing = {
      url: `${base}/api/v1/takedowns`,
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key.secret}` },
      body: JSON.stringify(noticeBody({ urls: [originalUrl(story)] }, stranger().email)),
    };
    const page = { url: `${base}/articles/${id}`, method: "GET", headers: {} };
    const pairs = { notices: [] as [number, number][], views: [] as [number, number][] };
    for (let round = 0; round < rounds; round++) {
      pairs.notices.push([
        await load(filing),
        await raw(
          () =>
            dynamo().send("PutItem", {
              TableName: Table.name(),
              Item: { ...notice, ...Table.key.notice(randomUUID()) },
            }),
          ms,
        ),
      ]);
      pairs.views.push([
        await load(page),
        await raw(() => dynamo().send("GetItem", { TableName: Table.name(), Key: Table.key.article(id) }), ms),
      ]);
    }
    const row = (figure: string, baseline: string, measured: [number, number][], target: number): Row => ({
      figure,
      ours: median(measured.map(([ours]) => ours)),
      unit: "/s",
      reference: median(measured.map(([, raw]) => raw)),
      referenceLabel: baseline,
      compare: "at-least",
      target,
      ratio: median(measured.map(([ours, raw]) => ours / raw)),
      note: `ratio: the median of ${rounds} rounds' ours/raw, each round's pair run back to back`,
    });
    return {
      title: `4. Throughput, ${CONCURRENCY} concurrent, ${rounds} interleaved rounds of ${ms / 1000} s`,
      rows: [
        row("notices filed through the HTTP API (keyed)", "raw PutItem", pairs.notices, TARGETS.notices),
        row("article pages through the HTTP server", "raw GetItem", pairs.views, TARGETS.views),
      ],
    };
  } finally {
    driver.kill();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
