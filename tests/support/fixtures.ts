import { randomBytes } from "node:crypto";
import { Article, type CounterNotice, type Notice } from "@takedown/core";

export const unique = () => randomBytes(4).toString("hex");

/** A fresh source with `count` articles by one author, ingested. */
export async function ingestSource(count = 2, options: { author?: string } = {}) {
  const tag = unique();
  const sourceDomain = `source-${tag}.example`;
  const author = options.author ?? `Author ${tag}`;
  const articles: Article.Article[] = [];
  for (let i = 0; i < count; i++) {
    articles.push(
      await Article.ingest({
        title: `Story ${i} from ${tag}`,
        author,
        sourceName: `Source ${tag}`,
        sourceDomain,
        originalUrl: `https://www.${sourceDomain}/news/story-${i}`,
        publishedAt: `2026-11-0${i + 1}T10:00:00Z`,
        body: `Body of story ${i}.`,
      }),
    );
  }
  return { sourceDomain, author, articles, tag };
}

export function noticeInput(urls: string[], overrides: Partial<Notice.Input> = {}): Notice.Input {
  const email = `writer-${unique()}@rights.example`;
  return {
    requester: { name: "Jane Writer", email, role: "author" },
    urls,
    scope: "urls",
    future: false,
    work: "My article about the harbour.",
    explanation: "I never licensed this republication.",
    goodFaith: true,
    accurate: true,
    signature: "Jane Writer",
    ...overrides,
  };
}

/** A counter-notice as a publisher files one against the article at `articleUrl`, sworn and signed. */
export function counterNoticeInput(
  articleUrl: string,
  overrides: Partial<CounterNotice.Input> = {},
): CounterNotice.Input {
  return {
    article: articleUrl,
    sender: {
      name: "Sam Editor",
      email: `sam-${unique()}@publisher.example`,
      address: "1 Quay Street, Harbourtown",
      phone: "+1 555 0100",
    },
    material: "The harbour story, first published by us.",
    evidence: "We published it first, on 1 November 2026, under our syndication agreement.",
    mistake: true,
    jurisdiction: true,
    service: true,
    signature: "Sam Editor",
    ...overrides,
  };
}
