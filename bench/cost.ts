/**
 * Section 5: what AWS would charge, from what the bench counted (capacity
 * units per operation, mails, requests) and measured (durations), at the
 * prices in bench/prices.ts.
 */
import { Table } from "@takedown/core";
import { dynamo } from "../packages/core/src/aws/dynamo";
import { itemSize } from "../packages/core/src/store";
import { articleId, ingest, originalUrl, type Story } from "./desk";
import { OPERATORS } from "./engines";
import { totalIndexWcu } from "./meter";
import type { Operation } from "./operations";
import { ITEM_OVERHEAD_BYTES, PRICES } from "./prices";
import type { Row, Section } from "./report";

/** One notice's life, as the operations of section 1 measured it. */
const LIFE = {
  /** Requests through API Gateway to the site's function. */
  site: ["file anonymous, JSON, 1 URL", "confirm", "approve urls, 1 URL: request"],
  /** The dispatcher's runs: receipt, review mail, effects and decision mail. */
  dispatcher: [
    "dispatcher: receipt (1 mail)",
    `dispatcher: review (${OPERATORS.length} mails)`,
    "approve urls, 1 URL: dispatcher",
  ],
};

const GB = 1024 ** 3;

/** Bytes a stored article takes in the table and in gsi1, as DynamoDB counts them for storage. */
async function articleBytes(bodyChars: number): Promise<{ table: number; gsi1: number }> {
  const story: Story = {
    source: `cost-${process.pid}.example`,
    author: "Bench Writer",
    i: 0,
    body: "x".repeat(bodyChars),
  };
  await ingest(story);
  const { Item } = await dynamo().send("GetItem", {
    TableName: Table.name(),
    Key: Table.key.article(articleId(originalUrl(story))),
    ConsistentRead: true,
  });
  const projection = Table.definition.globalIndexes.gsi1.projection as readonly string[];
  const projected = Object.fromEntries(
    Object.entries(Item!).filter(([name]) => ["pk", "sk", "gsi1pk", "gsi1sk", ...projection].includes(name)),
  );
  return { table: itemSize(Item!) + ITEM_OVERHEAD_BYTES, gsi1: itemSize(projected) + ITEM_OVERHEAD_BYTES };
}

export async function cost(ops: Operation[]): Promise<Section> {
  const byName = new Map(ops.map((op) => [op.name, op]));
  const pick = (names: string[]) =>
    names.map((name) => {
      const op = byName.get(name);
      if (!op) throw new Error(`cost: no operation named "${name}" was measured`);
      return op;
    });
  const site = pick(LIFE.site);
  const dispatcher = pick(LIFE.dispatcher);
  const all = [...site, ...dispatcher];
  const perNotice = {
    wcu: all.reduce((sum, op) => sum + op.tally.wcu + totalIndexWcu(op.tally), 0),
    rcu: all.reduce((sum, op) => sum + op.tally.rcu, 0),
    mails: 1 + OPERATORS.length + 1,
    lambdaSeconds: all.reduce((sum, op) => sum + op.ms / 1000, 0),
  };
  const n = 1_000;
  const dollars = {
    dynamo: n * (perNotice.wcu * PRICES.dynamoWrite + perNotice.rcu * PRICES.dynamoRead),
    ses: n * perNotice.mails * PRICES.sesMessage,
    lambda:
      n * (all.length * PRICES.lambdaRequest + perNotice.lambdaSeconds * PRICES.lambdaMemoryGb * PRICES.lambdaGbSecond),
    api: n * site.length * PRICES.httpApiRequest,
  };
  const total = Object.values(dollars).reduce((a, b) => a + b, 0);

  const articles = 1_000_000;
  const bytes = await articleBytes(4_000);
  const storage = ((bytes.table + bytes.gsi1) * articles) / GB;
  const prices = `${PRICES.region} list prices as of ${PRICES.asOf} (bench/prices.ts)`;
  const rows: Row[] = [
    {
      figure: "1,000 notices end to end",
      ours: total,
      unit: "USD",
      note:
        `file (anonymous JSON), receipt, confirm, review mail to ${OPERATORS.length} operators, approve, effects and decision mail; ` +
        `${prices}; Lambda time is each step's local duration, the meter's own reads included (an upper bound)`,
    },
    {
      figure: "  of which DynamoDB",
      ours: dollars.dynamo,
      unit: "USD",
      note: `${perNotice.wcu} WCU + ${perNotice.rcu} RCU a notice (table and index write units)`,
    },
    {
      figure: "  of which SES",
      ours: dollars.ses,
      unit: "USD",
      note: `${perNotice.mails} mails a notice: receipt, one review per operator, decision`,
    },
    {
      figure: "  of which Lambda",
      ours: dollars.lambda,
      unit: "USD",
      note: `${all.length} invocations a notice, ${(perNotice.lambdaSeconds * 1000).toFixed(0)} ms at ${PRICES.lambdaMemoryGb * 1024} MB`,
    },
    {
      figure: "  of which API Gateway (HTTP API)",
      ours: dollars.api,
      unit: "USD",
      note: `${site.length} requests a notice (the link pages' GETs not counted)`,
    },
    {
      figure: "1 million articles at rest, a month",
      ours: storage * PRICES.dynamoStorageGbMonth,
      unit: "USD",
      note: `${(storage).toFixed(2)} GB: ${bytes.table} B an article (4 KB body) + ${bytes.gsi1} B in gsi1, each with DynamoDB's 100 B overhead; ${prices}`,
    },
  ];
  return { title: "5. Cost at AWS list prices", rows };
}
