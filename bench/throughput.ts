/**
 * Section 4: notices filed per second through the HTTP API (with a key, so
 * no proof of work) against raw PutItems per second of the same item into
 * the same dynalite; article pages per second against raw GetItems of the
 * same article. The raw calls run through both the app's DynamoDB client
 * (aws/dynamo.ts) and the SDK's document client it replaced, and the app is
 * judged against whichever was faster in that round, so a slow client of
 * our own cannot flatter the ratio. The app is served by @hono/node-server
 * as `npm start` serves it (without its sweep timer, which would mail the
 * filed notices meanwhile); a forked process sends the requests. Each round
 * runs the app, then both clients back to back: the median of the rounds'
 * ratios is reported.
 *
 * The app's request makes more than the one call it is judged against (a
 * keyed filing three: the key, a batch read, the notice). So each round also
 * replays raw, through the app's client, the calls one request made when
 * recorded: what the request would reach if the app cost nothing but its
 * calls, which splits the gap to the target between its access pattern
 * (section 1 holds it at its floor) and the app's own work. And a bare Hono
 * app on the same server makes those calls and answers the app's bytes,
 * nothing else: the floor of that request served over HTTP here.
 */
import { fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { serve as listen } from "@hono/node-server";
import { Hono } from "hono";
import { config, Table } from "@takedown/core";
import { app } from "@takedown/web";
import { clientOptions } from "../packages/core/src/aws/client";
import { dynamo, type Operation } from "../packages/core/src/aws/dynamo";
import { root } from "../packages/functions/bundle";
import { callsDuring } from "../tests/support/dynamo-calls";
import { articleId, fileKeyed, newKey, noticeBody, originalUrl, stranger, type Story } from "./desk";
import type { Done, Load } from "./load";
import { commandName } from "./meter";
import { median, type Row, type Section } from "./report";
import { seed } from "./seed";

const CONCURRENCY = 16;
/**
 * Run, unmeasured, before the rounds: the app's first page view loads its
 * route group (compiled by tsx here) and every path starts in the
 * interpreter, which would otherwise fall on a quick run's short rounds.
 * A raw loop (a few functions of the client) and the bare app (a route
 * on code the app has warmed) are compiled well within their shorter one.
 */
const WARM_UP_MS = { app: 1_000, raw: 250 };

/**
 * One round, per second: through the app, raw calls through each client, the
 * request's own calls replayed raw, and the bare app making them over HTTP.
 */
type Round = { app: number; sdk: number; ours: number; replayed: number; bare: number };
export const TARGETS = { notices: 0.3, views: 0.5 };

/** A request as the load driver sends it. */
type Sent = Omit<Load, "concurrency" | "ms">;

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

/** The DynamoDB calls one request through the app makes, and its answer's body. */
async function recorded({ url, method, headers, body }: Sent) {
  const { result: answer, calls } = await callsDuring(async () => {
    const answer = await fetch(url, { method, headers, body });
    if (!answer.ok) throw new Error(`${method} ${url} answered ${answer.status}`);
    return answer.text();
  });
  return {
    answer,
    calls: calls.map((call) => ({
      operation: commandName(call.command) as Operation,
      input: structuredClone(call.input),
    })),
  };
}

/**
 * Sends recorded calls again, one after another, through the app's client.
 * A notice put is a new notice each time, as the raw PutItems are. Rate
 * counts are attributes named for their window (`rate#key#<its start>`,
 * core's ratelimit.ts), so a replay in a later window counts in that one, as
 * the app would; the recorded window's count is removed by the app's next
 * request in a window after it.
 */
function replay({ calls, answer }: Awaited<ReturnType<typeof recorded>>) {
  const seconds = config().rateLimit.windowSeconds;
  const windowAt = (ms: number) => Math.floor(ms / 1000 / seconds) * seconds;
  const recordedIn = windowAt(Date.now());
  const inWindow = (names: Record<string, string>, shift: number) =>
    Object.fromEntries(
      Object.entries(names).map(([alias, name]) => {
        const counted = /^(rate#.+#)(\d+)$/.exec(name);
        return [alias, counted ? `${counted[1]}${Number(counted[2]) + shift}` : name];
      }),
    );
  const fresh = ({ operation, input }: (typeof calls)[number]) => {
    if (operation === "PutItem") return { ...input, Item: { ...input.Item, ...Table.key.notice(randomUUID()) } };
    const shift = windowAt(Date.now()) - recordedIn;
    return shift && input.ExpressionAttributeNames
      ? { ...input, ExpressionAttributeNames: inWindow(input.ExpressionAttributeNames, shift) }
      : input;
  };
  return {
    answer,
    calls: calls.map(({ operation }) => operation).join(", "),
    send: async () => {
      for (const call of calls) await dynamo().send(call.operation, fresh(call) as never);
    },
  };
}

/** `fetch` served as `npm start` serves the app, on a free port of the loopback. */
async function served(fetch: (request: Request) => Response | Promise<Response>) {
  const server = listen({ fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/**
 * Section 4, on the engines the desk is configured with. `apart` says they
 * run in a process of their own (engines.ts's withDynamoApart): the same
 * figures, not judged, beside section 4's, for what the HTTP hop costs when
 * DynamoDB does not share the app's CPU, as on AWS.
 */
export async function throughput(rounds: number, ms: number, apart = false): Promise<Section> {
  const { server, base } = await served(app.fetch);
  let bare: Awaited<ReturnType<typeof served>> | undefined;
  const driver = fork(join(root, "bench/load.ts"), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, NODE_NO_WARNINGS: "1" },
  });
  // A driver that dies would otherwise leave the bench waiting for its answer forever.
  let died: (code: number | null) => void = () => {};
  driver.once("exit", (code) => died(code));
  const load = (spec: Sent, duration = ms) =>
    new Promise<number>((resolve, reject) => {
      died = (code) => reject(new Error(`bench/load.ts exited ${code} during a round`));
      driver.once("message", (done: Done) =>
        done.failed
          ? reject(new Error(`${done.failed} requests to ${spec.url} failed (${done.firstFailure})`))
          : resolve((done.done * 1000) / done.ms),
      );
      driver.send({ ...spec, concurrency: CONCURRENCY, ms: duration } satisfies Load);
    });
  // The SDK's client as the app used it before aws/dynamo.ts, for the raw baseline.
  const sdk = DynamoDBDocumentClient.from(new DynamoDBClient(clientOptions(config(), config().dynamoEndpoint)), {
    marshallOptions: { removeUndefinedValues: true },
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
    const put = { TableName: Table.name(), Item: notice! };
    const get = { TableName: Table.name(), Key: Table.key.article(id) };
    // The same PutItem and GetItem through both clients; the faster is the baseline.
    const rawCalls = {
      notices: {
        sdk: () => sdk.send(new PutCommand({ ...put, Item: { ...put.Item, ...Table.key.notice(randomUUID()) } })),
        ours: () => dynamo().send("PutItem", { ...put, Item: { ...put.Item, ...Table.key.notice(randomUUID()) } }),
      },
      views: { sdk: () => sdk.send(new GetCommand(get)), ours: () => dynamo().send("GetItem", get) },
    };
    const figures = [
      ["notices", filing],
      ["views", page],
    ] as const;
    for (const [figure, spec] of figures) {
      // Apart, the app runs the code section 4 has warmed: only its connections to the engine are new.
      await load(spec, apart ? WARM_UP_MS.raw : WARM_UP_MS.app);
      for (const send of Object.values(rawCalls[figure])) await raw(send, WARM_UP_MS.raw);
    }
    // Recorded once warm (the rule set cached, the route group loaded), as the rounds' requests run.
    const replays = {
      notices: replay(await recorded(filing)),
      views: replay(await recorded(page)),
    };
    // It reads the request's body, as any handler of a filing must, and answers with the app's.
    const bareApp = new Hono().all("/:figure", async (c) => {
      const { send, answer } = replays[c.req.param("figure") as keyof typeof replays];
      await c.req.arrayBuffer();
      await send();
      return c.body(answer);
    });
    bare = await served(bareApp.fetch);
    const toBare = (figure: string, spec: Sent) => ({ ...spec, url: `${bare!.base}/${figure}` });
    for (const [figure, spec] of figures) await load(toBare(figure, spec), WARM_UP_MS.raw);
    const byFigure = { notices: [] as Round[], views: [] as Round[] };
    for (let round = 0; round < rounds; round++) {
      for (const [figure, spec] of figures) {
        const app = await load(spec);
        // Alternate which client goes first, so neither always runs on a warmer engine.
        const order = round % 2 ? (["ours", "sdk"] as const) : (["sdk", "ours"] as const);
        const measured = { sdk: 0, ours: 0 };
        for (const client of order) measured[client] = await raw(rawCalls[figure][client], ms);
        const replayed = await raw(replays[figure].send, ms);
        byFigure[figure].push({
          app,
          ...measured,
          replayed,
          bare: await load(toBare(figure, spec)),
        });
      }
    }
    const faster = ({ sdk, ours }: Round) => Math.max(sdk, ours);
    const row = (figure: string, call: string, measured: Round[], target: number): Row => ({
      figure,
      ours: median(measured.map(({ app }) => app)),
      unit: "/s",
      reference: median(measured.map(faster)),
      referenceLabel: `raw ${call}, the faster client`,
      ...(apart ? {} : { compare: "at-least", target }),
      ratio: median(measured.map((round) => round.app / faster(round))),
      note: `${apart ? "not judged (section 4 is); " : ""}ratio: the median of ${rounds} rounds' ours/raw, each round's runs back to back; ${median(measured.map((round) => round.app / round.bare)).toFixed(2)}× the bare app below`,
    });
    /** A floor measured in the same rounds, against the same raw baseline; not judged. */
    const floor = (figure: string, call: string, measured: Round[], side: "replayed" | "bare", note: string): Row => ({
      figure,
      ours: median(measured.map((round) => round[side])),
      unit: "/s",
      reference: median(measured.map(faster)),
      referenceLabel: `raw ${call}, the faster client`,
      ratio: median(measured.map((round) => round[side] / faster(round))),
      note: `not judged: ${note}`,
    });
    const floors = (request: string, call: string, measured: Round[], calls: string) => [
      floor(
        `${request}: its DynamoDB calls alone, replayed raw (${calls})`,
        call,
        measured,
        "replayed",
        "what the request reaches if the app's own work cost nothing, through the app's client",
      ),
      floor(
        `${request}: a bare Hono app making those calls, on the same server`,
        call,
        measured,
        "bare",
        "the request's floor over HTTP here; it reads the body and answers the app's bytes, nothing more",
      ),
    ];
    const clients = (call: string, measured: Round[]): Row => ({
      figure: `raw ${call}s through our DynamoDB client`,
      ours: median(measured.map(({ ours }) => ours)),
      unit: "/s",
      reference: median(measured.map(({ sdk }) => sdk)),
      referenceLabel: "the SDK's document client",
      ratio: median(measured.map(({ ours, sdk }) => ours / sdk)),
      note: "not judged: the baseline above is whichever was faster in each round",
    });
    return {
      title: `${apart ? "4b. Throughput with DynamoDB in a process of its own" : "4. Throughput"}, ${CONCURRENCY} concurrent, ${rounds} interleaved rounds of ${ms / 1000} s`,
      rows: [
        row("notices filed through the HTTP API (keyed)", "PutItem", byFigure.notices, TARGETS.notices),
        ...floors("a keyed filing", "PutItem", byFigure.notices, replays.notices.calls),
        clients("PutItem", byFigure.notices),
        row("article pages through the HTTP server", "GetItem", byFigure.views, TARGETS.views),
        ...floors("an article page", "GetItem", byFigure.views, replays.views.calls),
        clients("GetItem", byFigure.views),
      ],
    };
  } finally {
    driver.kill();
    await Promise.all(
      [server, bare?.server].map(
        (listening) => new Promise<void>((resolve) => (listening ? listening.close(() => resolve()) : resolve())),
      ),
    );
  }
}
