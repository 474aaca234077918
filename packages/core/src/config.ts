import { Resource } from "sst/resource";
import * as z from "zod/mini";

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

const schema = z.object({
  TABLE_NAME: z._default(z.string(), "takedown-desk"),
  AWS_REGION: z._default(z.string(), "us-east-1"),
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  SES_ENDPOINT: z.optional(z.url()),
  PUBLIC_URL: z._default(z.url(), "http://127.0.0.1:3000"),
  OPERATOR_EMAILS: z._default(emailList, ["operator@syndication.example"]),
  MAIL_FROM: z._default(z.string(), "Takedown Desk <takedowns@syndication.example>"),
  LINK_SECRET: z._default(z.string().check(z.minLength(16)), "local-development-link-secret"),
  INGEST_TOKEN: z._default(z.string().check(z.minLength(8)), "local-ingest-token"),
  POW_BITS: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(30)), 18),
  RATE_LIMIT_WINDOW_SECONDS: z._default(z.coerce.number().check(z.int(), z.positive()), 60),
  RATE_LIMIT_PER_KEY: z._default(z.coerce.number().check(z.int(), z.positive()), 600),
  RATE_LIMIT_PER_IP: z._default(z.coerce.number().check(z.int(), z.positive()), 60),
  TRUST_PROXY_HOPS: z._default(z.coerce.number().check(z.int(), z.nonnegative()), 0),
  ALLOW_PRIVATE_WEBHOOKS: z._default(z.stringbool(), false),
  ALLOW_LOOPBACK_FEEDS: z._default(z.stringbool(), false),
  FEED_POLL_SECONDS: z._default(z.coerce.number().check(z.int(), z.positive()), 900),
});

export type Config = {
  tableName: string;
  region: string;
  dynamoEndpoint?: string;
  sesEndpoint?: string;
  publicUrl: string;
  operatorEmails: string[];
  mailFrom: string;
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
   * Feeds on loopback (127.0.0.0/8, ::1) are read: the local stack's sample
   * feeds. Every other private or reserved address stays refused even then.
   */
  allowLoopbackFeeds: boolean;
  /** How often each feed is read, unless it asks for less (ttl, Cache-Control) or keeps failing. */
  feedPollSeconds: number;
};

export function load(env: Record<string, string | undefined>): Config {
  const parsed = schema.parse(env);
  return {
    tableName: parsed.TABLE_NAME,
    region: parsed.AWS_REGION,
    dynamoEndpoint: parsed.DYNAMODB_ENDPOINT,
    sesEndpoint: parsed.SES_ENDPOINT,
    publicUrl: parsed.PUBLIC_URL.replace(/\/+$/, ""),
    operatorEmails: parsed.OPERATOR_EMAILS,
    mailFrom: parsed.MAIL_FROM,
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
    allowLoopbackFeeds: parsed.ALLOW_LOOPBACK_FEEDS,
    feedPollSeconds: parsed.FEED_POLL_SECONDS,
  };
}

/** What the stacks link to every function, under the names they give it. */
type Links = {
  Table: { name: string };
  Mailbox: { sender: string };
  LinkSecret: { value: string };
  IngestToken: { value: string };
  OperatorEmails: { value: string };
};

/** SES sends from a verified address, or from any address at a verified domain. */
function senderAddress(sender: string): string {
  return `Takedown Desk <${sender.includes("@") ? sender : `takedowns@${sender}`}>`;
}

function linked(): Record<string, string> {
  const { Table, Mailbox, LinkSecret, IngestToken, OperatorEmails } = Resource as unknown as Links;
  return {
    TABLE_NAME: Table.name,
    MAIL_FROM: senderAddress(Mailbox.sender),
    LINK_SECRET: LinkSecret.value,
    INGEST_TOKEN: IngestToken.value,
    OPERATOR_EMAILS: OperatorEmails.value,
  };
}

/**
 * SST marks its functions with SST_RESOURCE_App; only there is the Resource
 * proxy read (it decrypts the links shipped with the bundle on first use).
 */
function onSst(): boolean {
  return Boolean(process.env.SST_RESOURCE_App);
}

let current: Config | undefined;

/** Read lazily so that a process can set its environment before first use. */
export function config(): Config {
  current ??= load(onSst() ? { ...process.env, ...linked() } : process.env);
  return current;
}
