/**
 * Mail as JSX: one tree per message, rendered twice, to HTML by hono/jsx
 * (which escapes everything a user typed, as on the pages) and to plain
 * text by `toText` below, so both parts always say the same thing.
 */
import { raw } from "hono/html";
import type { Child, JSXNode } from "hono/jsx";

export type Email = { to: string[]; subject: string; text: string; html: string };

/** A block of paragraphs under an optional heading; blank lines part blocks in the text. */
export function Section(props: { heading?: string; children?: Child }) {
  return (
    <div>
      {props.heading && <h3>{props.heading}</h3>}
      {props.children}
    </div>
  );
}

/** One fact; its own line breaks are kept. */
export function Line(props: { children?: Child }) {
  return <p style="white-space:pre-wrap;margin:.3em 0">{props.children}</p>;
}

/** A link on a line of its own; the text part shows the address after its label. */
export function Link(props: { href: string; children: string }) {
  return (
    <p>
      <a href={props.href}>{props.children}</a>
    </p>
  );
}

function Document(props: { children?: Child }) {
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en">
        <body style="font-family:system-ui,sans-serif;line-height:1.5;max-width:40em">{props.children}</body>
      </html>
    </>
  );
}

/** Subjects are single-line headers: no CR/LF from user input reaches them. */
export function oneLine(value: string, max = 120): string {
  const flat = value.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function renderMail(to: string[], subject: string, body: Child): Email {
  const html = (<Document>{body}</Document>).toString();
  if (typeof html !== "string") throw new Error("Mail is rendered synchronously; a component returned a promise.");
  return { to, subject: oneLine(subject, 200), text: toText(body), html };
}

/**
 * Function components called and fragments opened, as hono/jsx does when it
 * renders, down to strings and intrinsic elements; `stop` keeps the mail's
 * own blocks whole, for the caller to lay out.
 */
function expand(node: Child, stop: (tag: unknown) => boolean = () => false): (string | JSXNode)[] {
  if (node === null || node === undefined || typeof node === "boolean") return [];
  if (Array.isArray(node)) return node.flatMap((child) => expand(child, stop));
  if (node instanceof Promise) throw new Error("Mail is rendered synchronously; a component returned a promise.");
  if (!isElement(node)) return [String(node)];
  const { tag } = node;
  if (stop(tag)) return [node];
  if (typeof tag === "function") {
    const props = { ...node.props } as Record<string, unknown>;
    if (node.children.length) props.children = node.children.length === 1 ? node.children[0] : node.children;
    return expand((tag as (props: unknown) => Child)(props), stop);
  }
  return tag === "" ? node.children.flatMap((child) => expand(child as Child, stop)) : [node];
}

const childrenOf = (node: JSXNode) => node.children as Child[];

/**
 * hono/jsx's own `isValidElement`, which lives in its index: Hono declares
 * no `sideEffects: false`, so importing the index bundles its DOM renderer
 * and hooks into every function that mails (~16 KB at init).
 */
const isElement = (node: unknown): node is JSXNode =>
  typeof node === "object" && node !== null && "tag" in node && "props" in node;

/** What a reader sees of inline content: text, a line break, a link's label and address. */
function inline(node: Child): string {
  return expand(node)
    .map((part) => {
      if (typeof part === "string") return part;
      if (part.tag === "br") return "\n";
      const label = inline(childrenOf(part));
      const href = part.tag === "a" ? String(part.props.href ?? "") : "";
      return href && href !== label ? `${label}: ${href}` : label;
    })
    .join("");
}

/**
 * The plain-text part: each section a paragraph of lines (a heading with a
 * blank line under it), sections a blank line apart, links as "label: URL".
 */
export function toText(body: Child): string {
  const mailBlock = (tag: unknown) => tag === Section || tag === Line || tag === Link;
  const lines = (node: Child): string[] =>
    expand(node, mailBlock).flatMap((part) => {
      if (typeof part === "string") return part.trim() ? [part] : [];
      if (part.tag === Line || part.tag === Link) return [inline(part)];
      return lines(childrenOf(part));
    });
  return expand(body, (tag) => tag === Section)
    .map((part) => {
      if (typeof part === "string" || part.tag !== Section) return lines(part as Child).join("\n");
      const { heading } = part.props as { heading?: string };
      return [...(heading ? [heading, ""] : []), ...lines(childrenOf(part))].join("\n");
    })
    .filter(Boolean)
    .join("\n\n");
}
