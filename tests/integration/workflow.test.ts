/**
 * The takedown workflow end to end, through the HTTP app, against dynalite
 * and aws-ses-v2-local: filing, receipt, confirmation, operator mail,
 * decision, effects and the requester's decision mail.
 */
import { Dispatch } from "@takedown/core";
import { app } from "@takedown/web";
import { describe, expect, it } from "vitest";
import { fileJson, ORIGIN, press } from "../support/desk";
import { ingestSource, noticeInput } from "../support/fixtures";
import { inbox, linkIn, waitForMail, type Mail } from "../support/mailbox";

const INGEST = { authorization: "Bearer test-ingest-token", "content-type": "application/json" };

async function fileAndRead(body: unknown) {
  const response = await fileJson(body);
  return { response, json: (await response.json()) as Record<string, any> };
}

/** Delivers queued mail the way the stream/sweep would, then reads it. */
async function deliveredMail(to: string, subject: RegExp): Promise<Mail> {
  await Dispatch.sweep();
  return waitForMail(to, subject);
}

function pathOf(link: string) {
  const url = new URL(link);
  return { path: url.pathname + url.search, token: url.searchParams.get("token")! };
}

async function confirmAndGetReviewMail(notice: { id: string }, email: string) {
  const receipt = await deliveredMail(email, /received your takedown notice/);
  expect((await press(linkIn(receipt, "confirm"))).status).toBe(200);
  return deliveredMail("ops-one@syndication.example", new RegExp(`Takedown notice ${notice.id}`));
}

describe("filing a notice through the API", () => {
  it("answers 202 with a status URL, emails a receipt, and tells operators only after confirmation", async () => {
    const { articles, sourceDomain } = await ingestSource(2);
    const input = noticeInput([articles[0]!.originalUrl, "https://elsewhere.example/missing"]);
    const { response, json } = await fileAndRead(input);
    expect(response.status).toBe(202);
    expect(json).toMatchObject({ status: "awaiting_confirmation" });
    expect(json.statusUrl).toMatch(new RegExp(`/takedowns/${json.id}\\?token=`));

    const receipt = await deliveredMail(input.requester.email, /received your takedown notice/);
    expect(receipt.body.text).toContain(json.id);
    const confirmLink = linkIn(receipt, "confirm");
    expect(confirmLink).toContain(`/takedowns/${json.id}/confirm`);
    const before = (await inbox("ops-one@syndication.example")).filter((m) => m.subject.includes(json.id));
    expect(before).toHaveLength(0);

    // A scanner following the link changes nothing.
    const { path } = pathOf(confirmLink);
    expect((await app.request(path, { method: "HEAD" })).status).toBe(200);
    expect((await app.request(path)).status).toBe(200);
    const status = new URL(json.statusUrl);
    const stillWaiting = await app.request(`/api/v1/takedowns/${json.id}${status.search}`);
    expect(((await stillWaiting.json()) as any).status).toBe("awaiting_confirmation");

    expect((await press(confirmLink)).status).toBe(200);
    const review = await deliveredMail("ops-one@syndication.example", new RegExp(json.id));
    await waitForMail("ops-two@syndication.example", new RegExp(json.id));
    expect(review.body.text).toContain(articles[0]!.title);
    expect(review.body.text).toContain("not found on our site");
    expect(review.body.text).toContain(`WARNING: the sender's email domain does NOT match ${sourceDomain}.`);
    expect(linkIn(review, "approve")).toContain("/approve?token=");
    expect(linkIn(review, "reject")).toContain("/reject?token=");

    const after = await app.request(`/api/v1/takedowns/${json.id}${status.search}`);
    expect(await after.json()).toMatchObject({
      status: "pending_review",
      urls: [
        { url: articles[0]!.originalUrl, outcome: "matched", articleId: articles[0]!.id },
        { url: "https://elsewhere.example/missing", outcome: "not_found" },
      ],
    });
  });

  it("refuses bad input with field messages and writes nothing", async () => {
    const { json, response } = await fileAndRead({
      ...noticeInput(["not a url"]),
      goodFaith: false,
      requester: { name: "", email: "nope", role: "owner" },
    });
    expect(response.status).toBe(422);
    const paths = json.error.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining(["requester.name", "requester.email", "requester.role", "urls.0", "goodFaith"]),
    );
    expect(await Dispatch.sweep()).toBe(0);
  });

  it("answers 400, 413, 415 and 422 for malformed, oversized, mistyped and too-long requests", async () => {
    const post = (body: string, type = "application/json") =>
      app.request("/api/v1/takedowns", { method: "POST", headers: { "content-type": type }, body });
    expect((await post("{oops")).status).toBe(400);
    expect((await post("{}", "text/plain")).status).toBe(415);
    expect((await post(JSON.stringify({ pad: "x".repeat(70 * 1024) }))).status).toBe(413);
    // A length declared over the limit, as an HTTP server hands a request on, is refused as declared.
    const declared = await app.request("/api/v1/takedowns", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(70 * 1024) },
      body: "{}",
    });
    expect(declared.status).toBe(413);
    const urls = Array.from({ length: 51 }, (_, i) => `https://source.example/a/${i}`);
    const tooMany = await post(JSON.stringify(noticeInput(urls)));
    expect(tooMany.status).toBe(422);
    expect(JSON.stringify(await tooMany.json())).toContain("at most 50 URLs");
  });

  it("requires the status token to read a notice", async () => {
    const { articles } = await ingestSource(1);
    const { json } = await fileAndRead(noticeInput([articles[0]!.originalUrl]));
    expect((await app.request(`/api/v1/takedowns/${json.id}`)).status).toBe(403);
    expect((await app.request(`/api/v1/takedowns/${json.id}?token=forged.token`)).status).toBe(403);
  });
});

describe("operators deciding from their email", () => {
  it("approval hides the articles (451 with blocked-by) and emails the requester", async () => {
    const { articles } = await ingestSource(2);
    const input = noticeInput([`${ORIGIN}/articles/${articles[0]!.id}?utm_source=feed`]);
    const { json } = await fileAndRead(input);
    const review = await confirmAndGetReviewMail(json as { id: string }, input.requester.email);

    const approve = linkIn(review, "approve");
    expect((await app.request(pathOf(approve).path)).status).toBe(200);
    expect((await app.request(`/articles/${articles[0]!.id}`)).status).toBe(200);

    const done = await press(approve);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("being hidden");
    await Dispatch.sweep();

    const page = await app.request(`/articles/${articles[0]!.id}`);
    expect(page.status).toBe(451);
    expect(page.headers.get("link")).toBe(`<${ORIGIN}/notices/${json.id}>; rel="blocked-by"`);
    expect(await page.text()).toContain(`Notice ${json.id}`);
    expect((await app.request(`/articles/${articles[1]!.id}`)).status).toBe(200);

    const apiView = await app.request(`/api/v1/articles/${articles[0]!.id}`);
    expect(apiView.status).toBe(451);
    expect(apiView.headers.get("link")).toBe(`<${ORIGIN}/notices/${json.id}>; rel="blocked-by"`);
    expect(await apiView.json()).toMatchObject({
      error: { code: "unavailable_for_legal_reasons", message: expect.stringContaining(json.id) },
    });

    const decision = await deliveredMail(input.requester.email, /was approved/);
    expect(decision.body.text).toContain("If you disagree");

    // The used link, and the other operator's reject link, no longer act.
    expect((await press(approve)).status).toBe(410);
    const other = await waitForMail("ops-two@syndication.example", new RegExp(json.id));
    const late = await press(linkIn(other, "reject"), { reason: "too late" });
    expect(late.status).toBe(410);
    expect(await late.text()).toContain("already approved by ops-one@syndication.example");
  });

  it("rejection needs a reason, hides nothing and tells the requester why", async () => {
    const { articles } = await ingestSource(1);
    const input = noticeInput([articles[0]!.originalUrl]);
    const { json } = await fileAndRead(input);
    const review = await confirmAndGetReviewMail(json as { id: string }, input.requester.email);
    const reject = linkIn(review, "reject");

    expect((await press(reject, { reason: "  " })).status).toBe(422);
    expect((await press(reject, { reason: "The sender is not <b>the author</b>." })).status).toBe(200);
    expect((await app.request(`/articles/${articles[0]!.id}`)).status).toBe(200);

    const mail = await deliveredMail(input.requester.email, /was rejected/);
    expect(mail.body.text).toContain("The sender is not <b>the author</b>.");
    expect(mail.body.html).toContain("The sender is not &lt;b&gt;the author&lt;/b&gt;.");
    const status = await app.request(
      new URL((json as any).statusUrl).pathname.replace("/takedowns", "/api/v1/takedowns") +
        new URL(json.statusUrl).search,
    );
    expect(await status.json()).toMatchObject({
      status: "rejected",
      urls: [{ outcome: "rejected" }],
      // Requesters are not told operators' addresses.
      decision: { action: "rejected", by: "an operator" },
    });
  });

  it("refuses forged, swapped and cross-site decisions without changing anything", async () => {
    const { articles } = await ingestSource(1);
    const input = noticeInput([articles[0]!.originalUrl]);
    const { json } = await fileAndRead(input);
    const review = await confirmAndGetReviewMail(json as { id: string }, input.requester.email);
    const approve = linkIn(review, "approve");
    const { path, token } = pathOf(approve);
    const noticePath = path.split("?")[0]!;

    const forged = token.slice(0, -2) + (token.endsWith("A") ? "B" : "A");
    expect((await app.request(`${noticePath}?token=${forged}`)).status).toBe(403);
    // An approve token does not reject.
    const swapped = await press(approve.replace("/approve?", "/reject?"), { reason: "x" });
    expect(swapped.status).toBe(403);
    const crossSite = await press(approve, {}, { origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    // Under no-referrer, browsers send `Origin: null`; only their Sec-Fetch-Site tells us where from.
    const opaque = await press(approve, {}, { origin: "null", "sec-fetch-site": "cross-site" });
    expect(opaque.status).toBe(403);
    expect((await app.request(`/articles/${articles[0]!.id}`)).status).toBe(200);
  });
});

describe("scope and the future", () => {
  it("a source-wide approval with `future` hides existing articles and blocks later ones at ingest", async () => {
    const { articles, sourceDomain, tag } = await ingestSource(3);
    const input = noticeInput([articles[0]!.originalUrl], { scope: "source", future: true });
    input.requester.role = "publisher";
    const { json } = await fileAndRead(input);
    await press(linkIn(await confirmAndGetReviewMail(json as { id: string }, input.requester.email), "approve"));
    await Dispatch.sweep();

    for (const article of articles) {
      expect((await app.request(`/articles/${article.id}`)).status).toBe(451);
    }
    const later = await app.request("/api/v1/articles", {
      method: "POST",
      headers: INGEST,
      body: JSON.stringify({
        title: "Next week's story",
        author: "Someone Else",
        sourceName: `Source ${tag}`,
        sourceDomain,
        originalUrl: `https://${sourceDomain}/news/next-week`,
        publishedAt: "2026-12-01T10:00:00Z",
      }),
    });
    expect(await later.json()).toMatchObject({ hidden: true, suppressedBy: `source:${sourceDomain}` });
  });

  it("an author-wide approval hides only that author's articles", async () => {
    const { articles, sourceDomain, tag } = await ingestSource(2, { author: "Maya Lind" });
    const other = await app.request("/api/v1/articles", {
      method: "POST",
      headers: INGEST,
      body: JSON.stringify({
        title: "By a colleague",
        author: "Colleague",
        sourceName: `Source ${tag}`,
        sourceDomain,
        originalUrl: `https://${sourceDomain}/news/colleague`,
        publishedAt: "2026-11-03T10:00:00Z",
      }),
    });
    const colleague = (await other.json()) as { id: string };
    const input = noticeInput([articles[0]!.originalUrl], { scope: "author" });
    const { json } = await fileAndRead(input);
    await press(linkIn(await confirmAndGetReviewMail(json as { id: string }, input.requester.email), "approve"));
    await Dispatch.sweep();
    expect((await app.request(`/articles/${articles[1]!.id}`)).status).toBe(451);
    expect((await app.request(`/articles/${colleague.id}`)).status).toBe(200);
  });
});

describe("ingest", () => {
  it("needs the ingest token and upserts by normalised original URL", async () => {
    const body = {
      title: "A story",
      author: "A. Writer",
      sourceName: "Example News",
      sourceDomain: "www.example-news.example",
      originalUrl: "https://www.example-news.example/story/?utm_source=rss#top",
      publishedAt: "2026-11-01T10:00:00Z",
    };
    const denied = await app.request("/api/v1/articles", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(denied.status).toBe(401);
    const first = (await (
      await app.request("/api/v1/articles", { method: "POST", headers: INGEST, body: JSON.stringify(body) })
    ).json()) as any;
    const again = (await (
      await app.request("/api/v1/articles", {
        method: "POST",
        headers: INGEST,
        body: JSON.stringify({ ...body, title: "A story, updated", originalUrl: "http://example-news.example/story" }),
      })
    ).json()) as any;
    expect(again.id).toBe(first.id);
    expect(first).toMatchObject({ hidden: false, url: `${ORIGIN}/articles/${first.id}` });
    const page = await app.request(`/articles/${first.id}`);
    const html = await page.text();
    expect(html).toContain("A story, updated");
    expect(html).toContain(`/takedown?url=${encodeURIComponent(`${ORIGIN}/articles/${first.id}`)}`);
  });

  it("rejects an article without the fields it needs", async () => {
    const response = await app.request("/api/v1/articles", {
      method: "POST",
      headers: INGEST,
      body: JSON.stringify({ title: "x" }),
    });
    expect(response.status).toBe(422);
    const { error } = (await response.json()) as any;
    expect(error.issues.map((i: any) => i.path)).toEqual(
      expect.arrayContaining(["author", "originalUrl", "publishedAt"]),
    );
  });
});
