/**
 * What a feed says becomes our page, so its HTML is cut down to a short
 * allow-list before it is stored: text structure and links, nothing that
 * runs, styles or loads anything. The site's CSP (script-src 'self', no
 * inline styles, images only from our origin) would block the rest anyway;
 * stripping it here means the page never even asks, so no violation is
 * reported and nothing depends on the CSP being right.
 */
import { decode } from "html-entities";
import sanitizeHtml from "sanitize-html";

const ALLOWED_TAGS = [
  "p",
  "br",
  "a",
  "em",
  "strong",
  "b",
  "i",
  "blockquote",
  "q",
  "ul",
  "ol",
  "li",
  "h2",
  "h3",
  "h4",
  "figure",
  "figcaption",
  "code",
  "pre",
  "sub",
  "sup",
];

/** An absolute http(s) URL for a link, resolved against the item's base; undefined for anything else. */
function absolute(href: string | undefined, base: string): string | undefined {
  if (!href) return undefined;
  try {
    const url = new URL(href, base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * HTML that went through `html` below. Article.ingest stores only this type,
 * so nothing else can reach a page as markup, and the site's bundle, which
 * ingests but never sanitises, does not carry the sanitiser.
 */
export type Html = string & { readonly sanitised: unique symbol };

/** Article HTML reduced to the allow-list, links made absolute against `base` and marked as external. */
export function html(dirty: string, base: string): Html {
  return sanitizeHtml(dirty, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: { a: ["href", "rel"] },
    allowedSchemes: ["http", "https"],
    allowProtocolRelative: false,
    // Dropped with their content: what is inside them is code or styling, not the article.
    nonTextTags: ["script", "style", "textarea", "option", "noscript", "iframe", "object", "template", "svg", "math"],
    transformTags: {
      a: (tagName, attribs) => {
        const href = absolute(attribs.href, base);
        return {
          tagName,
          attribs: href ? { href, rel: "nofollow noopener noreferrer" } : ({} as Record<string, string>),
        };
      },
    },
  }).trim() as Html;
}

/** Plain text: tags dropped, entities decoded, whitespace folded (titles, author names, excerpts). */
export function text(dirty: string): string {
  const stripped = sanitizeHtml(dirty.replace(/<\/(p|div|li|h\d|blockquote)>|<br\s*\/?>/gi, "$&\n"), {
    allowedTags: [],
    allowedAttributes: {},
    nonTextTags: ["script", "style", "textarea", "option", "noscript", "iframe", "object", "template", "svg", "math"],
  });
  return decode(stripped)
    .split(/\n\s*\n?/)
    .map((line) => line.replace(/\s+/g, " ").trim())
    .filter(Boolean)
    .join("\n\n");
}
