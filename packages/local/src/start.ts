/**
 * `npm start`: the whole product on one machine. dynalite and
 * aws-ses-v2-local stand in for DynamoDB and SES; the same Hono app runs on
 * Node; a timer does what the table's stream and the schedule do on AWS.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { config, Config, configure, Log, Poll } from "@takedown/core";
import { startCdn } from "./cdn";
import { ensureTable, startDynamo, startSes } from "./engines";
import { serveSampleFeeds } from "./sample-feeds";
import { seed } from "./seed";
import { serve } from "./serve";

const port = Number(process.env.PORT ?? 3000);
const dataDir = resolve(process.env.DATA_DIR ?? ".data");
mkdirSync(dataDir, { recursive: true });

const dynamo = await startDynamo({
  port: Number(process.env.DYNAMODB_PORT ?? 8000),
  path: resolve(dataDir, "dynamodb"),
});
const ses = await startSes({ port: Number(process.env.SES_PORT ?? 8005) });
const cdn = await startCdn({ port: Number(process.env.CDN_PORT ?? 8006) });
process.env.DYNAMODB_ENDPOINT = dynamo.url;
process.env.SES_ENDPOINT = ses.url;
// No CDN here: a stand-in records what CloudFront would be told to forget.
process.env.CDN_ENDPOINT = cdn.url;
process.env.CDN_DISTRIBUTION_ID ??= "LOCAL";
process.env.PUBLIC_URL ??= `http://127.0.0.1:${port}`;
// Webhook receivers on this machine are what local development is about.
process.env.ALLOW_PRIVATE_WEBHOOKS ??= "true";
// So are the sample feeds on 127.0.0.1, read often enough to watch items arrive.
process.env.ALLOW_LOOPBACK_FEEDS ??= "true";
process.env.FEED_POLL_SECONDS ??= "30";

configure(Config.fromEnv(process.env));
await ensureTable(dynamo.url);
const [sample] = await seed();
const feeds = await serveSampleFeeds(resolve(dataDir, "feeds"), Number(process.env.FEEDS_PORT ?? 8010));
const server = await serve(port);

// What the schedule does on AWS: each run reads only the feeds that are due, one run at a time.
let polling: Promise<unknown> = Promise.resolve();
const poll = () => {
  polling = polling
    .then(() => Poll.run())
    .catch((error: unknown) => {
      Log.warn("poll.failed", { name: (error as Error).name });
    });
};
poll();
const pollTimer = setInterval(poll, 5_000);

console.log(`
Takedown Desk is running.
  Removal form     ${config().publicUrl}/takedown
  Sample article   ${config().publicUrl}/articles/${sample!.id}
  Latest articles  ${config().publicUrl}/
  Sample feeds     ${feeds.url}/  (files in ${resolve(dataDir, "feeds")}; npm run sources -- list)
  Mailbox (SES)    ${ses.url}/
  DynamoDB         ${dynamo.url}  (data in ${dataDir})
  CDN invalidated  ${cdn.url}/invalidations/${config().cdnDistributionId}
  Ingest token     ${config().ingestToken}
  Operators        ${config().operatorEmails.join(", ")}  (sign in at ${config().publicUrl}/console; the link arrives in the mailbox)
Press Ctrl-C to stop.`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  clearInterval(pollTimer);
  await polling;
  await server.close();
  await Promise.all([ses.close(), dynamo.close(), cdn.close(), feeds.close()]);
  process.exit(0);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
