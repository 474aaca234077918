import { createHmac } from "node:crypto";
import { config } from "@takedown/core/config";
import * as Token from "@takedown/core/token";
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

/** A token carrying any payload, correctly signed: what a bug in `sign`, or a leaked secret, could produce. */
function signedPayload(json: string): string {
  const payload = Buffer.from(json).toString("base64url");
  return `${payload}.${createHmac("sha256", config().linkSecret).update(payload).digest("base64url")}`;
}

describe("what a signed link proves", () => {
  const approve = { notice: "n1", action: "approve" as const };

  it("names its person whatever the case of the address", () => {
    const verified = Token.verify(Token.sign(claim), approve);
    expect(Token.isFor(verified, "OPS@X.example")).toBe(true);
  });

  it("works until the moment it expires, and not after", () => {
    const token = Token.sign(claim);
    expect(Token.verify(token, approve, claim.expires).expires).toBe(claim.expires);
    const expired = () => Token.verify(token, approve, claim.expires + 1);
    expect(codeOf(expired)).toBe("expired_link");
    expect(expired).toThrow("This link has expired.");
  });

  it("keeps a status link open-ended, but refuses an acting link without an expiry", () => {
    const status = Token.sign({ notice: "n1", action: "status", actor: "requester" });
    const verified = Token.verify(status, { notice: "n1", action: "status" }, Date.now() + 10 * Token.LIFETIME_MS);
    expect(verified).toEqual({
      notice: "n1",
      action: "status",
      actor: Token.pseudonym("requester"),
      expires: undefined,
    });
    const open = Token.sign({ ...claim, expires: undefined });
    expect(codeOf(() => Token.verify(open, approve))).toBe("invalid_link");
  });

  it("lasts a week", () => {
    expect(Token.LIFETIME_MS).toBe(7 * 24 * 3600 * 1000);
  });

  it.each([
    ["a missing signature", (token: string) => token.split(".")[0]!],
    ["an empty signature", (token: string) => `${token.split(".")[0]}.`],
    ["an empty payload", (token: string) => `.${token.split(".")[1]}`],
    ["a third part", (token: string) => `${token}.x`],
    ["a shortened signature", (token: string) => token.slice(0, -1)],
    ["a lengthened signature", (token: string) => `${token}A`],
  ])("refuses %s as not valid, saying so", (_, alter) => {
    const altered = alter(Token.sign(claim));
    expect(codeOf(() => Token.verify(altered, approve))).toBe("invalid_link");
    expect(() => Token.verify(altered, approve)).toThrow("This link is not valid.");
  });

  it.each([
    ["not JSON", "{"],
    ["not a list", { notice: "n1" }],
    ["a list too short", ["n1", "approve", "actor"]],
    ["a list too long", ["n1", "approve", "actor", claim.expires, 1]],
    ["no person", ["n1", "approve", 7, claim.expires]],
    ["an expiry that is not a time", ["n1", "approve", "actor", "tomorrow"]],
    ["no expiry on an acting link", ["n1", "approve", "actor", 0]],
  ])("refuses a correctly signed token with %s", (_, fields) => {
    const token = signedPayload(typeof fields === "string" ? fields : JSON.stringify(fields));
    expect(codeOf(() => Token.verify(token, approve))).toBe("invalid_link");
  });

  it("accepts a correctly signed, well-formed token", () => {
    expect(Token.verify(signedPayload(JSON.stringify(["n1", "approve", "actor", claim.expires])), approve).actor).toBe(
      "actor",
    );
  });
});
