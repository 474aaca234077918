/**
 * A notice is signed by the person who sends it (DMCA § 512(c)(3)(A)(i); an
 * electronic signature is the sender's typed name): one whose signature is
 * someone else's name, or no name, is refused with a message on the
 * signature field, before anything is stored.
 */
import { Input } from "@takedown/core/notice";
import { parse } from "@takedown/core/validation";
import { describe, expect, it } from "vitest";

const notice = (name: string, signature: string) => ({
  requester: { name, email: "ada@rights.example", role: "author" },
  urls: ["https://a.example/story"],
  scope: "urls",
  future: false,
  work: "My article about the harbour.",
  explanation: "I never licensed this republication.",
  goodFaith: true,
  accurate: true,
  signature,
});

function issues(input: unknown) {
  try {
    parse(Input, input);
    return [];
  } catch (error) {
    return (error as { details?: { issues: { path: string; message: string }[] } }).details!.issues;
  }
}

describe("the signature on a notice", () => {
  it("is accepted when it is the sender's name", () => {
    expect(issues(notice("Ada Okafor", "/s/ Ada Okafor"))).toEqual([]);
  });

  it.each([
    ["another person's name", "Bea Okafor"],
    ["part of the name", "/s/ Ada"],
    ["a mark instead of a name", "/s/ X"],
  ])("is refused when it is %s, on the signature field, saying what to type", (_, signature) => {
    expect(issues(notice("Ada Okafor", signature))).toEqual([
      { path: "signature", message: 'Type your full name, as given above, to sign ("/s/ " before it is fine).' },
    ]);
  });
});
