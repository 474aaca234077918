/**
 * Names as people type them: author keys, signatures, and the invisible
 * characters an operator must be shown rather than fooled by.
 */
import { reveal, revealAll, signs, slug } from "@takedown/core/text";
import { describe, expect, it } from "vitest";

describe("an author's key", () => {
  it("is the name's words in lower case, joined by single dashes, with nothing at either end", () => {
    expect(slug(" Jane  O'Doe! ")).toBe("jane-o-doe");
    expect(slug("-Jane-")).toBe("jane");
  });

  it("keeps digits, accents and full-width letters as the letters they are", () => {
    expect(slug("Agent 47")).toBe("agent-47");
    expect(slug("José Núñez")).toBe("josé-núñez");
    expect(slug("José")).not.toBe(slug("Jose"));
    expect(slug("Ｊａｎｅ")).toBe("jane");
  });
});

describe("a signature", () => {
  it("signs for the name typed above it, however its spaces fall", () => {
    expect(signs("Ada Okafor", "  Ada   Okafor ")).toBe(true);
    expect(signs("/s/Ada Okafor", "Ada Okafor")).toBe(true);
    expect(signs("  /s/   Ada Okafor", "Ada Okafor")).toBe(true);
  });

  it("takes /s/ only as a prefix", () => {
    expect(signs("Ada /s/ Okafor", "Ada Okafor")).toBe(false);
    expect(signs("Ada Okafor /s/", "Ada Okafor")).toBe(false);
  });

  it("matches a Greek name signed in capitals, whose accents the capitals spell apart", () => {
    expect(signs("ΠΑΪ́ΣΙΟΣ", "Παΐσιος")).toBe(true);
  });

  it("does not sign for another name", () => {
    expect(signs("Ada Okafor", "Ada Okafor-Smith")).toBe(false);
    expect(signs("", "Ada Okafor")).toBe(false);
    expect(signs("AdaOkafor", "Ada Okafor")).toBe(false);
  });
});

describe("revealing hidden characters", () => {
  it("shows each as its code point, in capitals and at least four digits, beyond the first plane too", () => {
    expect(reveal("a\u00adb\u202ec\u{E0001}")).toBe("a[U+00AD]b[U+202E]c[U+E0001]");
    expect(reveal("\u200b\u200b")).toBe("[U+200B][U+200B]");
  });

  it("leaves tabs and line breaks, which people type", () => {
    expect(reveal("a\tb\nc\r\nd")).toBe("a\tb\nc\r\nd");
  });

  it("reaches every string in plain data, and leaves everything else as it was", () => {
    const when = new Date("2026-12-01T00:00:00Z");
    class Kept {
      text = "\u202e";
    }
    const kept = new Kept();
    const shown = revealAll({
      name: "\u202eJane",
      urls: ["a\u200bb", 3],
      nested: { note: null, ok: true },
      when,
      kept,
    });
    expect(shown).toEqual({
      name: "[U+202E]Jane",
      urls: ["a[U+200B]b", 3],
      nested: { note: null, ok: true },
      when,
      kept,
    });
    expect(shown.when).toBe(when);
    expect(shown.kept).toBe(kept);
    expect(revealAll(undefined)).toBeUndefined();
  });
});
