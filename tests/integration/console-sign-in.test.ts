/**
 * Signing in to the operators' console: a one-time link by mail (through
 * the dispatcher, from the local SES mailbox), a session cookie the server
 * can end, and nothing that tells an operator's address from anyone else's.
 */
import { config, Dispatch, Paths, Session, Table } from "@takedown/core";
import { app } from "@takedown/web";
import { describe, expect, it } from "vitest";
import { cookieFrom, form, fromIp, mailedLink, page, post, signedIn, signInMails } from "../support/console";
import { handler as dispatch } from "../../packages/functions/src/dispatch";
import { streamBatch } from "../infra/support/events";
import { itemsOf, OPERATORS } from "../support/desk";
import { withSettings } from "../support/settings";

// A third operator of its own for the limits test: the others' counters are spent elsewhere in this file.
const LIMITED = "ops-three@syndication.example";
withSettings({ OPERATOR_EMAILS: [...OPERATORS, LIMITED].join(",") });

const tokenIn = (link: string) => new URL(link).searchParams.get("token")!;

describe("console sign-in", () => {
  it("mails an operator a link whose page only shows a button, and whose button signs in once", async () => {
    const link = await mailedLink(OPERATORS[0]!);
    expect(new URL(link).pathname).toBe(Paths.routes.signInLink);
    // A mail scanner following the link signs nobody in.
    const opened = await app.request(new URL(link).pathname + new URL(link).search);
    expect(opened.status).toBe(200);
    expect(opened.headers.get("set-cookie")).toBeNull();
    expect(await opened.text()).toContain(">Sign in</button>");

    const pressed = await form(Paths.routes.signInLink, { token: tokenIn(link) });
    expect(pressed.status).toBe(303);
    expect(pressed.headers.get("location")).toBe(Paths.routes.console);
    const set = pressed.headers.get("set-cookie")!;
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Lax/i);
    expect(set).toMatch(/Max-Age=43200/);
    // PUBLIC_URL is plain http here, so the browser would drop a Secure cookie.
    expect(set).not.toMatch(/Secure/i);

    const queue = await page(Paths.routes.console, cookieFrom(pressed));
    expect(queue.status).toBe(200);
    expect(await queue.text()).toContain(OPERATORS[0]);

    // Used once: the same link neither opens nor signs in again.
    const again = await form(Paths.routes.signInLink, { token: tokenIn(link) });
    expect(again.status).toBe(410);
    expect(again.headers.get("set-cookie")).toBeNull();
    expect(await again.text()).toContain("already used or has expired");
    expect((await app.request(new URL(link).pathname + new URL(link).search)).status).toBe(410);
  });

  it("refuses an expired link and a forged one", async () => {
    const token = tokenIn(await mailedLink(OPERATORS[1]!));
    const later = new Date(Date.now() + Session.LINK_LIFETIME_MS + 1000);
    await expect(Session.signIn(token, later)).rejects.toMatchObject({ code: "expired_link" });
    const [id] = token.split(".");
    for (const forged of [`${id}.${"A".repeat(43)}`, `${id}`, "x.y.z", ""]) {
      const pressed = await form(Paths.routes.signInLink, { token: forged });
      expect(pressed.status).toBe(403);
      expect(pressed.headers.get("set-cookie")).toBeNull();
    }
    // Not spent by the failures: still good now.
    await expect(Session.signIn(token)).resolves.toMatchObject({ session: { operator: OPERATORS[1] } });
  });

  it("answers a non-operator's address exactly as an operator's, and mails it nothing", async () => {
    const stranger = "someone@elsewhere.example";
    const ip = fromIp("192.0.2.7");
    const [operator, other] = await Promise.all([
      form(Paths.routes.signIn, { email: OPERATORS[0]! }, {}, ip),
      form(Paths.routes.signIn, { email: stranger }, {}, ip),
    ]);
    expect(other.status).toBe(operator.status);
    const [a, b] = await Promise.all([operator.text(), other.text()]);
    // The page repeats what was typed; with that taken out, the two are the same byte for byte.
    expect(b.replace(stranger, "ADDRESS")).toBe(a.replace(OPERATORS[0]!, "ADDRESS"));
    expect([...other.headers.keys()].sort()).toEqual([...operator.headers.keys()].sort());
    await Dispatch.sweep();
    expect(await signInMails(stranger)).toEqual([]);
  });

  it("counts the same limits for every address, so a refusal tells nothing either", async () => {
    const ip = fromIp("192.0.2.99");
    const statuses = async (email: string) => {
      const answers: number[] = [];
      for (let i = 0; i < Session.LIMITS.linksPerEmail.limit + 1; i++)
        answers.push((await form(Paths.routes.signIn, { email }, {}, fromIp())).status);
      return answers;
    };
    const limited = [...Array(Session.LIMITS.linksPerEmail.limit).fill(200), 429];
    expect(await statuses("ops-limit@elsewhere.example")).toEqual(limited);
    expect(await statuses(LIMITED)).toEqual(limited);
    expect((await form(Paths.routes.signIn, { email: "not an address" }, {}, ip)).status).toBe(422);
  });

  it("lets no console page or action through without a session", async () => {
    const pages = [
      Paths.routes.console,
      Paths.routes.grounds,
      Paths.caseOf("0000000000000000000000"),
      "/console/anything",
    ];
    for (const path of pages) {
      const answer = await app.request(path);
      expect(answer.status, path).toBe(303);
      expect(answer.headers.get("location")).toBe(Paths.routes.signIn);
      const forged = await page(path, `console=${"A".repeat(43)}`);
      expect(forged.status, path).toBe(303);
    }
    const actions = [Paths.caseAction("0000000000000000000000", "note"), Paths.routes.signOut, Paths.routes.grounds];
    for (const path of actions) {
      const answer = await form(path, { text: "x" });
      expect(answer.status, path).toBe(401);
      expect(await answer.text()).not.toContain("at ");
    }
  });

  it("refuses a console form posted from another site, even with a session", async () => {
    const cookie = await signedIn(OPERATORS[0]!);
    const answer = await form(Paths.routes.signOut, {}, { cookie, origin: "https://evil.example" });
    expect(answer.status).toBe(403);
    expect((await page(Paths.routes.console, cookie)).status).toBe(200);
  });

  it("ends a session after 12 hours, and on the server when its operator signs out", async () => {
    const cookie = await signedIn(OPERATORS[0]!);
    const value = cookie.split("=")[1]!;
    expect(await Session.current(value)).toMatchObject({ operator: OPERATORS[0] });
    expect(await Session.current(value, new Date(Date.now() + Session.SESSION_LIFETIME_MS + 1000))).toBeUndefined();

    const out = await post(Paths.routes.signOut, cookie, {});
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    // The cookie kept elsewhere (copied, or a browser that ignores the deletion) opens nothing.
    const after = await page(Paths.routes.console, cookie);
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toBe(Paths.routes.signIn);
  });

  it("is mailed as soon as the table's stream reports the request (on AWS), and only once", async () => {
    const before = (await itemsOf("signin")).map((item) => item.id);
    expect((await form(Paths.routes.signIn, { email: OPERATORS[1]! })).status).toBe(200);
    const [request] = (await itemsOf("signin")).filter((item) => !before.includes(item.id));
    const batch = await streamBatch(config().dynamoEndpoint!, config().tableName, [
      Table.key.signIn(String(request!.id)),
    ]);
    const mailed = (await signInMails(OPERATORS[1]!)).length;
    expect(await dispatch(batch, {} as never)).toEqual({ batchItemFailures: [] });
    expect((await signInMails(OPERATORS[1]!)).length).toBe(mailed + 1);
    // The same record again (Lambda retries), and the sweep after it, send nothing more.
    await dispatch(batch, {} as never);
    await Dispatch.sweep();
    expect((await signInMails(OPERATORS[1]!)).length).toBe(mailed + 1);
  });
});
