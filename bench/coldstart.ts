/**
 * Section 3: each Lambda's bundle, built as a deploy builds it, and the time
 * a fresh Node process takes to import it, paired against a hello-world
 * Hono bundle built the same way in the same run. The bundles are imported
 * in turn, round after round, so the machine's noise falls on all of them.
 *
 * The API's route groups load on their first request (packages/web/src/lazy.ts),
 * so its init is not all a cold start costs: it is also timed through a
 * first request of each kind a cold start mostly meets (a reader's article
 * page, a filer's challenge), beside hello-world's init and first request.
 * (`npm run bench:compare` times the same against another commit.)
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { bundle } from "../packages/functions/bundle";
import { handlers } from "../packages/functions/handlers";
import { dueReceipt, originalUrl, type Story } from "./desk";
import { median, type Row, type Section } from "./report";
import { seed } from "./seed";

const run = promisify(execFile);
/** Imports the bundle, then hands its handler one event (API Gateway's, a stream batch) if REQUEST holds one. */
const COLD = `
const t = performance.now();
const { handler } = await import(process.env.BUNDLE);
const imported = performance.now() - t;
let request = 0;
if (process.env.REQUEST) {
  const started = performance.now();
  const answer = await handler(JSON.parse(process.env.REQUEST), { awsRequestId: "bench" });
  request = performance.now() - started;
  // An API answer has a status; a stream batch's lists the records to try again.
  const failed = answer?.statusCode ? answer.statusCode >= 500 : !answer || answer.batchItemFailures?.length;
  if (failed) throw new Error("the first request failed: " + JSON.stringify(answer));
}
console.log(JSON.stringify({ imported, request }));`;
/** The issue's target: the API's init within 1.5× of hello-world's. */
export const API_TARGET = 1.5;

type Timing = { imported: number; request: number; process: number };

/** The import alone, the first request if one is given, and the whole process (Node's start to exit), in ms. */
export async function importMs(file: string, env: Record<string, string>, request?: object): Promise<Timing> {
  const start = performance.now();
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", COLD], {
    env: {
      ...process.env,
      ...env,
      BUNDLE: pathToFileURL(file).href,
      REQUEST: request ? JSON.stringify(request) : "",
      NODE_NO_WARNINGS: "1",
    },
  });
  const timing = JSON.parse(stdout.trim().split("\n").pop()!) as Omit<Timing, "process">;
  return { ...timing, process: performance.now() - start };
}

/**
 * The dispatcher's import and its first batch: a notice filed just before
 * (its receipt due), handed over as the table's stream would. Fails unless
 * the receipt reached the stand-in's mailbox.
 */
export async function receiptMs(file: string, env: Record<string, string>, story: Story): Promise<Timing> {
  const { batch, mailed } = await dueReceipt({ urls: [originalUrl(story)] });
  const timing = await importMs(file, env, batch);
  if (!(await mailed())) throw new Error("The dispatcher mailed no receipt.");
  return timing;
}

/** A request as API Gateway's HTTP API (payload 2.0) hands it to the function. */
function event(method: string, path: string) {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: "",
    headers: { host: "desk.example", "user-agent": "bench" },
    requestContext: {
      domainName: "desk.example",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "192.0.2.1", userAgent: "bench" },
      requestId: "bench",
      stage: "$default",
    },
    isBase64Encoded: false,
  };
}

/** The first requests timed after the API's init: what a reader and what a filer meet first. */
export const FIRST = {
  "an article page": event("GET", "/articles/bench-none"),
  "a filer's challenge": event("GET", "/api/v1/challenge"),
};

/** A timed run: its name, and a fresh process timed importing a bundle (and serving a first request). */
type Trial = { name: string; time: () => Promise<Timing> };

export async function coldStart(rounds: number, env: Record<string, string>): Promise<Section> {
  const story: Story = { source: "coldstart.example", author: "Bench Writer", i: 0 };
  await seed([story]);
  const out = mkdtempSync(join(tmpdir(), "bench-bundles-"));
  try {
    const baselines = { hello: "bench/hello.handler", helloLinked: "bench/hello-linked.handler" };
    const entries = { ...baselines, ...handlers };
    const built = Object.fromEntries(
      await Promise.all(
        Object.entries(entries).map(async ([name, handler]) => [name, await bundle(handler, join(out, name))] as const),
      ),
    );
    const firsts = Object.keys(FIRST) as (keyof typeof FIRST)[];
    const trials: Trial[] = [
      ...Object.entries(built).map(([name, b]) => ({ name, time: () => importMs(b.file, env) })),
      ...firsts.map((first) => ({ name: `api ${first}`, time: () => importMs(built.api!.file, env, FIRST[first]) })),
      { name: "hello request", time: () => importMs(built.hello!.file, env, event("GET", "/")) },
      { name: "dispatch receipt", time: () => receiptMs(built.dispatch!.file, env, story) },
    ];
    const times = new Map(trials.map((t) => [t.name, [] as Timing[]]));
    for (let round = 0; round < rounds; round++) {
      // Alternate the order, so no bundle always follows the same one.
      for (const trial of round % 2 ? [...trials].reverse() : trials) times.get(trial.name)!.push(await trial.time());
    }
    const of = (name: string, pick: (t: Timing) => number) => median(times.get(name)!.map(pick));
    const init = (t: Timing) => t.imported;
    const cold = (t: Timing) => t.imported + t.request;
    const hello = built.hello!;
    const linked = of("helloLinked", init);
    const rows: Row[] = [
      {
        figure: "hello-world Hono bundle",
        ours: hello.bytes / 1024,
        unit: "KB",
        note: `imports in ${of("hello", init).toFixed(1)} ms; whole process ${of("hello", (t) => t.process).toFixed(0)} ms (medians)`,
      },
      {
        figure: "hello-world reading SST's links: import (init)",
        ours: linked,
        unit: "ms",
        reference: of("hello", init),
        referenceLabel: "hello-world",
        note: `${(built.helloLinked!.bytes / 1024).toFixed(0)} KB; SST's Resource loads node:crypto and node:fs at import; every function here imports it (core's config reads the links)`,
      },
    ];
    for (const [name, b] of Object.entries(built).filter(([name]) => !(name in baselines))) {
      rows.push(
        {
          figure: `${name}: bundle`,
          ours: b.bytes / 1024,
          unit: "KB",
          reference: hello.bytes / 1024,
          referenceLabel: "hello-world",
          ...(b.totalBytes > b.bytes
            ? { note: `what init loads; ${(b.totalBytes / 1024).toFixed(0)} KB with the chunks requests load` }
            : {}),
        },
        {
          figure: `${name}: import (init), median of ${rounds}`,
          ours: of(name, init),
          unit: "ms",
          reference: of("hello", init),
          referenceLabel: "hello-world",
          ...(name === "api"
            ? {
                compare: "at-most" as const,
                target: API_TARGET,
                note: `${(of(name, init) / linked).toFixed(1)}× hello-world reading SST's links`,
              }
            : {}),
        },
        {
          figure: `${name}: whole process (start, import, exit)`,
          ours: of(name, (t) => t.process),
          unit: "ms",
          reference: of("hello", (t) => t.process),
          referenceLabel: "hello-world",
        },
      );
    }
    for (const first of firsts) {
      rows.push({
        figure: `api: init and its first request, ${first}`,
        ours: of(`api ${first}`, cold),
        unit: "ms",
        reference: of("hello request", cold),
        referenceLabel: "hello-world's, GET /",
        note: `the request alone ${of(`api ${first}`, (t) => t.request).toFixed(1)} ms, its group's chunks loaded on the way`,
      });
    }
    rows.push({
      figure: "dispatch: init and its first batch, a new notice's receipt",
      ours: of("dispatch receipt", cold),
      unit: "ms",
      reference: of("hello request", cold),
      referenceLabel: "hello-world's, GET /",
      note: `the batch alone ${of("dispatch receipt", (t) => t.request).toFixed(1)} ms: reads, mails through SES, writes back`,
    });
    return { title: `3. Cold start: bundles imported by fresh Node processes, ${rounds} interleaved rounds`, rows };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
