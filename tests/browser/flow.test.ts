/**
 * The whole takedown workflow in a real browser, as a person would go
 * through it: the article's "request removal" link, the form (wrong first,
 * then right), the receipt email's confirm link, the operator's approve link,
 * and the article answering 451 afterwards.
 *
 * Drives Debian's chromium-headless-shell with playwright-core against the
 * app served on Node (with its mail dispatcher), dynalite and
 * aws-ses-v2-local.
 */
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionsOn, browserMissing, launch, ORIGIN, PORT, SHOTS } from "../support/browser";
import { unique } from "../support/fixtures";
import { linkIn, waitForMail } from "../support/mailbox";

const missing = browserMissing();

describe.skipIf(missing)("the takedown workflow in a browser", () => {
  let browser: Browser;
  let page: Page;
  let server: { close: () => Promise<void> };

  beforeAll(async () => {
    const { config } = await import("@takedown/core");
    const { serve } = await import("../../packages/local/src/serve");
    expect(config().publicUrl, "the server links to its own origin").toBe(ORIGIN);
    server = await serve(PORT);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const { submit, text } = actionsOn(() => page);
  const value = (selector: string) => page.locator(selector).inputValue();

  it("files, confirms and approves a notice, after which the article answers 451", { timeout: 90_000 }, async () => {
    const { Article } = await import("@takedown/core");
    const tag = unique();
    const article = await Article.ingest({
      title: `Lighthouse keepers remember the storm ${tag}`,
      author: "Ines Harbour",
      sourceName: `Coast Courier ${tag}`,
      sourceDomain: `coast-courier-${tag}.example`,
      originalUrl: `https://www.coast-courier-${tag}.example/news/storm`,
      publishedAt: "2026-11-18T09:00:00Z",
      body: "The keepers kept the light burning through the night.\n\nNobody was hurt.",
    });
    const articleUrl = `${ORIGIN}/articles/${article.id}`;
    const email = `ines-${tag}@coast-courier-${tag}.example`;

    // The article, and its footer link to the removal form.
    const opened = await page.goto(articleUrl);
    expect(opened?.status()).toBe(200);
    expect(await text("h1")).toBe(article.title);
    await Promise.all([page.waitForURL(/\/takedown\?url=/), page.click("#request-removal")]);
    expect(new URL(page.url()).searchParams.get("url")).toBe(articleUrl);
    expect(await value("#urls")).toBe(articleUrl);
    expect(await page.locator("#form-errors").count()).toBe(0);

    // First attempt: a wrong email and neither statement ticked.
    await page.fill("#name", "Ines Harbour");
    await page.fill("#email", "ines-at-coast-courier");
    await page.fill("#organization", "Coast Courier");
    await page.check("#role-author");
    await page.fill("#work", "My article about the storm, first published by the Coast Courier.");
    await page.fill("#explanation", "I never agreed to this republication.");
    await page.fill("#signature", "Ines Harbour");
    const refused = await submit("form[action='/takedown'] button[type=submit]");
    expect(refused.status(), await text("main")).toBe(422);

    expect(await text("#form-errors")).toContain("3 fields need your attention.");
    expect(await text("#email-error")).toBe("Enter a valid email address.");
    expect(await text("#goodFaith-error")).toBe("The good-faith statement is required.");
    expect(await text("#accurate-error")).toBe("The accuracy and authority statement is required.");
    expect(await page.locator(".field.invalid").count()).toBe(3);
    for (const field of ["email", "goodFaith", "accurate"]) {
      expect(await page.locator(`[data-field="${field}"]`).getAttribute("class")).toContain("invalid");
    }
    for (const field of ["name", "urls", "work", "explanation", "signature"]) {
      expect(await page.locator(`#${field}-error`).count()).toBe(0);
    }
    // What was typed is kept.
    expect(await value("#name")).toBe("Ines Harbour");
    expect(await value("#email")).toBe("ines-at-coast-courier");
    expect(await value("#organization")).toBe("Coast Courier");
    expect(await page.isChecked("#role-author")).toBe(true);
    expect(await value("#urls")).toBe(articleUrl);
    expect(await page.isChecked("#scope-urls")).toBe(true);
    expect(await value("#work")).toBe("My article about the storm, first published by the Coast Courier.");
    expect(await value("#explanation")).toBe("I never agreed to this republication.");
    expect(await value("#signature")).toBe("Ines Harbour");
    expect(await page.isChecked("#goodFaith")).toBe(false);
    await page.screenshot({ path: resolve(SHOTS, "browser-form-errors.png"), fullPage: true });

    // Fixed and sent: the status page.
    await page.fill("#email", email);
    await page.check("#goodFaith");
    await page.check("#accurate");
    const filed = await submit("form[action='/takedown'] button[type=submit]");
    expect(filed.status(), await text("main")).toBe(200);
    expect(page.url()).toMatch(new RegExp(`^${ORIGIN}/takedowns/[^/?]+\\?token=.+&filed=1$`));
    expect(await text("#received")).toContain("We received your notice.");
    const id = (await text("h1")).replace(/^Takedown notice /, "");
    expect(id).toMatch(/^\S+$/);
    expect(page.url()).toContain(`/takedowns/${id}?`);
    expect(await text("table")).toContain(article.title);

    // The receipt's confirm link, and its button.
    const receipt = await waitForMail(email, /received your takedown notice/);
    expect(receipt.body.text).toContain(id);
    const confirm = linkIn(receipt, "confirm");
    expect(confirm.startsWith(`${ORIGIN}/takedowns/${id}/confirm?token=`)).toBe(true);
    expect((await page.goto(confirm))?.status()).toBe(200);
    expect(await text("h1")).toBe("Confirm your notice");
    const confirmed = await submit("#act");
    expect(confirmed.status(), await text("main")).toBe(200);
    expect(await text("#done")).toBe("Thank you, your notice is confirmed");

    // The operator's approve link, and its button.
    const review = await waitForMail("ops-one@syndication.example", new RegExp(`Takedown notice ${id}`));
    expect(review.body.text).toContain(article.title);
    const approve = linkIn(review, "approve");
    expect(approve.startsWith(`${ORIGIN}/takedowns/${id}/approve?token=`)).toBe(true);
    expect((await page.goto(approve))?.status()).toBe(200);
    expect(await text("h1")).toBe("Approve this notice");
    const approved = await submit("#act");
    expect(approved.status(), await text("main")).toBe(200);
    expect(await text("#done")).toBe("Notice approved");
    expect(await text("main")).toContain("being hidden");

    // Within moments (the dispatcher applies the approval), the article is withheld, saying by which notice.
    await expect.poll(async () => (await page.request.get(articleUrl)).status(), { timeout: 5_000 }).toBe(451);
    const withheld = await page.goto(articleUrl);
    expect(withheld?.status()).toBe(451);
    expect(withheld?.headers().link).toBe(`<${ORIGIN}/notices/${id}>; rel="blocked-by"`);
    expect(await text("h1")).toBe("Unavailable for legal reasons");
    expect(await text("main")).not.toContain("The keepers kept the light burning");
    expect(await page.locator(`a[href="${ORIGIN}/notices/${id}"]`).textContent()).toBe(`Notice ${id}`);
    await page.screenshot({ path: resolve(SHOTS, "browser-451.png"), fullPage: true });

    // And the requester is told.
    const decision = await waitForMail(email, /was approved/);
    expect(decision.body.text).toContain(id);
  });
});
