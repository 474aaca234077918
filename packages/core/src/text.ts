/** Small text helpers shared by schemas, keys and what operators are shown. */

/**
 * Unicode normalisation (NFKC) and case folding. JavaScript has no full case
 * fold; upper- then lower-casing gets its multi-letter folds ("ß" and "SS").
 */
function fold(value: string): string {
  return value.normalize("NFKC").toUpperCase().toLowerCase().normalize("NFKC");
}

/**
 * A stable key for a person's name: "Jane  O'Doe" and "jane o doe" match. It
 * keeps the letters of every script: reducing names to ASCII made any two
 * Cyrillic or Chinese names the same key.
 */
export function slug(value: string): string {
  return fold(value)
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, "-")
    .replace(/^-|-$/g, "");
}

/**
 * Whether a signature is the signer's name: equal after normalisation, case
 * folding and collapsing spaces, with the conventional `/s/` prefix of an
 * electronic signature allowed. Accents and scripts count: "Jose" does not
 * sign for "José".
 */
export function signs(signature: string, name: string): boolean {
  const normal = (value: string) => fold(value).trim().replace(/\s+/g, " ");
  return normal(signature.trim().replace(/^\/s\/\s*/i, "")) === normal(name);
}

/**
 * Controls, format characters (bidi overrides, joiners, the soft hyphen) and
 * every other default-ignorable code point (Hangul fillers, variation
 * selectors): they can hide, join or reorder what a reader sees. Tab and line
 * breaks stay, for the paragraphs people type.
 */
const HIDDEN = /(?![\t\n\r])[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2028\u2029]/gu;

/** Shows each such character as its code point, "[U+202E]", so operators see the trick instead of falling for it. */
export function reveal(value: string): string {
  return value.replace(HIDDEN, (char) => `[U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}]`);
}

/** `reveal` over every string in plain data, such as a notice about to be shown. */
export function revealAll<T>(value: T): T {
  if (typeof value === "string") return reveal(value) as T;
  if (Array.isArray(value)) return value.map(revealAll) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, revealAll(item)])) as T;
  }
  return value;
}

/**
 * 10000 as "10,000". Not `toLocaleString`: its first call starts ICU's
 * number formatting, about 20 ms of a Lambda's init for a few error messages.
 */
export function thousands(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** "1 December 2026, 01:09 UTC": a date as people read it. Pages put the exact instant in `<time datetime>`. */
export function date(iso: string): string {
  const at = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${at.getUTCDate()} ${MONTHS[at.getUTCMonth()]} ${at.getUTCFullYear()}, ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())} UTC`;
}
