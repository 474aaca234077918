/**
 * SES's SendEmail, spoken directly: the query protocol of SES's 2010-12-01
 * API, as the SDK's SESClient sent it, through signed.ts. The SDK's client
 * and the stack under it were about 230 KB of the dispatcher's bundle, and
 * its cold start is what a requester waits for before their receipt. Kept
 * apart from the DynamoDB client so that functions which never send mail
 * (the API) do not bundle it (clientOf is pure to esbuild).
 */
import type { SendEmailCommandInput } from "@aws-sdk/client-ses";
import * as Metrics from "../metrics";
import { clientOf, credentialsFor } from "./client";
import { type Answer, AwsError, type Call, type Options, SignedClient } from "./signed";

const SES = {
  name: "SES",
  signingName: "ses",
  endpoint: (region: string) => `https://email.${region}.amazonaws.com`,
  // A call that hangs must end well inside the dispatcher's lease (60 s), or
  // a second worker would take the notice over and send the same mail.
  defaults: { maxAttempts: 2, connectTimeout: 3_000, requestTimeout: 10_000 },
};

export class Ses extends SignedClient<"SendEmail"> {
  constructor(options: Options) {
    super(SES, options);
  }

  /** Sends one message; answers the id SES gave it. */
  async sendEmail(input: SendEmailCommandInput & Record<string, unknown>): Promise<{ MessageId?: string }> {
    return (await this.call({ operation: "SendEmail", input })) as { MessageId?: string };
  }

  // Every message is counted where it leaves, once whatever was retried:
  // MailFailed feeds the alarm on mail that keeps failing (stacks/alarms.ts).
  protected ended(succeeded: boolean): void {
    Metrics.count(succeeded ? "MailSent" : "MailFailed");
  }

  protected async attempt({ operation, input }: Call<"SendEmail">) {
    const fields: [string, string][] = [
      ["Action", operation],
      ["Version", "2010-12-01"],
    ];
    flatten(input, "", fields);
    const body = fields.map(([name, value]) => `${encode(name)}=${encode(value)}`).join("&");
    const answer = await this.post({ "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" }, body);
    if (answer.status !== 200) throw failure(answer);
    return { MessageId: element(answer.body, "MessageId") };
  }
}

/** The query protocol's fields: nested names joined by dots, list members numbered from 1 (`Destination.ToAddresses.member.1`). */
function flatten(value: unknown, name: string, into: [string, string][]): void {
  if (Array.isArray(value)) for (const [i, member] of value.entries()) flatten(member, `${name}.member.${i + 1}`, into);
  else if (value !== null && typeof value === "object")
    for (const [key, member] of Object.entries(value)) flatten(member, name ? `${name}.${key}` : key, into);
  else if (value !== undefined) into.push([name, String(value)]);
}

// RFC 3986, as AWS signs and decodes it: encodeURIComponent leaves !'()* as they are.
const encode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** The text of the first `<name>` element in an XML answer, its entities decoded. */
function element(xml: string, name: string): string | undefined {
  const text = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
  return text?.replace(/&(?:#x([0-9a-f]+)|#(\d+)|(\w+));/gi, (entity, hex, decimal, named) =>
    hex || decimal ? String.fromCodePoint(Number.parseInt(hex ?? decimal, hex ? 16 : 10)) : (ENTITIES[named] ?? entity),
  );
}

/** SES's error answer: `<ErrorResponse><Error><Code>MessageRejected</Code><Message>…`. */
function failure({ status, body, requestId }: Answer): AwsError {
  return new AwsError(
    element(body, "Code") ?? `HTTP${status}`,
    element(body, "Message") ?? (body.slice(0, 200) || `HTTP ${status}`),
    status,
    requestId ?? element(body, "RequestId"),
  );
}

export const ses = /* @__PURE__ */ clientOf(
  (config) =>
    new Ses({
      region: config.region,
      endpoint: config.sesEndpoint,
      credentials: credentialsFor(config, config.sesEndpoint),
    }),
);
