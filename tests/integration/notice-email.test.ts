/**
 * With NOTICE_EMAIL set (an address someone at the desk reads), decision mail
 * offers it as Reply-To and in its text, and the form offers it to people
 * without JavaScript. Without it (every other test file), neither is offered.
 */
import { app } from "@takedown/web";
import { describe, expect, it } from "vitest";
import { drain, mailAbout, reject } from "../support/desk";
import { confirmedNotice } from "../support/desk";
import type { Mail } from "../support/mailbox";
import { withSettings } from "../support/settings";

withSettings({ NOTICE_EMAIL: "notices@syndication.example" });

describe("NOTICE_EMAIL", () => {
  it("is the decision mail's Reply-To and the form's fallback without JavaScript", async () => {
    const { notice } = await confirmedNotice();
    await reject(notice.id);
    await drain();
    const [decision] = (await mailAbout(notice.id)).filter((mail) => /was rejected/.test(mail.subject)) as (Mail & {
      replyTo: string[];
    })[];
    expect(decision!.replyTo).toEqual(["notices@syndication.example"]);
    expect(decision!.body.text).toContain("You may also write to notices@syndication.example");
    const form = await (await app.request("/takedown")).text();
    expect(form).toContain("Without it, email your notice to notices@syndication.example.");
  });
});
