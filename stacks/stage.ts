/**
 * What a stage is, decided in one place: which stages hold real notices (and
 * so keep their table, refuse `sst remove` and have deletion protection), and
 * where each is reached. Imported by sst.config.ts's app() and by the stacks,
 * so it uses no SST global.
 */

/** Stages whose data is real. Add a name here before its first deploy, never after. */
export const PROTECTED_STAGES = ["production"] as const;

/** A name that reads as production to a person; deploying one not in PROTECTED_STAGES is refused. */
const PRODUCTION_LIKE = /prod|prd|live|main|master|release/i;

export function isProtected(stage: string): boolean {
  return (PROTECTED_STAGES as readonly string[]).includes(stage);
}

/**
 * Throws for a stage that looks like production but would be deployed
 * without protection (`--stage prod`): `sst remove` would then delete its table.
 */
export function checkStage(stage: string): void {
  if (isProtected(stage) || !PRODUCTION_LIKE.test(stage)) return;
  throw new Error(
    `The stage "${stage}" looks like production but is not one of the protected stages (${PROTECTED_STAGES.join(", ")}). ` +
      `Deploy as one of those, or add "${stage}" to PROTECTED_STAGES in stacks/stage.ts.`,
  );
}

/**
 * Where a stage is reached, when not at CloudFront's own address: `site` is
 * the name people use (on the CloudFront distribution), `origin` a name of the
 * API that only CloudFront uses. Both need a Route 53 zone in the account, or
 * see docs/deploy.md for DNS elsewhere.
 */
export type Domains = { site: string; origin: string };

export const DOMAINS: Record<string, Domains | undefined> = {
  // production: { site: "takedowns.example.org", origin: "origin.takedowns.example.org" },
};

/**
 * How the API is fronted. With an origin domain, CloudFront reaches the API
 * through it and the default execute-api endpoint is switched off, so nobody
 * goes around the CDN's cache and its throttles. Without one, the execute-api
 * address is CloudFront's origin and has to stay on.
 */
export function front(domains: Domains | undefined) {
  return {
    apiDomain: domains?.origin,
    disableExecuteApiEndpoint: Boolean(domains?.origin),
    siteDomain: domains?.site,
  };
}

/**
 * One AWS account per stage that matters: SES identities, its sandbox and its
 * sending quota are the account's, so a second stage beside production would
 * fight it for the sender. List each protected stage's account here; a deploy
 * of that stage anywhere else, or of any other stage into a listed account,
 * is refused.
 */
export const ACCOUNTS: Record<string, string | undefined> = {
  // production: "111122223333",
};

export function checkAccount(stage: string, account: string, accounts = ACCOUNTS): void {
  const own = accounts[stage];
  if (own && own !== account) {
    throw new Error(`The stage "${stage}" deploys to AWS account ${own} only; these credentials are for ${account}.`);
  }
  const owner = Object.entries(accounts).find(([name, id]) => name !== stage && id === account)?.[0];
  if (!own && owner) {
    throw new Error(
      `AWS account ${account} belongs to the stage "${owner}"; deploy "${stage}" in an account of its own (docs/deploy.md, "Other stages").`,
    );
  }
}

/**
 * The desk's policies per stage, as the environment packages/core/src/config.ts
 * reads: how long a notice may wait before it is overdue (REVIEW_SLA_HOURS),
 * whether a rule that blocks future articles waits for a second operator
 * (FUTURE_RULES_NEED_SECOND_APPROVAL), the counter-notice window
 * (COUNTER_NOTICE_BUSINESS_DAYS, COUNTER_NOTICE_HOLIDAYS,
 * COUNTER_NOTICE_AUTO_RESTORE) and the address for notices by mail
 * (NOTICE_EMAIL). A stage not listed runs on config.ts's defaults.
 */
export const POLICIES: Record<string, Record<string, string> | undefined> = {
  production: { FUTURE_RULES_NEED_SECOND_APPROVAL: "true" },
};

export function policy(stage: string): Record<string, string> {
  return { ...POLICIES[stage] };
}
