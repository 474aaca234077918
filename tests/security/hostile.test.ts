/**
 * What a hostile sender types — markup, header injection, control characters,
 * right-to-left overrides, 10,000-character names — reaches operators and the
 * public escaped: as text in pages and mail, never as markup, never as a
 * header, and with invisible tricks shown as code points.
 */
import { Links } from "@takedown/core";
import { app } from "@takedown/web";
import { describe, expect, it } from "vitest";
import { drain, fileJson, mailAbout, OPERATORS, ORIGIN, press } from "../support/desk";
import { figure } from "../support/figures";
import { ingestSource, noticeInput } from "../support/fixtures";
import { CANARY } from "../support/log-check";

const MARKUP = `<script>alert(1)</script><img src=x onerror=alert(2)>`;
const QUOTES = `"><svg onload=alert(3)>'`;
const HEADERS = "Jane\r\nBcc: victim@elsewhere.example\r\nSubject: pwned";
const CONTROLS = "\u0000\u0007\u001b[31mred\u007f\u0085";
const RTL = "invoice\u202Egpj.exe";
const HIDDEN_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const get = (link: string) => app.request(new URL(link).pathname + new URL(link).search);

describe("hostile text in a notice", () => {
  it("is shown escaped in every page and mail about it, and never becomes a header", async () => {
    const { articles } = await ingestSource(1);
    const name = `${MARKUP} ${RTL}`;
    const input = noticeInput([articles[0]!.originalUrl, `https://elsewhere.example/${encodeURIComponent(MARKUP)}`], {
      work: `${CANARY} ${MARKUP} ${QUOTES} ${CONTROLS}`,
      explanation: `${CANARY} ${HEADERS} ${RTL}`,
      signature: name,
    });
    input.requester = {
      ...input.requester,
      name,
      organization: `${QUOTES} ${RTL}`,
      address: CONTROLS,
      phone: HEADERS.slice(0, 50),
    };
    const filed = await fileJson(input);
    expect(filed.status).toBe(202);
    const { id } = (await filed.json()) as { id: string };
    const email = input.requester.email;
    await press(Links.act(id, "confirm", email));
    const pages = {
      status: await get(Links.status(id)),
      approve: await get(Links.act(id, "approve", OPERATORS[0]!)),
      reject: await get(Links.act(id, "reject", OPERATORS[0]!)),
    };
    const rejected = await press(Links.act(id, "reject", OPERATORS[1]!), { reason: `${MARKUP} ${HEADERS} ${RTL}` });
    expect(rejected.status).toBe(200);
    const afterwards = {
      done: rejected,
      public: await app.request(`/notices/${id}`),
      statusAfter: await get(Links.status(id)),
    };
    await drain();
    const mail = await mailAbout(id);
    expect(mail.map((m) => m.destination.to)).toEqual(
      expect.arrayContaining([[email], [OPERATORS[0]], [OPERATORS[1]]]),
    );

    const htmls: [string, string][] = [
      ...(await Promise.all(
        Object.entries({ ...pages, ...afterwards }).map(
          async ([label, r]) => [label, await r.text()] as [string, string],
        ),
      )),
      ...mail.map((m): [string, string] => [`mail "${m.subject}" (html)`, m.body.html ?? ""]),
    ];
    for (const [label, html] of htmls) {
      expect(html, label).not.toMatch(/<script>alert|<img src=x|<svg onload/);
      expect(html, label).not.toMatch(HIDDEN_CHARS);
      if (html.includes("alert(1)")) expect(html, label).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    }
    for (const [label, html] of htmls.filter(
      ([l]) => ["approve", "reject", "statusAfter"].includes(l) || l.includes("Takedown notice"),
    )) {
      expect(html, label).toContain("invoice[U+202E]gpj.exe");
    }
    for (const m of mail) {
      expect(m.subject).not.toMatch(/[\r\n]/);
      expect(m.destination.to).toHaveLength(1);
      expect(m.body.text ?? "").not.toMatch(HIDDEN_CHARS);
    }
    const review = mail.find((m) => m.destination.to.includes(OPERATORS[0]!))!;
    expect(review.body.text).toContain("Bcc: victim@elsewhere.example");
    expect(JSON.stringify(mail.map((m) => m.destination))).not.toContain("victim@elsewhere.example");
    figure("security.hostile-text", {
      pages: Object.keys({ ...pages, ...afterwards }).length,
      mails: mail.length,
      rawMarkup: 0,
      hiddenCharacters: 0,
      revealedAs: "[U+202E]",
    });
  });

  it("refuses a 10,000-character name with a field message, and shows it back escaped", async () => {
    const { articles } = await ingestSource(1);
    const name = `<b>${"A".repeat(10_000)}`;
    const api = await fileJson(
      noticeInput([articles[0]!.originalUrl], {
        signature: name,
        requester: { name, email: "long@rights.example", role: "author" },
      }),
    );
    expect(api.status).toBe(422);
    expect(await api.json()).toMatchObject({
      error: {
        issues: expect.arrayContaining([{ path: "requester.name", message: "Keep this under 200 characters." }]),
      },
    });

    const form = await app.request("/takedown", {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ name, email: "long@rights.example", signature: name }).toString(),
    });
    expect(form.status).toBe(422);
    const html = await form.text();
    expect(html).toContain("Keep this under 200 characters.");
    expect(html).toContain(`value="&lt;b&gt;${"A".repeat(10_000)}"`);
    expect(html).not.toContain("<b>AAAA");
  });
});
