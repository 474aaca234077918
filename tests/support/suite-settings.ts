/**
 * The settings every test runs with, whatever engines it has: env.ts adds the
 * engines' endpoints for the suite; pure.ts uses these alone for the
 * engine-free tests that `npm run mutation` runs.
 */
export const SUITE_SETTINGS = {
  PUBLIC_URL: "http://127.0.0.1:3999",
  OPERATOR_EMAILS: "ops-one@syndication.example,ops-two@syndication.example",
  MAIL_FROM: "Takedown Desk <takedowns@syndication.example>",
  LINK_SECRET: "test-link-secret-0123456789",
  INGEST_TOKEN: "test-ingest-token",
};
