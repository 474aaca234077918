import * as z from "zod/mini";

/**
 * Every setting the system reads, parsed once. Locally they come from the
 * environment (with defaults that make `npm start` work out of the box); on
 * Lambda the SST links are exposed to the same names by the function entry.
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
  };
}

let current: Config | undefined;

/** Read lazily so that a process can set its environment before first use. */
export function config(): Config {
  current ??= load(process.env);
  return current;
}
