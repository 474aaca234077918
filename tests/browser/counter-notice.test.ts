/**
 * A counter-notice in a real browser, as the publisher whose article was
 * taken down goes through it: the 451 page's link, the form (prefilled with
 * where the material was), the receipt's confirm link and its button. Then
 * the two ways it ends in restoration once the requester's window closes
 * without a court action: an operator sees the case marked ready in the
 * console's queue and restores it from the case page; or, with
 * COUNTER_NOTICE_AUTO_RESTORE on, the window job restores it. The clock is
 * advanced by passing `now` to the job (CounterNotice.dueRun, what the
 * scheduled sweep runs after the dispatcher) and to the dispatcher, not
 * waited for.
 */
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { actionsOn, browserMissing, launch, ORIGIN, PORT, settled, SHOTS, signIn } from "../support/browser";
import { OPERATORS } from "../support/desk";
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
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  });

  afterEach(() => {
    withSettings({ PUBLIC_URL: ORIGIN });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const { submit, text } = actionsOn(() => page);

  /**
   * An article withheld under someone else's approved notice, and the
   * publisher's counter-notice against it, filed from the 451 page and
   * confirmed from the mailbox.
   */
  async function disputed(shot: string) {
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
    await Notice.decide(notice.id, "approved", token(Links.act(notice.id, "approve", OPERATORS[0]!)), undefined);
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
    await page.screenshot({ path: resolve(SHOTS, `browser-counter-notice-${shot}-confirmed.png`), fullPage: true });

    // The claimant gets a copy with the deadline; nobody reports a court action.
    const copy = await waitForMail(requester, /disputes your takedown notice/);
    expect(copy.body.text).toContain("I have filed a court action");
    const [counter] = await CounterNotice.ofNotice(await Notice.get(notice.id));
    return { article, articleUrl, notice, counter: counter!, email, requester, closes: Date.parse(counter!.closesAt!) };
  }

  it("goes from the 451 page to restoration by an operator, once the window has closed", {
    timeout: 120_000,
  }, async () => {
    const { CounterNotice } = await import("@takedown/core");
    const { drain } = await import("../support/desk");
    const { article, articleUrl, notice, counter, email, requester, closes } = await disputed("operator");

    // The window closes without a court action; restoring is the operator's call, so the article stays withheld.
    withSettings({ PUBLIC_URL: ORIGIN, COUNTER_NOTICE_AUTO_RESTORE: "false" });
    expect(await CounterNotice.dueRun(new Date(closes + 60_000))).toBe(1);
    await drain(closes + 60_000);
    expect((await page.goto(articleUrl))?.status()).toBe(451);
    await waitForMail(email, new RegExp(`The window of counter-notice ${counter.id}`));

    // The operator signs in from the mailbox and finds the case marked ready in the contested list.
    const operator = OPERATORS[1]!;
    await signIn(page, operator);
    expect(new URL(page.url()).pathname).toBe("/console");
    await page.goto(`${ORIGIN}/console?state=contested&limit=100`);
    const row = page.locator(`tr[data-notice="${notice.id}"]`);
    expect((await row.getAttribute("class"))?.split(" ")).toContain("ready");
    expect(await row.innerText()).toContain("Ready to restore");
    await page.screenshot({ path: resolve(SHOTS, "browser-counter-notice-queue-ready.png"), fullPage: true });

    // The case page shows the counter-notice, and the restoration is pressed there.
    await Promise.all([page.waitForURL(/\/console\/notices\//), row.locator("a").first().click()]);
    expect(await text(`#counter-notice-${counter.id}`)).toContain("ready: the window closed without a court action");
    await page.fill("#restore-reason", "The Bay Herald's licence to this site checks out.");
    expect((await submit("#action-restore button[type=submit]")).status()).toBe(200);
    expect(await text("#done")).toContain("The articles are being restored");
    await settled(notice.id, (status) => status === "reversed");

    // The article is back; the audit trail says who did what, and when; both sides are told.
    const restored = await page.goto(articleUrl);
    expect(restored?.status()).toBe(200);
    expect(await text("h1")).toBe(article.title);
    await page.goto(`${ORIGIN}/console/notices/${notice.id}`);
    const trail = page.locator("#audit tbody tr");
    const closed = trail.filter({ hasText: "the window closed without a court action" });
    expect(await closed.locator("td").nth(1).innerText()).toBe("the desk");
    const done = trail.filter({ hasText: "The Bay Herald's licence to this site checks out." });
    expect(await done.locator("td").nth(1).innerText()).toBe(operator);
    expect(await done.locator("td").nth(2).innerText()).toMatch(/^Restored /);
    expect(await done.locator("time").getAttribute("datetime")).toMatch(/^\d{4}-\d\d-\d\dT/);
    await page.screenshot({ path: resolve(SHOTS, "browser-counter-notice-restored-case.png"), fullPage: true });
    await waitForMail(requester, /restored after a counter-notice/);
    await waitForMail(email, new RegExp(`The material of counter-notice ${counter.id}`));

    // It has left the contested list.
    await page.goto(`${ORIGIN}/console?state=contested&limit=100`);
    expect(await page.locator(`tr[data-notice="${notice.id}"]`).count()).toBe(0);
  });

  it("goes from the 451 page to restoration by the window job", { timeout: 90_000 }, async () => {
    const { CounterNotice, Notice } = await import("@takedown/core");
    const { drain } = await import("../support/desk");
    const { article, articleUrl, notice, counter, email, requester, closes } = await disputed("job");

    // The window's end, with automatic restoration on.
    withSettings({ PUBLIC_URL: ORIGIN, COUNTER_NOTICE_AUTO_RESTORE: "true" });
    expect(await CounterNotice.dueRun(new Date(closes + 60_000))).toBe(1);
    await drain(closes + 60_000);
    const restored = await page.goto(articleUrl);
    expect(restored?.status()).toBe(200);
    expect(await text("h1")).toBe(article.title);
    await waitForMail(email, new RegExp(`The material of counter-notice ${counter.id}`));
    await waitForMail(requester, new RegExp(`The material of counter-notice ${counter.id}`));
    expect((await Notice.get(notice.id)).events).toContainEqual(
      expect.objectContaining({ type: "restored", by: "system", reason: expect.stringContaining(counter.id) }),
    );
  });
});
