import { Article } from "@takedown/core";

/** Made-up outlets and articles, so a fresh install has something to remove. */
export const SAMPLE_ARTICLES = [
  {
    title: "Harbour council approves new ferry timetable",
    author: "Maya Lindqvist",
    sourceName: "The Harbour Gazette",
    sourceDomain: "harbour-gazette.example",
    originalUrl: "https://www.harbour-gazette.example/news/ferry-timetable",
    publishedAt: "2026-11-20T08:30:00Z",
    body: "The harbour council voted on Tuesday to extend the winter ferry timetable.\n\nCommuters had asked for an earlier crossing since the spring.",
  },
  {
    title: "Night market returns to the old tram depot",
    author: "Maya Lindqvist",
    sourceName: "The Harbour Gazette",
    sourceDomain: "harbour-gazette.example",
    originalUrl: "https://www.harbour-gazette.example/culture/night-market",
    publishedAt: "2026-11-22T18:00:00Z",
    body: "Forty stalls will fill the depot every Friday until March.",
  },
  {
    title: "Why the river birds came back",
    author: "Tomasz Wren",
    sourceName: "The Harbour Gazette",
    sourceDomain: "harbour-gazette.example",
    originalUrl: "https://www.harbour-gazette.example/science/river-birds",
    publishedAt: "2026-11-24T07:15:00Z",
    body: "Cleaner water upstream has brought kingfishers back to the estuary.",
  },
  {
    title: "Valley Ledger: small firms brace for winter energy bills",
    author: "Ada Okafor",
    sourceName: "Valley Ledger",
    sourceDomain: "valleyledger.example",
    originalUrl: "https://valleyledger.example/business/energy-bills",
    publishedAt: "2026-11-25T06:00:00Z",
    body: "Owners of small workshops say their bills have doubled since last winter.",
  },
  {
    title: "Chess club in the library celebrates fifty years",
    author: "Ada Okafor",
    sourceName: "Valley Ledger",
    sourceDomain: "valleyledger.example",
    originalUrl: "https://valleyledger.example/community/chess-club",
    publishedAt: "2026-11-26T12:00:00Z",
    body: "Some of the founding members still play every Thursday.",
  },
];

export async function seed(): Promise<Article.Article[]> {
  return Promise.all(SAMPLE_ARTICLES.map((article) => Article.ingest(article)));
}
