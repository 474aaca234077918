import { Provenance as Said, type Article } from "@takedown/core";

/** Where and when we first saw the article, for operators weighing a notice's claim. */
export function Provenance(props: { article: Article.Article }) {
  return <span class="provenance"> · {Said.describe(props.article)}</span>;
}
