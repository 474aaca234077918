/**
 * Every HTML response the site gives — pages found by following links from
 * the home page, the pages mail links open, what buttons answer, and every
 * error — carries the security headers, runs no script the CSP does not name,
 * and sets no cookie; every form POST refuses another origin.
 */
import { Links, Notice } from "@takedown/core";
import { app } from "@takedown/web";
import { describe, expect, it } from "vitest";
import { confirmedNotice, drain, OPERATORS, ORIGIN, press } from "../support/desk";
import { figure } from "../support/figures";
import { proofOfWork } from "../support/pow";
import { intoDynamo, throttling } from "../fault/inject";
import { formFields } from "../abuse/form";

type Seen = { label: string; response: Response; html: string };

function csp(response: Response): Map<string, string[]> {
  const header = response.headers.get("content-security-policy") ?? "";
  return new Map(
    header
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name!, values]),
  );
}

/** What a browser would enforce, checked on one HTML response. */
function problems({ response, html }: Seen): string[] {
  const found: string[] = [];
  const policy = csp(response);
  const scripts = policy.get("script-src") ?? policy.get("default-src") ?? [];
  const styles = policy.get("style-src") ?? policy.get("default-src") ?? [];
  const nonce = scripts.find((s) => s.startsWith("'nonce-"))?.slice(7, -1);
  if (!(policy.get("default-src") ?? []).includes("'self'")) found.push("default-src is not 'self'");
  if (scripts.includes("'unsafe-inline'") && !nonce) found.push("script-src allows inline script");
  for (const [directive, value] of [
    ["object-src", "'none'"],
    ["base-uri", "'none'"],
    ["frame-ancestors", "'none'"],
  ]) {
    if (policy.get(directive!)?.join(" ") !== value) found.push(`${directive} is not ${value}`);
  }
  const hsts = /max-age=(\d+)/.exec(response.headers.get("strict-transport-security") ?? "");
  if (!hsts || Number(hsts[1]) < 31_536_000) found.push("no HSTS of a year or more");
  if (response.headers.get("x-content-type-options") !== "nosniff") found.push("no nosniff");
  if (response.headers.get("referrer-policy") !== "no-referrer") found.push("Referrer-Policy is not no-referrer");
  if (response.headers.get("set-cookie")) found.push("sets a cookie");
  for (const tag of html.match(/<script\b[^>]*>/gi) ?? []) {
    const src = /\ssrc="([^"]*)"/.exec(tag)?.[1];
    const tagNonce = /\snonce="([^"]*)"/.exec(tag)?.[1];
    if (src ? /^(https?:)?\/\//.test(src) && !src.startsWith(ORIGIN) : !(nonce && tagNonce === nonce)) {
      found.push(`script the CSP does not allow: ${tag}`);
    }
  }
  if (/\son[a-z]+\s*=/i.test(html.replace(/<script\b[\s\S]*?<\/script>/gi, ""))) found.push("inline event handler");
  if (!styles.includes("'unsafe-inline'") && /<style\b|\sstyle="/i.test(html))
    found.push("inline style the CSP blocks");
  return found;
}

async function visit(label: string, request: Promise<Response> | Response): Promise<Seen> {
  const response = await request;
  return { label, response, html: await response.text() };
}

const get = (path: string) => app.request(path);

/** Same-origin links and form targets in a page. */
const linksIn = (html: string) =>
  [...html.matchAll(/\shref="([^"#]+)"/g)]
    .map((m) => m[1]!)
    .filter((href) => href.startsWith("/") && !href.startsWith("//"));

describe("every HTML response", () => {
  it("has the CSP, HSTS, nosniff and no-referrer, allowed scripts only, and no cookie", async () => {
    const { notice, articles } = await confirmedNotice({ articles: 2 });
    const waiting = await confirmedNotice({ confirm: false });
    const hidden = await confirmedNotice();
    await press(Links.act(hidden.notice.id, "approve", OPERATORS[0]!));
    await drain();
    const rejected = await confirmedNotice();
    const act = (id: string, action: "confirm" | "approve" | "reject", actor: string, now = Date.now()) => {
      const link = new URL(Links.act(id, action, actor, now));
      return link.pathname + link.search;
    };

    const seen: Seen[] = [];
    // Pages reachable by links from the home page, followed two levels deep.
    const queue = ["/", `/articles/${articles[0]!.id}`];
    const visited = new Set<string>();
    for (let depth = 0; depth < 3 && queue.length; depth++) {
      for (const path of queue.splice(0)) {
        if (visited.has(path) || path.startsWith("/assets/")) continue;
        visited.add(path);
        const page = await visit(`GET ${path}`, get(path));
        if (!page.response.headers.get("content-type")?.includes("text/html")) continue;
        seen.push(page);
        queue.push(...linksIn(page.html));
      }
    }
    const fault = intoDynamo({ when: (c) => c === "BatchGetItemCommand", effect: { error: throttling } });
    const unavailable = await visit("503", get(`/articles/${articles[1]!.id}`));
    fault.remove();
    seen.push(
      unavailable,
      await visit(
        "status page",
        get(new URL(Links.status(notice.id)).pathname + new URL(Links.status(notice.id)).search),
      ),
      await visit("public notice", get(`/notices/${hidden.notice.id}`)),
      await visit("451 article", get(`/articles/${hidden.articles[0]!.id}`)),
      await visit("confirm page", get(act(waiting.notice.id, "confirm", waiting.input.requester.email))),
      await visit("approve page", get(act(notice.id, "approve", OPERATORS[0]!))),
      await visit("reject page", get(act(notice.id, "reject", OPERATORS[1]!))),
      await visit("403 forged link", get(`/takedowns/${notice.id}/approve?token=forged.token`)),
      await visit("410 expired link", get(act(notice.id, "approve", OPERATORS[0]!, Date.now() - 8 * 86_400_000))),
      await visit("404", get("/no/such/page")),
      await visit(
        "422 form",
        app.request("/takedown", {
          method: "POST",
          headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
          body: "name=",
        }),
      ),
      await visit("confirmed", press(Links.act(waiting.notice.id, "confirm", waiting.input.requester.email))),
      await visit("approved", press(Links.act(notice.id, "approve", OPERATORS[0]!))),
      await visit("410 decided", press(Links.act(notice.id, "reject", OPERATORS[1]!), { reason: "late" })),
      await visit("rejected", press(Links.act(rejected.notice.id, "reject", OPERATORS[0]!), { reason: "No." })),
    );
    const filed = await app.request("/takedown", {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...(await formFields()), proof: proofOfWork()["proof-of-work"] }).toString(),
    });
    expect(filed.status).toBe(303);

    const statuses = seen.map((s) => s.response.status);
    expect(statuses).toEqual(expect.arrayContaining([200, 403, 404, 410, 422, 451, 503]));
    const failures = seen.flatMap((page) =>
      problems(page).map((problem) => `${page.label} (${page.response.status}): ${problem}`),
    );
    expect(failures).toEqual([]);
    // Redirects and JSON carry the same headers.
    for (const response of [filed, await app.request("/api/v1/challenge"), await app.request("/assets/pow.js")]) {
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("set-cookie")).toBeNull();
    }
    figure("security.headers", {
      htmlResponses: seen.length,
      statuses: [...new Set(statuses)].sort(),
      crawled: visited.size,
      problems: 0,
    });
  });
});

describe("every form POST", () => {
  it("refuses a missing, foreign or null Origin unless the browser vouches it is ours, and changes nothing", async () => {
    const { notice, input } = await confirmedNotice({ confirm: false });
    const forms = {
      "/takedown": new URLSearchParams({ ...(await formFields()), proof: proofOfWork()["proof-of-work"] }),
      [`/takedowns/${notice.id}/confirm`]: new URLSearchParams({
        token: new URL(Links.act(notice.id, "confirm", input.requester.email)).searchParams.get("token")!,
      }),
      [`/takedowns/${notice.id}/approve`]: new URLSearchParams({
        token: new URL(Links.act(notice.id, "approve", OPERATORS[0]!)).searchParams.get("token")!,
      }),
      [`/takedowns/${notice.id}/reject`]: new URLSearchParams({
        token: new URL(Links.act(notice.id, "reject", OPERATORS[0]!)).searchParams.get("token")!,
        reason: "x",
      }),
    };
    // The forms the pages really contain are among those checked here.
    const pages = [
      await get("/takedown"),
      await get(
        new URL(Links.act(notice.id, "confirm", input.requester.email)).pathname +
          new URL(Links.act(notice.id, "confirm", input.requester.email)).search,
      ),
    ];
    for (const page of pages) {
      for (const [, action] of (await page.text()).matchAll(/<form[^>]*method="post"[^>]*action="([^"]+)"/g)) {
        expect(Object.keys(forms)).toContain(action);
      }
    }
    const hostile: Record<string, Record<string, string>> = {
      "no Origin": {},
      "another site": { origin: "https://evil.example" },
      "look-alike": { origin: `${ORIGIN}.evil.example` },
      "null, no Sec-Fetch-Site": { origin: "null" },
      "null, cross-site": { origin: "null", "sec-fetch-site": "cross-site" },
    };
    let refused = 0;
    for (const [path, body] of Object.entries(forms)) {
      for (const [label, headers] of Object.entries(hostile)) {
        const response = await app.request(path, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
          body: body.toString(),
        });
        expect(response.status, `${path}, ${label}`).toBe(403);
        refused++;
      }
    }
    expect((await Notice.get(notice.id)).status).toBe("awaiting_confirmation");
    // The browser's own word for a same-origin post is accepted.
    const ours = await app.request(`/takedowns/${notice.id}/confirm`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "null", "sec-fetch-site": "same-origin" },
      body: forms[`/takedowns/${notice.id}/confirm`]!.toString(),
    });
    expect(ours.status).toBe(200);
    figure("security.form-origin", {
      forms: Object.keys(forms).length,
      hostileOrigins: Object.keys(hostile).length,
      refused,
    });
  });
});
