/**
 * Confirming a notice filed without a key (Notice.confirmAnonymous): the
 * receipt's link, verified once in core, confirms it once; any other link
 * confirms nothing and changes nothing.
 */
import { Links, Notice } from "@takedown/core";
import { describe, expect, it } from "vitest";
import { confirmedNotice, OPERATORS, tokenOf } from "../support/desk";

describe("confirming a notice", () => {
  it("with its receipt's link moves it to review and queues the operators' mail, once", async () => {
    const { notice, input } = await confirmedNotice({ confirm: false });
    const token = tokenOf(Links.act(notice.id, "confirm", input.requester.email));
    const confirmed = await Notice.confirmAnonymous(notice.id, token);
    expect(confirmed.status).toBe("pending_review");
    expect(
      Object.keys(confirmed.outbox)
        .filter((id) => id.startsWith("review:"))
        .sort(),
    ).toEqual(OPERATORS.map((operator) => `review:${operator}`).sort());
    await expect(Notice.confirmAnonymous(notice.id, token)).rejects.toMatchObject({ code: "already_confirmed" });
    const stored = await Notice.get(notice.id);
    expect(stored.events.filter((e) => e.type === "confirmed")).toHaveLength(1);
  });

  it("with another notice's link, an operator's link or a forged token, confirms nothing", async () => {
    const { notice, input } = await confirmedNotice({ confirm: false });
    const other = await confirmedNotice({ confirm: false });
    const tokens = [
      tokenOf(Links.act(other.notice.id, "confirm", input.requester.email)),
      tokenOf(Links.act(notice.id, "approve", OPERATORS[0]!)),
      "forged",
    ];
    for (const token of tokens) {
      await expect(Notice.confirmAnonymous(notice.id, token)).rejects.toMatchObject({ code: "invalid_link" });
      await expect(Notice.openLink(notice.id, "confirm", token)).rejects.toMatchObject({ code: "invalid_link" });
    }
    const stored = await Notice.get(notice.id);
    expect(stored.status).toBe("awaiting_confirmation");
    expect(stored.version).toBe(notice.version);
  });

  it("opens, before anything is done, only while the notice still awaits its sender", async () => {
    const { notice, input } = await confirmedNotice({ confirm: false });
    const token = tokenOf(Links.act(notice.id, "confirm", input.requester.email));
    expect(await Notice.openLink(notice.id, "confirm", token)).toMatchObject({
      notice: { id: notice.id, status: "awaiting_confirmation" },
    });
    await Notice.confirmAnonymous(notice.id, token);
    await expect(Notice.openLink(notice.id, "confirm", token)).rejects.toMatchObject({ code: "already_confirmed" });
  });
});
