/**
 * The operators' console in a real browser: sign in from the link in the
 * mailbox, find a notice in the queue, decide it URL by URL (one article
 * hidden, one kept), then reverse the approval and see the article back.
 * The app runs on Node with its dispatcher, which mails the sign-in link and
 * applies the decisions; no step is taken behind the browser's back except
 * filing and confirming the notice, which other browser tests cover.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionsOn, browserMissing, launch, ORIGIN, PORT, settled } from "../support/browser";
import { OPERATORS, tokenOf } from "../support/desk";
import { ingestSource, noticeInput } from "../support/fixtures";
import { awaitSignInLink } from "../support/console";

const missing = browserMissing();

describe.skipIf(missing)("the console in a browser", () => {
  let browser: Browser;
  let page: Page;
  let server: { close: () => Promise<void> };

  beforeAll(async () => {
    const { serve } = await import("../../packages/local/src/serve");
    server = await serve(PORT);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const { submit, text } = actionsOn(() => page);

  it("signs in from the mailbox, decides a notice URL by URL and reverses it", { timeout: 120_000 }, async () => {
    const { Links, Notice } = await import("@takedown/core");
    const source = await ingestSource(2);
    const [kept, hidden] = source.articles;
    const filed = await Notice.file(noticeInput([hidden!.originalUrl, kept!.originalUrl]));
    await Notice.confirmAnonymous(filed.id, tokenOf(Links.act(filed.id, "confirm", filed.requester.email)));

    // Without a session, the console sends the browser to sign in.
    await page.goto(`${ORIGIN}/console`);
    expect(new URL(page.url()).pathname).toBe("/console/sign-in");
    await page.fill("#email", OPERATORS[0]!);
    expect((await submit("button[type=submit]")).status()).toBe(200);
    expect(await text("[role=status]")).toContain("a sign-in link is on its way");

    await page.goto(await awaitSignInLink(OPERATORS[0]!));
    expect(await text("h1")).toBe("Sign in to the console");
    const signedIn = await submit("form[action='/console/sign-in/link'] button");
    expect(signedIn.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe("/console");
    const cookie = (await page.context().cookies()).find((c) => c.name === "console")!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax" });

    // The queue lists the notice; its case page previews the approval.
    const row = page.locator(`tr[data-notice="${filed.id}"]`);
    expect(await row.count()).toBe(1);
    expect(await row.innerText()).toContain(source.sourceDomain);
    await Promise.all([page.waitForURL(/\/console\/notices\//), row.locator("a").first().click()]);
    expect(await text("#preview")).toContain("Hides 2 articles now");

    // Approve the first URL only, keeping the second.
    await page.check("#decide-approve");
    await page.uncheck("#decide-url-1");
    await page.selectOption("#decide-ground", "infringement_confirmed");
    await page.fill("#decide-reason", "Only the first article copies the requester's work.");
    expect((await submit("#action-decide button[type=submit]")).status()).toBe(200);
    expect(await text("#done")).toContain("The decision is recorded");
    const decided = await settled(filed.id, (status) => status === "partially_approved");
    expect(Notice.outcomes(decided).map((o) => o.outcome)).toEqual(["hidden", "kept"]);
    expect((await page.request.get(`${ORIGIN}/articles/${hidden!.id}`)).status()).toBe(451);
    expect((await page.request.get(`${ORIGIN}/articles/${kept!.id}`)).status()).toBe(200);

    // Reverse it: the hidden article comes back.
    await page.reload();
    await page.fill("#reverse-reason", "The requester's licence covers us after all.");
    expect((await submit("#action-reverse button[type=submit]")).status()).toBe(200);
    await settled(filed.id, (status) => status === "reversed");
    expect((await page.request.get(`${ORIGIN}/articles/${hidden!.id}`)).status()).toBe(200);
    await page.reload();
    expect(await text("#audit")).toContain("The requester's licence covers us after all.");

    // Signing out ends the session: the console asks for a sign-in again.
    await submit("nav.console button");
    await page.goto(`${ORIGIN}/console`);
    expect(new URL(page.url()).pathname).toBe("/console/sign-in");
  });
});
