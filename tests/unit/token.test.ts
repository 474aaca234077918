import { Token } from "@takedown/core";
import { describe, expect, it } from "vitest";

const claim = { notice: "n1", action: "approve" as const, actor: "ops@x.example", expires: Date.now() + 60_000 };

function codeOf(run: () => unknown) {
  try {
    run();
    return "accepted";
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe("signed links", () => {
  it("accept the notice and action they were made for", () => {
    const token = Token.sign(claim);
    const verified = Token.verify(token, { notice: "n1", action: "approve" });
    expect(Token.isFor(verified, "ops@x.example")).toBe(true);
    expect(Token.isFor(verified, "someone@x.example")).toBe(false);
  });

  it("refuse another notice or action, a changed byte, and expiry", () => {
    const token = Token.sign(claim);
    expect(codeOf(() => Token.verify(token, { notice: "n2", action: "approve" }))).toBe("invalid_link");
    expect(codeOf(() => Token.verify(token, { notice: "n1", action: "reject" }))).toBe("invalid_link");
    const flipped = token.slice(0, 5) + (token[5] === "a" ? "b" : "a") + token.slice(6);
    expect(codeOf(() => Token.verify(flipped, { notice: "n1", action: "approve" }))).toBe("invalid_link");
    expect(codeOf(() => Token.verify("", { notice: "n1", action: "approve" }))).toBe("invalid_link");
    expect(codeOf(() => Token.verify(token, { notice: "n1", action: "approve" }, claim.expires + 1))).toBe(
      "expired_link",
    );
  });
});
