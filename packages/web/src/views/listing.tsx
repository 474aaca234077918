import * as Links from "@takedown/core/links";
import * as Paths from "@takedown/core/paths";
import type * as Article from "@takedown/core/article";
import { Layout } from "./layout";

function ArticleList(props: { articles: Article.Article[]; showSource: boolean }) {
  if (!props.articles.length) return <p>No articles yet.</p>;
  return (
    <ol class="articles">
      {props.articles.map((article) => (
        <li data-article={article.id}>
          <a href={Links.article(article.id)}>{article.title}</a>
          <span class="byline">
            {" "}
            {article.author}
            {props.showSource && (
              <>
                {" · "}
                <a href={Paths.source(article.sourceDomain)}>{article.sourceName}</a>
              </>
            )}
            {" · "}
            <time datetime={article.publishedAt}>{article.publishedAt.slice(0, 10)}</time>
          </span>
        </li>
      ))}
    </ol>
  );
}

function More(props: { href?: string }) {
  return props.href ? (
    <p>
      <a href={props.href} rel="next">
        Older articles
      </a>
    </p>
  ) : null;
}

export function FrontPage(props: { page: Article.Page }) {
  return (
    <Layout title="Latest articles">
      <h1>Latest articles</h1>
      <p>
        Republished from other outlets' public feeds, credited to their source. <a href={Paths.routes.feed}>RSS feed</a>
      </p>
      <ArticleList articles={props.page.articles} showSource />
      <More href={props.page.next && `/?after=${props.page.next}`} />
      <section class="notice-box">
        <h2>Removal requests for republished articles</h2>
        <p>
          If you wrote one of these articles or represent the site that first published it, you can ask us to remove it,
          and to keep future articles from appearing here: <a href={Paths.routes.form}>request removal</a>. Systems can
          file notices as JSON (<a href="/api/docs">API reference</a>).
        </p>
      </section>
    </Layout>
  );
}

export function SourcePage(props: { domain: string; name?: string; page: Article.Page }) {
  const name = props.name ?? props.domain;
  return (
    <Layout title={name}>
      <h1>{name}</h1>
      <p class="byline">Articles republished from {props.domain}, newest first.</p>
      <ArticleList articles={props.page.articles} showSource={false} />
      <More href={props.page.next && `${Paths.source(props.domain)}?after=${props.page.next}`} />
    </Layout>
  );
}
