/**
 * With FUTURE_RULES_NEED_SECOND_APPROVAL on, an approval from the console
 * hides the listed articles at once, and the rule for future articles waits
 * on the case page until a second operator confirms it there.
 */
import { Notice, Paths } from "@takedown/core";
import { beforeAll, describe, expect, it } from "vitest";
import { page, post, signedIn } from "../support/console";
import { confirmedNotice, drain, OPERATORS } from "../support/desk";
import { withSettings } from "../support/settings";

withSettings({ FUTURE_RULES_NEED_SECOND_APPROVAL: "true" });

let first: string;
let second: string;
beforeAll(async () => {
  first = await signedIn(OPERATORS[0]!);
  second = await signedIn(OPERATORS[1]!);
});

describe("a future rule needing a second approval", () => {
  it("is offered to confirm on the case page, and only another operator's confirmation counts", async () => {
    const { notice } = await confirmedNotice({ overrides: { scope: "urls", future: true } });
    const approved = await post(Paths.caseAction(notice.id, "decide"), first, {
      action: "approve",
      urls: notice.urls[0]!.url,
      reason: "Confirmed.",
    });
    expect(approved.status).toBe(303);
    await drain();
    const [rule] = Notice.awaitingConfirmation(await Notice.get(notice.id));
    expect(rule).toBeDefined();

    const caseHtml = await (await page(Paths.caseOf(notice.id), second)).text();
    expect(caseHtml).toContain('id="action-confirm-rule"');
    expect(caseHtml).toContain(`<option value="${rule!.id}">`);

    const own = await post(Paths.caseAction(notice.id, "confirm-rule"), first, { rule: rule!.id });
    expect(own.status).toBe(403);
    const confirmed = await post(Paths.caseAction(notice.id, "confirm-rule"), second, { rule: rule!.id });
    expect(confirmed.status).toBe(303);
    await drain();
    const after = await Notice.get(notice.id);
    expect(after.events.some((e) => e.type === "rule_confirmed" && e.by === OPERATORS[1] && e.rule === rule!.id)).toBe(
      true,
    );
    expect(Notice.awaitingConfirmation(after)).toEqual([]);
    expect(await (await page(Paths.caseOf(notice.id), second)).text()).not.toContain('id="action-confirm-rule"');
  });
});
