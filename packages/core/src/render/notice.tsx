/**
 * Pieces of a notice that pages (packages/web's views) and mail
 * (render/mails.tsx) both show, written once so they read, and escape, alike.
 */
import type * as Article from "../article";
import { describe } from "../provenance";
import { date, reveal } from "../text";

/** A date as people read it, with the exact instant for machines; mail's text part keeps the words. */
export function When(props: { at: string }) {
  return <time datetime={props.at}>{date(props.at)}</time>;
}

/** Where and when we first saw the article, for operators weighing a notice's claim. */
export function Provenance(props: { article: Article.Article }) {
  return <span class="provenance"> · {describe(props.article)}</span>;
}

/** A listed article as its row in a notice's URL list names it; with `provenance`, where we first saw it. */
export function ArticleSummary(props: { article: Article.Article; provenance?: boolean }) {
  const { title, sourceName, sourceDomain, author } = props.article;
  return (
    <>
      {reveal(`“${title}”, ${sourceName} (${sourceDomain}), by ${author}`)}
      {props.provenance && <Provenance article={props.article} />}
    </>
  );
}
