import { randomBytes } from "node:crypto";
import { Resource } from "sst/resource";
import * as z from "zod/mini";
import type { Credentials } from "./aws/sigv4";
import { fromAddress } from "./sender";

/**
 * Every setting the system reads, parsed once. Locally they come from the
 * environment (with defaults that make `npm start` work out of the box); on
 * Lambda the resources SST links (stacks/) take the place of the same names,
 * and the rest (PUBLIC_URL) is environment set by the stack.
 */
const emailList = z.pipe(
  z.string(),
  z.transform((value) =>
    value
      .split(",")
      .map((email) => email.trim())
      .filter(Boolean),
  ),
);

/** `Ada Okafor <ada@x.example>` names an operator for requesters; a bare address leaves them "an operator". */
const operatorList = z.pipe(
  emailList,
  z.transform((entries) =>
    entries.map((entry) => {
      const named = /^(.*?)\s*<([^<>]+)>$/.exec(entry);
      return named
        ? { email: named[2]!.trim().toLowerCase(), name: named[1]!.trim() || undefined }
        : { email: entry.toLowerCase() };
    }),
  ),
);

const schema = z.object({
  TABLE_NAME: z._default(z.string(), "takedown-desk"),
  AWS_REGION: z._default(z.string(), "us-east-1"),
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  SES_ENDPOINT: z.optional(z.url()),
  CDN_DISTRIBUTION_ID: z.optional(z.string()),
  CDN_ENDPOINT: z.optional(z.url()),
  STAGE: z._default(z.string(), "local"),
  PUBLIC_URL: z._default(z.url(), "http://127.0.0.1:3000"),
  OPERATOR_EMAILS: z._default(operatorList, [{ email: "operator@syndication.example" }]),
  NOTICE_EMAIL: z.optional(z.email()),
  MAIL_FROM: z._default(z.string(), "Takedown Desk <takedowns@syndication.example>"),
  LINK_SECRET: z._default(z.string().check(z.minLength(16)), "local-development-link-secret"),
  INGEST_TOKEN: z._default(z.string().check(z.minLength(8)), "local-ingest-token"),
  POW_BITS: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(30)), 18),
  RATE_LIMIT_WINDOW_SECONDS: z._default(z.coerce.number().check(z.int(), z.positive()), 60),
  RATE_LIMIT_PER_KEY: z._default(z.coerce.number().check(z.int(), z.positive()), 600),
  RATE_LIMIT_PER_IP: z._default(z.coerce.number().check(z.int(), z.positive()), 60),
  TRUST_PROXY_HOPS: z._default(z.coerce.number().check(z.int(), z.nonnegative()), 0),
  ALLOW_PRIVATE_WEBHOOKS: z._default(z.stringbool(), false),
  SES_MAX_SEND_RATE: z._default(z.coerce.number().check(z.positive()), 14),
  MAIL_GIVE_UP_HOURS: z._default(z.coerce.number().check(z.positive()), 24),
  SWEEP_BUDGET_SECONDS: z._default(z.coerce.number().check(z.positive()), 40),
  ALLOW_LOOPBACK_FEEDS: z._default(z.stringbool(), false),
  FEED_POLL_SECONDS: z._default(z.coerce.number().check(z.int(), z.positive()), 900),
  REVIEW_SLA_HOURS: z._default(z.coerce.number().check(z.positive()), 48),
  COUNTER_NOTICE_BUSINESS_DAYS: z._default(z.coerce.number().check(z.int(), z.nonnegative()), 10),
  COUNTER_NOTICE_HOLIDAYS: z._default(
    z
      .string()
      .check(
        z.refine(
          (value) => value.split(",").every((day) => !day.trim() || /^\d{4}-\d{2}-\d{2}$/.test(day.trim())),
          "COUNTER_NOTICE_HOLIDAYS lists ISO dates (2026-12-25), separated by commas.",
        ),
      ),
    "",
  ),
  COUNTER_NOTICE_AUTO_RESTORE: z._default(z.stringbool(), false),
  FUTURE_RULES_NEED_SECOND_APPROVAL: z._default(z.stringbool(), false),
});

export type Config = {
  tableName: string;
  region: string;
  dynamoEndpoint?: string;
  sesEndpoint?: string;
  /** The CloudFront distribution in front of the site; unset, nothing is invalidated. */
  cdnDistributionId?: string;
  /** Where CloudFront's API is answered instead, locally (packages/local's recorder). */
  cdnEndpoint?: string;
  /** The SST stage, a dimension of every metric. */
  stage: string;
  publicUrl: string;
  operatorEmails: string[];
  /** The names operators chose to be shown to requesters, by address. */
  operatorNames: Record<string, string>;
  mailFrom: string;
  /**
   * An address people at the desk read: the decision mail's Reply-To and the
   * form's fallback without JavaScript. Without it, neither is offered.
   */
  noticeEmail?: string;
  linkSecret: string;
  ingestToken: string;
  /** Leading zero bits a proof of work needs; each one doubles the work. */
  powBits: number;
  /** Requests per window, per API key and per client IP (anonymous callers). */
  rateLimit: { windowSeconds: number; perKey: number; perIp: number };
  /** Proxies in front of the app that append to X-Forwarded-For; see web's client-ip. */
  trustProxyHops: number;
  /**
   * Webhooks may be plain http and point at loopback or private addresses.
   * Off unless set: `npm start` and the tests turn it on, AWS never does.
   */
  allowPrivateWebhooks: boolean;
  /**
   * Messages a second the dispatcher sends at most: the account's SES quota
   * (14 is SES's usual starting rate once out of the sandbox, where it is 1).
   */
  sesMaxSendRate: number;
  /** How long a message that keeps failing for passing reasons is retried before the desk gives up. */
  mailGiveUpMs: number;
  /** How long one sweep keeps taking due work; it must end inside its function's timeout. */
  sweepBudgetMs: number;
  /**
   * Feeds on loopback (127.0.0.0/8, ::1) are read: the local stack's sample
   * feeds. Every other private or reserved address stays refused even then.
   */
  allowLoopbackFeeds: boolean;
  /** How often each feed is read, unless it asks for less (ttl, Cache-Control) or keeps failing. */
  feedPollSeconds: number;
  /** How long a notice may wait for a decision before the daily digest names it. */
  reviewSlaMs: number;
  /**
   * The counter-notice window: business days the original requester has to
   * report a court action before the material may be restored (0 locally, to
   * try it out at once), and the holidays that do not count.
   */
  counterNotice: { businessDays: number; holidays: Set<string>; autoRestore: boolean };
  /**
   * What the AWS clients sign with: the environment's (AWS_ACCESS_KEY_ID…, as
   * Lambda gives them), or a provider the entry point passes (the commands
   * with --aws pass the SDK's chain: profiles, SSO). Absent, the local
   * stand-ins get a placeholder (aws/client.ts).
   */
  credentials?: () => Promise<Credentials>;
  /** A rule that blocks future articles starts only once a second operator confirms it (Notice.confirmRule). */
  futureRulesNeedSecondApproval: boolean;
};

/** The defaults above are published with the code: only the local stack may run on them. */
const PUBLISHED = { LINK_SECRET: "local-development-link-secret", INGEST_TOKEN: "local-ingest-token" } as const;

/** On Lambda (or wherever SST linked its resources) there is no local stack. */
function deployed(env: Record<string, string | undefined>): boolean {
  return Boolean(env.AWS_LAMBDA_FUNCTION_NAME || env.SST_RESOURCE_App);
}

export function load(env: Record<string, string | undefined>): Config {
  const parsed = schema.parse(env);
  if (deployed(env)) {
    for (const [name, value] of Object.entries(PUBLISHED)) {
      if (parsed[name as keyof typeof PUBLISHED] === value) {
        throw new Error(
          `${name} is the published default; set a secret of your own (sst secret set) before deploying.`,
        );
      }
    }
  }
  return {
    tableName: parsed.TABLE_NAME,
    region: parsed.AWS_REGION,
    dynamoEndpoint: parsed.DYNAMODB_ENDPOINT,
    sesEndpoint: parsed.SES_ENDPOINT,
    cdnDistributionId: parsed.CDN_DISTRIBUTION_ID,
    cdnEndpoint: parsed.CDN_ENDPOINT,
    stage: parsed.STAGE,
    publicUrl: parsed.PUBLIC_URL.replace(/\/+$/, ""),
    operatorEmails: parsed.OPERATOR_EMAILS.map((operator) => operator.email),
    operatorNames: Object.fromEntries(
      parsed.OPERATOR_EMAILS.flatMap((operator) => (operator.name ? [[operator.email, operator.name]] : [])),
    ),
    mailFrom: parsed.MAIL_FROM,
    noticeEmail: parsed.NOTICE_EMAIL,
    linkSecret: parsed.LINK_SECRET,
    ingestToken: parsed.INGEST_TOKEN,
    powBits: parsed.POW_BITS,
    rateLimit: {
      windowSeconds: parsed.RATE_LIMIT_WINDOW_SECONDS,
      perKey: parsed.RATE_LIMIT_PER_KEY,
      perIp: parsed.RATE_LIMIT_PER_IP,
    },
    trustProxyHops: parsed.TRUST_PROXY_HOPS,
    allowPrivateWebhooks: parsed.ALLOW_PRIVATE_WEBHOOKS,
    sesMaxSendRate: parsed.SES_MAX_SEND_RATE,
    mailGiveUpMs: parsed.MAIL_GIVE_UP_HOURS * 3_600_000,
    sweepBudgetMs: parsed.SWEEP_BUDGET_SECONDS * 1000,
    allowLoopbackFeeds: parsed.ALLOW_LOOPBACK_FEEDS,
    feedPollSeconds: parsed.FEED_POLL_SECONDS,
    reviewSlaMs: parsed.REVIEW_SLA_HOURS * 3_600_000,
    counterNotice: {
      businessDays: parsed.COUNTER_NOTICE_BUSINESS_DAYS,
      holidays: new Set(
        parsed.COUNTER_NOTICE_HOLIDAYS.split(",")
          .map((day) => day.trim())
          .filter(Boolean),
      ),
      autoRestore: parsed.COUNTER_NOTICE_AUTO_RESTORE,
    },
    ...(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? { credentials: fixedCredentials(env.AWS_ACCESS_KEY_ID, env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN) }
      : {}),
    futureRulesNeedSecondApproval: parsed.FUTURE_RULES_NEED_SECOND_APPROVAL,
  };
}

// A provider rather than the keys themselves, so that a configuration logged or compared never shows them.
function fixedCredentials(accessKeyId: string, secretAccessKey: string, sessionToken: string | undefined) {
  const credentials: Credentials = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  return async () => credentials;
}

/** What the stacks may link to a function, under the names they give it; each function gets only what it reads. */
type Links = {
  Database: { name: string };
  Sender: { sender: string };
  LinkSecret: { value: string };
  IngestToken: { value: string };
  OperatorEmails: { value: string };
  Cdn: { distributionId: string };
  App: { stage: string };
};

/**
 * The linked settings, by the environment's names. A secret a function was
 * not given becomes one nobody knows, so whatever it would sign or accept
 * with it fails closed instead of falling back to the local default.
 */
function linked(): Record<string, string> {
  const links = Resource as unknown as Partial<Links>;
  const has = (name: keyof Links) => name in links;
  const unknown = () => randomBytes(24).toString("base64url");
  return {
    ...(has("Database") ? { TABLE_NAME: links.Database!.name } : {}),
    STAGE: links.App!.stage,
    ...(has("Cdn") ? { CDN_DISTRIBUTION_ID: links.Cdn!.distributionId } : {}),
    ...(has("Sender") ? { MAIL_FROM: `Takedown Desk <${fromAddress(links.Sender!.sender)}>` } : {}),
    LINK_SECRET: has("LinkSecret") ? links.LinkSecret!.value : unknown(),
    INGEST_TOKEN: has("IngestToken") ? links.IngestToken!.value : unknown(),
    OPERATOR_EMAILS: has("OperatorEmails") ? links.OperatorEmails!.value : "",
  };
}

/**
 * The process's configuration, from its environment. SST marks its
 * functions with SST_RESOURCE_App; only there is the Resource proxy read (it
 * decrypts the links shipped with the bundle), and the links take the place
 * of the environment's names.
 */
function fromEnv(env: Record<string, string | undefined>): Config {
  return load(env.SST_RESOURCE_App ? { ...env, ...linked() } : env);
}

export const Config = { fromEnv };

/*
 * One configuration per process, set by its entry point (the Lambda
 * handlers, `npm start`, the commands, the tests' setup) before it serves
 * anything: configure(Config.fromEnv(process.env)). A process-wide setting
 * rather than an AsyncLocalStorage scope because that is what a process has:
 * Lambda and Node run one desk each, timers and the SDK's callbacks need no
 * scope to find it, and nothing reads the environment behind the entry
 * point's back. A test that needs other settings configures them, in any
 * order relative to its imports; AWS clients follow (aws/client.ts).
 */
let current: Config | undefined;

export function configure(config: Config): Config {
  current = config;
  return config;
}

export function config(): Config {
  if (!current)
    throw new Error(
      "The configuration is not set: the process's entry point calls configure(Config.fromEnv(process.env)) first.",
    );
  return current;
}
