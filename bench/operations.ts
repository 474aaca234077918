/**
 * Section 1: the DynamoDB calls and capacity units of every operation,
 * beside the floor its access pattern allows (bench/floors.ts). Section 6:
 * the latencies a person waits on. Everything goes through the app.
 */
import {
  articleId,
  challenge,
  confirm,
  decide,
  dispatch,
  fileForm,
  fileJson,
  fileKeyed,
  ingest,
  newKey,
  originalUrl,
  statusPage,
  view,
  type Filed,
  type Filing,
  type Prepared,
  type Story,
} from "./desk";
import { OPERATORS } from "./engines";
import { floors } from "./floors";
import { describe, measure, type Tally } from "./meter";
import type { Row, Section } from "./report";
import { seed } from "./seed";

export type Operation = { name: string; tally: Tally; ms: number; floor: number; note?: string };

const REPEATS = 3;
let sources = 0;

/** A fresh source with `count` articles by `authors` authors (seeded: ingest is measured on its own). */
async function newSource(count: number, authors = 1): Promise<Story[]> {
  const source = `source-${++sources}-${process.pid}.example`;
  const stories = Array.from({ length: count }, (_, i) => ({ source, author: `Author ${i % authors}`, i }));
  await seed(stories);
  return stories;
}

type Measured = { tally: Tally; ms: number };

/**
 * Runs `setup`, then each of `steps` in turn, measuring each, REPEATS times
 * over fresh items; for each step keeps the run with the median number of
 * calls: a rule set read again after another run changed it, or a key's
 * once-a-minute use stamp, would otherwise count against one operation at
 * random. A notice's life is several steps of one setup.
 */
async function repeatedSteps<S>(
  setup: () => Promise<S>,
  steps: ((state: S) => Prepared<unknown>)[],
): Promise<Measured[]> {
  const runs: Measured[][] = steps.map(() => []);
  for (let r = 0; r < REPEATS; r++) {
    const state = await setup();
    for (const [i, step] of steps.entries()) {
      const send = step(state);
      const start = performance.now();
      const { tally } = await measure(send);
      runs[i]!.push({ tally, ms: performance.now() - start });
    }
  }
  return runs.map(
    (measured) => measured.sort((a, b) => a.tally.calls - b.tally.calls)[Math.floor(measured.length / 2)]!,
  );
}

const repeated = async <S>(setup: () => Promise<S>, step: (state: S) => Prepared<unknown>) =>
  (await repeatedSteps(setup, [step]))[0]!;

const sourcesOfSize = new Map<number, Promise<string[]>>();
/** The URLs of a source of `count` articles, seeded once: filing does not change them. */
const filedOver = (count: number) => async (): Promise<{ urls: string[] }> => {
  if (!sourcesOfSize.has(count))
    sourcesOfSize.set(
      count,
      newSource(count).then((stories) => stories.map(originalUrl)),
    );
  return { urls: await sourcesOfSize.get(count)! };
};

/** A notice filed anonymously, its receipt sent, confirmed, its review mail sent. */
async function confirmed(filing: Filing): Promise<Filed> {
  const filed = await fileJson(filing)();
  await dispatch(filed.id)();
  await confirm(filed)();
  await dispatch(filed.id)();
  return filed;
}

export async function measureOperations(quick: boolean): Promise<Operation[]> {
  const ops: Operation[] = [];
  const record = async (name: string, floor: number, run: Measured | Promise<Measured>, note?: string) => {
    const { tally, ms } = await run;
    ops.push({ name, tally, ms, floor, note });
  };
  const key = await newKey();
  const sourceSize = quick ? 200 : 1_000;

  await record(
    "ingest",
    floors.ingest(),
    repeated(
      async () => ({ source: `ingest-${++sources}.example`, author: "Bench Writer", i: 0, body: "x".repeat(4_000) }),
      (story) => () => ingest(story),
    ),
    "4 KB body",
  );
  await record(
    "GET /api/v1/challenge",
    floors.challenge(),
    repeated(
      async () => undefined,
      () => challenge,
    ),
  );
  for (const n of [1, 50]) {
    await record(
      `file anonymous, JSON, ${n} URL${n > 1 ? "s" : ""}`,
      floors.fileAnonymous(n, "json"),
      repeated(filedOver(n), ({ urls }) => fileJson({ urls })),
    );
    await record(
      `file anonymous, form, ${n} URL${n > 1 ? "s" : ""}`,
      floors.fileAnonymous(n, "form"),
      repeated(filedOver(n), ({ urls }) => fileForm({ urls })),
    );
  }
  for (const n of [1, 50, 1_000]) {
    await record(
      `file keyed, ${n.toLocaleString("en")} URL${n > 1 ? "s" : ""}`,
      floors.fileKeyed(n),
      repeated(filedOver(n), ({ urls }) => fileKeyed({ urls }, key)),
    );
  }
  const [receipt, confirmation, review] = await repeatedSteps(
    async () => fileJson({ urls: (await filedOver(1)()).urls })(),
    [(filed) => dispatch(filed.id), (filed) => confirm(filed), (filed) => dispatch(filed.id)],
  );
  // The first run also writes the notice's search terms: its address, its organisation's words and its one article.
  await record("dispatcher: receipt (1 mail)", floors.mail(1) + floors.firstRun(7), receipt!);
  await record("confirm", floors.confirm(), confirmation!);
  await record(`dispatcher: review (${OPERATORS.length} mails)`, floors.reviewMail(OPERATORS.length, 1), review!);

  const approvals: {
    label: string;
    filing: (stories: Story[]) => Filing;
    count: number;
    authors: number;
    effects: number;
  }[] = [
    {
      label: "urls, 1 URL",
      filing: (s) => ({ urls: [originalUrl(s[0]!)] }),
      count: 1,
      authors: 1,
      effects: floors.effectsByUrl(1),
    },
    {
      label: "author",
      filing: (s) => ({ urls: [originalUrl(s[0]!)], scope: "author", future: true }),
      count: 10,
      authors: 2,
      effects: floors.effectsByRule(1),
    },
    {
      label: `source of ${sourceSize.toLocaleString("en")} articles`,
      filing: (s) => ({ urls: [originalUrl(s[0]!)], scope: "source", future: true }),
      count: sourceSize,
      authors: 3,
      effects: floors.effectsByRule(1),
    },
  ];
  const decided = (action: "approve" | "reject") => [
    (filed: Filed) => decide(filed.id, action),
    (filed: Filed) => dispatch(filed.id),
  ];
  for (const approval of approvals) {
    const [request, effects] = await repeatedSteps(
      async () => confirmed(approval.filing(await newSource(approval.count, approval.authors))),
      decided("approve"),
    );
    await record(`approve ${approval.label}: request`, floors.decide(), request!);
    await record(`approve ${approval.label}: dispatcher`, approval.effects, effects!, "effects + decision mail");
  }
  const [rejection, rejected] = await repeatedSteps(
    async () => confirmed({ urls: [originalUrl((await newSource(1))[0]!)] }),
    decided("reject"),
  );
  await record("reject: request", floors.decide(), rejection!);
  await record("reject: dispatcher", floors.effectsOfRejection(), rejected!, "decision mail");

  await record(
    "view (article page)",
    floors.view(),
    repeated(
      async () => articleId(originalUrl((await newSource(1))[0]!)),
      (id) => view(id),
    ),
  );
  await record(
    "view hidden (451)",
    floors.view(),
    repeated(
      async () => {
        const [story] = await newSource(1);
        const filed = await confirmed({ urls: [originalUrl(story!)] });
        await decide(filed.id, "approve")();
        await dispatch(filed.id)();
        // A first read after the rule set changed reads it again; readers meet the steady state.
        await view(articleId(originalUrl(story!)), 451)();
        return articleId(originalUrl(story!));
      },
      (id) => view(id, 451),
    ),
  );
  await record(
    "status page",
    floors.statusPage(1),
    repeated(
      async () => fileJson({ urls: (await filedOver(1)()).urls })(),
      (filed) => statusPage(filed.id),
    ),
  );
  return ops;
}

const indexNote = (tally: Tally) =>
  Object.entries(tally.indexWcu)
    .map(([index, units]) => ` + ${units} ${index}`)
    .join("");

export function operationsSection(ops: Operation[]): Section[] {
  const calls: Row[] = ops.map((op) => ({
    figure: op.name,
    ours: op.tally.calls,
    unit: "calls",
    reference: op.floor,
    compare: "floor",
    note: `${describe(op.tally)}; ${op.tally.rcu} RCU, ${op.tally.wcu} WCU${indexNote(op.tally)}${op.note ? `; ${op.note}` : ""}`,
  }));
  return [{ title: "1. DynamoDB calls per operation (floor: bench/floors.ts)", rows: calls }];
}

/** Section 6: per-request latency through the app, as bench/workflow.ts measured it. */
export async function latencies(rounds: number): Promise<Section> {
  const timings: Record<string, number[]> = {};
  const timed = async <T>(name: string, send: Prepared<T>): Promise<T> => {
    const start = performance.now();
    const result = await send();
    (timings[name] ??= []).push(performance.now() - start);
    return result;
  };
  const source = `latency-${process.pid}.example`;
  for (let i = 0; i < rounds; i++) {
    const story = { source, author: "Bench Writer", i };
    const article = await timed("ingest", () => ingest(story));
    const filed = await timed("file (anonymous, JSON)", fileJson({ urls: [originalUrl(story)] }));
    await timed("confirm", confirm(filed));
    await timed("approve (request)", decide(filed.id, "approve"));
    await dispatch(filed.id)();
    await timed("451 page", view(article.id, 451));
  }
  const percentile = (values: number[], p: number) =>
    [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) * p)]!;
  const rows = Object.entries(timings).flatMap(([name, values]): Row[] => [
    { figure: `${name} p50`, ours: percentile(values, 0.5), unit: "ms" },
    {
      figure: `${name} p95`,
      ours: percentile(values, 0.95),
      unit: "ms",
      reference: 50,
      referenceLabel: "limit",
      compare: "at-most",
    },
  ]);
  return { title: `6. Latency through the app, ${rounds} rounds (dynalite in process)`, rows };
}
