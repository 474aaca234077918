import * as Links from "@takedown/core/links";
import type * as Article from "@takedown/core/article";
import { raw } from "hono/html";
import { When } from "@takedown/core/render/notice";
import { Layout } from "./layout";

export function ArticlePage(props: { article: Article.Article }) {
  const { article } = props;
  const paragraphs = (article.body ?? "").split(/\n\s*\n/).filter((p) => p.trim());
  return (
    <Layout title={article.title}>
      <article>
        <h1>{article.title}</h1>
        <p class="byline">
          By {article.author} · {article.sourceName} · <When at={article.publishedAt} />
        </p>
        {article.html ? (
          // Sanitised to a short allow-list before it was stored (core's sanitize.ts).
          <div class="article-body">{raw(article.html)}</div>
        ) : (
          paragraphs.map((paragraph) => <p>{paragraph}</p>)
        )}
        <p>
          <a href={article.originalUrl} rel="nofollow noopener">
            Read the original at {article.sourceName}
          </a>
        </p>
        <p class="courtesy" id="courtesy">
          This content is courtesy of, and owned and copyrighted by, {article.sourceName} and its author. We republish
          it from {article.sourceName}'s public feed. If you are the author or represent the host site and would like
          this content removed now and in the future,{" "}
          <a href={Links.form(Links.article(article.id))} id="request-removal">
            request removal
          </a>
          .
        </p>
      </article>
    </Layout>
  );
}

export function UnavailablePage(props: { article: Article.Article }) {
  const [notice] = props.article.hiddenBy;
  return (
    <Layout title="Unavailable for legal reasons">
      <h1>Unavailable for legal reasons</h1>
      <p>
        This article, first published by {props.article.sourceName}, is no longer shown here following a legal notice
        from the rights holder.
      </p>
      {notice && (
        <p>
          <a href={Links.publicNotice(notice)}>Notice {notice}</a>
        </p>
      )}
      <p>
        If you published or wrote it, or hold a licence for it, and say it was removed by mistake,{" "}
        <a href={Links.counterNoticeForm(props.article.id)} id="counter-notice">
          send a counter-notice
        </a>
        .
      </p>
    </Layout>
  );
}
