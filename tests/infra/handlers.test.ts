/**
 * The Lambda handlers, invoked with the events AWS sends them, against
 * dynalite and aws-ses-v2-local: the site through API Gateway on every route,
 * the dispatcher with stream batches of items read back from the table, and
 * the sweep, the digest and the feed poll with EventBridge's scheduled event.
 */
import { config, Source, Table } from "@takedown/core";
import { dynamo } from "@takedown/core/aws/dynamo";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { handler as api } from "../../packages/functions/src/api";
import { handler as digest } from "../../packages/functions/src/digest";
import { handler as dispatch } from "../../packages/functions/src/dispatch";
import { handler as poll } from "../../packages/functions/src/poll";
import { handler as sweep } from "../../packages/functions/src/sweep";
import { startFeedServer } from "../support/feed-server";
import { ingestSource, noticeInput, unique } from "../support/fixtures";
import { inbox, linkIn, waitForMail } from "../support/mailbox";
import { ORIGIN } from "../support/desk";
import { proofOfWork } from "../support/pow";
import { SITE, http, scheduled, streamBatch } from "./support/events";

const INGEST = { authorization: "Bearer test-ingest-token" };
const OPERATOR = "ops-one@syndication.example";

async function call(event: APIGatewayProxyEventV2) {
  // Hono types `body` as string | null; AWS leaves it out when there is none.
  const result = (await api(event as never, {} as never)) as APIGatewayProxyStructuredResultV2 &
    APIGatewayProxyResultV2;
  const raw = result.body ?? "";
  const body = result.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw;
  return { status: result.statusCode!, headers: result.headers ?? {}, body, json: () => JSON.parse(body) };
}

/** What the stream would carry after the last write to these notices. */
async function streamOf(...ids: string[]) {
  return streamBatch(config().dynamoEndpoint!, config().tableName, ids.map(Table.key.notice));
}

/** A link from a mail, as the request its reader's browser makes through API Gateway. */
function follow(link: string, method = "GET", form?: Record<string, string>) {
  const url = new URL(link);
  const token = url.searchParams.get("token")!;
  return method === "GET"
    ? http("GET", url.pathname + url.search)
    : // Forms are accepted from PUBLIC_URL's origin only, whatever host the event names.
      http("POST", url.pathname, { headers: { origin: ORIGIN }, form: { token, ...form } });
}

describe("the site on API Gateway", () => {
  it("serves the pages and the JSON API on every route, through the workflow", async () => {
    const home = await call(http("GET", "/"));
    expect(home.status).toBe(200);
    expect(home.body).toContain("Removal requests for republished articles");
    expect(home.headers["content-security-policy"]).toContain("default-src 'self'");
    const css = await call(http("GET", /<link rel="stylesheet" href="([^"]+)"/.exec(home.body)![1]!));
    expect(css.status).toBe(200);
    expect(css.headers["content-type"]).toContain("text/css");
    expect(css.headers["cache-control"]).toContain("immutable");

    const tag = unique();
    const ingested = await call(
      http("POST", "/api/v1/articles", {
        headers: INGEST,
        json: {
          title: `Harbour story ${tag}`,
          author: "Maya Lindqvist",
          sourceName: "The Harbour Gazette",
          sourceDomain: `gazette-${tag}.example`,
          originalUrl: `https://gazette-${tag}.example/news/harbour`,
          publishedAt: "2026-11-20T08:30:00Z",
          body: "The council voted on Tuesday.",
        },
      }),
    );
    expect(ingested.status).toBe(200);
    const article = ingested.json() as { id: string; url: string };
    expect((await call(http("POST", "/api/v1/articles", { json: {} }))).status).toBe(401);
    expect((await call(http("GET", `/api/v1/articles/${article.id}`))).json()).toMatchObject({
      hidden: false,
      title: `Harbour story ${tag}`,
    });
    const page = await call(http("GET", `/articles/${article.id}`));
    expect(page.status).toBe(200);
    expect(page.body).toContain(`Harbour story ${tag}`);

    // The form, filled in and posted by a browser: API Gateway hands the body over base64-encoded.
    const form = await call(
      http("GET", "/takedown", { query: { url: `https://gazette-${tag}.example/news/harbour` } }),
    );
    expect(form.status).toBe(200);
    expect(form.body).toContain(`gazette-${tag}.example/news/harbour`);
    const email = `writer-${tag}@gazette-${tag}.example`;
    const filed = await call(
      http("POST", "/takedown", {
        headers: { origin: ORIGIN },
        form: {
          name: "Maya Lindqvist",
          email,
          role: "author",
          urls: `https://gazette-${tag}.example/news/harbour`,
          scope: "urls",
          work: "My harbour article.",
          explanation: "I never licensed it.",
          goodFaith: "on",
          accurate: "on",
          signature: "Maya Lindqvist",
          proof: proofOfWork()["proof-of-work"],
        },
      }),
    );
    expect(filed.status).toBe(303);
    const statusPath = new URL(filed.headers.location as string, SITE);
    const id = statusPath.pathname.split("/").pop()!;
    const status = await call(http("GET", statusPath.pathname + statusPath.search));
    expect(status.status).toBe(200);
    expect(status.body).toContain(id);
    expect(
      (await call(http("POST", "/takedown", { headers: { origin: "https://evil.example" }, form: {} }))).status,
    ).toBe(403);

    // Mail leaves through the stream, never from the request.
    expect(await inbox(email)).toHaveLength(0);
    expect(await dispatch(await streamOf(id))).toEqual({ batchItemFailures: [] });
    const receipt = await waitForMail(email, /received your takedown notice/);

    const confirmLink = linkIn(receipt, "confirm");
    expect((await call(follow(confirmLink))).status).toBe(200);
    expect((await call(follow(confirmLink, "POST"))).status).toBe(200);
    await dispatch(await streamOf(id));
    const review = await waitForMail(OPERATOR, new RegExp(id));

    const approveLink = linkIn(review, "approve");
    expect((await call(follow(approveLink))).status).toBe(200);
    expect((await call(follow(approveLink, "POST"))).status).toBe(200);
    expect((await call(follow(linkIn(review, "reject"), "POST", { reason: "Too late." }))).status).toBe(410);
    await dispatch(await streamOf(id));

    const hidden = await call(http("GET", `/articles/${article.id}`));
    expect(hidden.status).toBe(451);
    expect(hidden.headers.link).toContain(`/notices/${id}`);
    expect((await call(http("GET", `/notices/${id}`))).status).toBe(200);
    const apiStatus = await call(http("GET", `/api/v1/takedowns/${id}${statusPath.search}`));
    expect(apiStatus.json()).toMatchObject({ id, status: "approved" });
    expect((await call(http("GET", `/api/v1/takedowns/${id}`))).status).toBe(403);
  });

  it("files JSON notices, rejects with a reason, and answers 404 for unknown paths", async () => {
    const { articles } = await ingestSource(1);
    const input = noticeInput([articles[0]!.originalUrl]);
    const filed = await call(http("POST", "/api/v1/takedowns", { json: input, headers: proofOfWork() }));
    expect(filed.status).toBe(202);
    const { id } = filed.json() as { id: string };
    await dispatch(await streamOf(id));
    await call(follow(linkIn(await waitForMail(input.requester.email, /received/), "confirm"), "POST"));
    await dispatch(await streamOf(id));
    const review = await waitForMail(OPERATOR, new RegExp(id));
    const rejectLink = linkIn(review, "reject");
    expect((await call(follow(rejectLink))).status).toBe(200);
    expect(
      (await call(follow(rejectLink, "POST", { reason: "Licensed under the syndication agreement." }))).status,
    ).toBe(200);
    await dispatch(await streamOf(id));
    const decision = await waitForMail(input.requester.email, /was rejected/);
    expect(decision.body.text).toContain("Licensed under the syndication agreement.");

    const missing = await call(http("GET", "/no/such/page"));
    expect(missing.status).toBe(404);
    expect((await call(http("GET", "/api/v1/nothing"))).json()).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("the dispatcher on the table's stream", () => {
  it("delivers what a batch makes due and ignores articles and notices another worker holds", async () => {
    const { articles } = await ingestSource(1);
    const due = noticeInput([articles[0]!.originalUrl]);
    const { id } = (await call(http("POST", "/api/v1/takedowns", { json: due, headers: proofOfWork() }))).json() as {
      id: string;
    };
    const held = noticeInput([articles[0]!.originalUrl]);
    const heldId = (
      (await call(http("POST", "/api/v1/takedowns", { json: held, headers: proofOfWork() }))).json() as { id: string }
    ).id;
    await putLease(heldId, Date.now() + 60_000);

    const batch = await streamBatch(config().dynamoEndpoint!, config().tableName, [
      Table.key.article(articles[0]!.id),
      Table.key.notice(id),
      Table.key.notice(heldId),
    ]);
    expect(await dispatch(batch)).toEqual({ batchItemFailures: [] });

    await waitForMail(due.requester.email, /received your takedown notice/);
    expect(await inbox(held.requester.email)).toHaveLength(0);
  });

  it("reports the records of a notice it could not process, so Lambda retries them, and still delivers the rest", async () => {
    const { articles } = await ingestSource(1);
    const input = noticeInput([articles[0]!.originalUrl]);
    const { id } = (await call(http("POST", "/api/v1/takedowns", { json: input, headers: proofOfWork() }))).json() as {
      id: string;
    };
    const batch = await streamOf(id);
    // A notice the table refuses to update (its key is over DynamoDB's 2 KB limit).
    const broken = structuredClone(batch.Records[0]!);
    broken.dynamodb!.SequenceNumber = "999000111";
    broken.dynamodb!.NewImage!.id = { S: "x".repeat(2100) };
    batch.Records.push(broken);

    expect(await dispatch(batch)).toEqual({ batchItemFailures: [{ itemIdentifier: "999000111" }] });
    await waitForMail(input.requester.email, /received your takedown notice/);
  });

  it("leaves a retry scheduled for later to the sweep instead of looping through the stream", async () => {
    const { articles } = await ingestSource(1);
    const input = noticeInput([articles[0]!.originalUrl]);
    const { id } = (await call(http("POST", "/api/v1/takedowns", { json: input, headers: proofOfWork() }))).json() as {
      id: string;
    };
    const batch = await streamOf(id);
    batch.Records[0]!.dynamodb!.NewImage!.gsi2sk = { S: new Date(Date.now() + 60_000).toISOString() };
    expect(await dispatch(batch)).toEqual({ batchItemFailures: [] });
    // Sending is awaited before the handler returns: nothing arrived, nothing was sent.
    expect(await inbox(input.requester.email)).toHaveLength(0);
  });
});

describe("the sweep on its schedule", () => {
  it("delivers what the stream missed and takes over notices whose lease ran out", async () => {
    const { articles } = await ingestSource(1);
    const missed = noticeInput([articles[0]!.originalUrl]);
    await call(http("POST", "/api/v1/takedowns", { json: missed, headers: proofOfWork() }));
    const abandoned = noticeInput([articles[0]!.originalUrl]);
    const { id } = (
      await call(http("POST", "/api/v1/takedowns", { json: abandoned, headers: proofOfWork() }))
    ).json() as { id: string };
    await putLease(id, Date.now() - 1_000);

    const { processed } = await sweep(scheduled());
    expect(processed).toBeGreaterThanOrEqual(2);
    await waitForMail(missed.requester.email, /received your takedown notice/);
    await waitForMail(abandoned.requester.email, /received your takedown notice/);
  });
});

describe("the digest on its schedule", () => {
  it("sends nothing when no notice has waited past REVIEW_SLA_HOURS and no counter-notice is due", async () => {
    const before = (await inbox(OPERATOR)).length;
    expect(await digest(scheduled())).toEqual({ sent: false });
    expect(await inbox(OPERATOR)).toHaveLength(before);
  });
});

describe("the feed poll on its schedule", () => {
  it("reads the feeds that are due, refusing loopback as production does", async () => {
    const feeds = await startFeedServer();
    try {
      const domain = `polled-${unique()}.example`;
      await Source.add({
        name: "Polled",
        domain,
        feeds: [feeds.xml("/feed.xml", '<rss version="2.0"><channel><title>P</title></channel></rss>')],
      });
      expect(await poll(scheduled())).toEqual({ feeds: 1, failed: 1, fresh: 0 });
      expect((await Source.get(domain))!.feeds[0]).toMatchObject({ lastError: "private_address", failures: 1 });
      expect(feeds.requests).toEqual([]);
      // Backing off: the next run, a moment later, has nothing due.
      expect(await poll(scheduled())).toEqual({ feeds: 0, failed: 0, fresh: 0 });
    } finally {
      await feeds.close();
    }
  });
});

/** Marks a notice as held by a worker until `until` (epoch ms), as a claim does. */
async function putLease(id: string, until: number) {
  await dynamo().send("UpdateItem", {
    TableName: config().tableName,
    Key: Table.key.notice(id),
    UpdateExpression: "SET lease = :until",
    ExpressionAttributeValues: { ":until": until },
  });
}
