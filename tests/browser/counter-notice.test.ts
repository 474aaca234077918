/**
 * A counter-notice in a real browser, as the publisher whose article was
 * taken down goes through it: the 451 page's link, the form (prefilled with
 * where the material was), the receipt's confirm link and its button; then
 * the window's end, with COUNTER_NOTICE_AUTO_RESTORE on, restores the article.
 * The clock is advanced by passing `now` to the job, not waited for.
 */
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionsOn, browserMissing, launch, ORIGIN, PORT, SHOTS } from "../support/browser";
import { unique } from "../support/fixtures";
import { linkIn, waitForMail } from "../support/mailbox";
import { withSettings } from "../support/settings";

const missing = browserMissing();

describe.skipIf(missing)("a counter-notice in a browser", () => {
  let browser: Browser;
  let page: Page;
  let server: { close: () => Promise<void> };

  beforeAll(async () => {
    const { serve } = await import("../../packages/local/src/serve");
    server = await serve(PORT);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  });

  afterAll(async () => {
    withSettings({ PUBLIC_URL: ORIGIN });
    await browser?.close();
    await server?.close();
  });

  const { submit, text } = actionsOn(() => page);

  it("goes from the 451 page through confirmation to restoration by the window job", { timeout: 90_000 }, async () => {
    const { Article, CounterNotice, Links, Notice } = await import("@takedown/core");
    const { drain } = await import("../support/desk");
    const tag = unique();
    const article = await Article.ingest({
      title: `Harbour lights festival ${tag}`,
      author: "Rui Quay",
      sourceName: `Bay Herald ${tag}`,
      sourceDomain: `bay-herald-${tag}.example`,
      originalUrl: `https://www.bay-herald-${tag}.example/news/lights`,
      publishedAt: "2026-11-20T09:00:00Z",
      body: "The lights went up along the quay.",
    });
    // Someone else's notice, confirmed and approved: the article answers 451.
    const requester = `claimant-${tag}@rights.example`;
    const notice = await Notice.file({
      requester: { name: "Carl Claimant", email: requester, role: "agent" },
      urls: [Links.article(article.id)],
      scope: "urls",
      future: false,
      work: "A festival report.",
      explanation: "Not licensed.",
      goodFaith: true,
      accurate: true,
      signature: "Carl Claimant",
    });
    const token = (link: string) => new URL(link).searchParams.get("token")!;
    await Notice.confirmAnonymous(notice.id, token(Links.act(notice.id, "confirm", requester)));
    await Notice.decide(
      notice.id,
      "approved",
      token(Links.act(notice.id, "approve", "ops-one@syndication.example")),
      undefined,
    );
    await drain();
    const articleUrl = `${ORIGIN}/articles/${article.id}`;
    expect((await page.goto(articleUrl))?.status()).toBe(451);

    // The 451 page's link opens the form, which already says where the material was and what it was.
    await Promise.all([page.waitForURL(/\/counter-notice\?article=/), page.click("#counter-notice")]);
    expect(await page.locator("#article").inputValue()).toBe(articleUrl);
    expect(await page.locator("#material").inputValue()).toContain(article.title);
    const email = `rui-${tag}@bay-herald-${tag}.example`;
    await page.fill("#name", "Rui Quay");
    await page.fill("#email", email);
    await page.fill("#address", "2 Harbour Road, Baytown");
    await page.fill("#phone", "+1 555 0199");
    await page.fill("#evidence", "I wrote it; the Bay Herald published it first and licenses it to this site.");
    await page.check("#mistake");
    await page.check("#jurisdiction");
    await page.check("#service");
    await page.fill("#signature", "Rui Quay");
    const filed = await submit("form[action='/counter-notice'] button[type=submit]");
    expect(filed.status(), await text("main")).toBe(202);
    expect(await text("#done")).toBe("Check your email");

    // The receipt's link opens a page; only its button confirms.
    const receipt = await waitForMail(email, /Confirm your counter-notice/);
    await page.goto(linkIn(receipt, "confirm"));
    expect(await text("h1")).toBe("Confirm your counter-notice");
    const confirmed = await submit("#act");
    expect(confirmed.status()).toBe(200);
    expect(await text("#done")).toBe("Your counter-notice is confirmed");
    await page.screenshot({ path: resolve(SHOTS, "browser-counter-notice-confirmed.png"), fullPage: true });

    // The claimant gets a copy with the deadline; nobody reports a court action.
    const copy = await waitForMail(requester, /disputes your takedown notice/);
    expect(copy.body.text).toContain("I have filed a court action");
    const [counter] = await CounterNotice.ofNotice(await Notice.get(notice.id));
    const closes = Date.parse(counter!.closesAt!);

    // The window's end, with automatic restoration on.
    withSettings({ PUBLIC_URL: ORIGIN, COUNTER_NOTICE_AUTO_RESTORE: "true" });
    expect(await CounterNotice.dueRun(new Date(closes + 60_000))).toBe(1);
    await drain(closes + 60_000);
    const restored = await page.goto(articleUrl);
    expect(restored?.status()).toBe(200);
    expect(await text("h1")).toBe(article.title);
    await waitForMail(email, new RegExp(`The material of counter-notice ${counter!.id}`));
    await waitForMail(requester, new RegExp(`The material of counter-notice ${counter!.id}`));
  });
});
