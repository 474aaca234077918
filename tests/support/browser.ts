/**
 * What the browser tests share: Debian's chromium-headless-shell, driven by
 * playwright-core, against the app served on Node at a port of its own.
 *
 * Links in pages and mails are built from PUBLIC_URL, which env.ts sets to a
 * placeholder: importing this module points it at the test's own server.
 */
import { existsSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { Notice } from "@takedown/core";
import { chromium, type Browser, type Page, type Response } from "playwright-core";
import { it } from "vitest";
import { freePort } from "../../packages/local/src/engines";
import { awaitSignInLink } from "./console";
import { withSettings } from "./settings";

export const CHROMIUM = "/usr/lib/chromium/chromium-headless-shell";
export const SHOTS = resolve(import.meta.dirname, "../../test-results");

export const PORT = await freePort();
export const ORIGIN = `http://127.0.0.1:${PORT}`;
withSettings({ PUBLIC_URL: ORIGIN });

/**
 * True when the browser is not installed. Then this registers a test that is
 * skipped on a developer's machine but fails in CI (CI set): a missing
 * browser must not pass as a green run.
 */
export function browserMissing(): boolean {
  if (existsSync(CHROMIUM)) return false;
  const message = `${CHROMIUM} is missing; install it with: apt-get install -y chromium-headless-shell`;
  it("has chromium-headless-shell to drive", (context) => {
    if (!process.env.CI) {
      console.warn(`Skipping the browser test: ${message}`);
      context.skip(message);
    }
    throw new Error(`${message} (required when CI is set)`);
  });
  return true;
}

export async function launch(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/**
 * What a test does on its page, read when called (the page is opened in
 * `beforeAll`): `submit` clicks a form's button and waits for the page it
 * leads to (the POST's own response or, after a redirect, the page
 * redirected to); `text` is what a person reads in an element, whitespace
 * collapsed.
 */
export function actionsOn(page: () => Page) {
  return {
    async submit(selector: string): Promise<Response> {
      const [response] = await Promise.all([page().waitForNavigation({ waitUntil: "load" }), page().click(selector)]);
      if (!response) throw new Error(`Pressing ${selector} did not open a page`);
      return response;
    },
    text: async (selector: string) => (await page().locator(selector).first().innerText()).replace(/\s+/g, " ").trim(),
  };
}

/** Signs `operator` in to the console as they would: the form, the link the server's dispatcher mails, its button. */
export async function signIn(page: Page, operator: string): Promise<void> {
  const { submit } = actionsOn(() => page);
  await page.goto(`${ORIGIN}/console/sign-in`);
  await page.fill("#email", operator);
  await submit("button[type=submit]");
  await page.goto(await awaitSignInLink(operator));
  await submit("form[action='/console/sign-in/link'] button");
}

/** Waits until the server's dispatcher (every 500 ms) has applied what the last action on a notice queued. */
export async function settled(id: string, done: (status: string) => boolean): Promise<Notice.Notice> {
  for (let i = 0; i < 100; i++) {
    const notice = await Notice.get(id);
    if (done(notice.status) && !notice.effectsPending && !Object.keys(notice.outbox).length) return notice;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Notice ${id} did not settle`);
}
