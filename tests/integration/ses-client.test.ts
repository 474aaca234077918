/**
 * The SES client of our own (packages/core/src/aws/ses.ts) against
 * aws-ses-v2-local, side by side with the SDK's SESClient it replaced: the
 * same message sent by either is stored the same, characters that need
 * escaping included. And what the stand-in cannot do — refuse, throttle,
 * fail — against a small HTTP stand-in that answers as SES does, to see the
 * client name its errors and retry only what may pass.
 */
import { SESClient, SendEmailCommand, type SendEmailCommandInput } from "@aws-sdk/client-ses";
import { config } from "@takedown/core";
import { Ses, ses } from "@takedown/core/aws/ses";
import { describe, expect, it } from "vitest";
import { type Script, scriptedEndpoint } from "../support/scripted-endpoint";
import { inbox } from "../support/mailbox";

/** A message with what the query protocol must escape: &, =, +, %, the characters encodeURIComponent keeps, and more. */
const message = (to: string, subject: string): SendEmailCommandInput => ({
  Source: "Takedown Desk <takedowns@syndication.example>",
  Destination: { ToAddresses: [to] },
  ReplyToAddresses: ["desk+replies@syndication.example"],
  Tags: [{ Name: "notice", Value: "n-1" }],
  Message: {
    Subject: { Data: subject, Charset: "UTF-8" },
    Body: {
      Text: { Data: "a&b=c+d 100% (it's!) *ok*\nÜnïcode — ✓ \u2028 line", Charset: "UTF-8" },
      Html: { Data: '<p class="x">a &amp; b</p><a href="https://x.example/?a=1&b=2">link</a>', Charset: "UTF-8" },
    },
  },
});

describe("through aws-ses-v2-local, as the SDK's SESClient", () => {
  it("sends a message the stand-in stores exactly as it stored the SDK's", async () => {
    const sdk = new SESClient({
      region: config().region,
      endpoint: config().sesEndpoint,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    const [ours, theirs] = ["ours@rights.example", "theirs@rights.example"];
    const subject = "Re: “Title” & more = 1+1 (100%)!";
    const sent = await ses().sendEmail({ ...message(ours, subject) });
    await sdk.send(new SendEmailCommand(message(theirs, subject)));
    const [stored] = await inbox(ours);
    const [storedBySdk] = await inbox(theirs);
    expect(stored!.messageId).toBe(sent.MessageId);
    const { messageId: _, at: __, destination, ...rest } = stored!;
    const { messageId: ___, at: ____, destination: sdkDestination, ...sdkRest } = storedBySdk!;
    expect(rest).toEqual(sdkRest);
    expect(stored!.subject).toBe(subject);
    expect(stored!.body).toEqual({
      text: message(ours, subject).Message!.Body!.Text!.Data,
      html: message(ours, subject).Message!.Body!.Html!.Data,
    });
    expect(destination.to).toEqual([ours]);
    expect(sdkDestination.to).toEqual([theirs]);
  });
});

const endpoint = scriptedEndpoint();

const xml =
  (status: number, body: string): Script =>
  (_, __, response) => {
    response.writeHead(status, { "content-type": "text/xml", "x-amzn-requestid": "REQ1" });
    response.end(`<?xml version="1.0"?>\n${body}`);
  };
const sent = (id: string) =>
  xml(
    200,
    `<SendEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><SendEmailResult><MessageId>${id}</MessageId></SendEmailResult><ResponseMetadata><RequestId>REQ1</RequestId></ResponseMetadata></SendEmailResponse>`,
  );
const refused = (status: number, type: string, code: string, text: string) =>
  xml(
    status,
    `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${text}</Message></Error><RequestId>REQ2</RequestId></ErrorResponse>`,
  );

const client = (options: Partial<ConstructorParameters<typeof Ses>[0]> = {}) =>
  new Ses({
    region: "eu-west-1",
    endpoint: endpoint.url(),
    credentials: async () => ({ accessKeyId: "AKID", secretAccessKey: "secret", sessionToken: "TOKEN" }),
    ...options,
  });
const mail = message("writer@rights.example", "Subject");

describe("against a stand-in that answers as SES does", () => {
  it("sends one signed form POST per message, with its action, its fields and its session token", async () => {
    endpoint.script = [sent("0100-abc")];
    expect(await client().sendEmail({ ...mail })).toEqual({ MessageId: "0100-abc" });
    const [{ headers, body }] = endpoint.received as [(typeof endpoint.received)[0]];
    expect(headers).toMatchObject({
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
      "x-amz-security-token": "TOKEN",
      connection: "keep-alive",
    });
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/eu-west-1\/ses\/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
    const fields = Object.fromEntries(new URLSearchParams(body));
    expect(fields).toEqual({
      Action: "SendEmail",
      Version: "2010-12-01",
      Source: mail.Source,
      "Destination.ToAddresses.member.1": "writer@rights.example",
      "ReplyToAddresses.member.1": "desk+replies@syndication.example",
      "Tags.member.1.Name": "notice",
      "Tags.member.1.Value": "n-1",
      "Message.Subject.Data": "Subject",
      "Message.Subject.Charset": "UTF-8",
      "Message.Body.Text.Data": mail.Message!.Body!.Text!.Data,
      "Message.Body.Text.Charset": "UTF-8",
      "Message.Body.Html.Data": mail.Message!.Body!.Html!.Data,
      "Message.Body.Html.Charset": "UTF-8",
    });
    // RFC 3986 as AWS decodes it: nothing outside letters, digits and -_.~ travels unescaped.
    expect(body).not.toMatch(/[^A-Za-z0-9\-_.~%=&]/);
  });

  it("names a refusal by SES's code, with its message decoded, and does not send it again", async () => {
    endpoint.script = [
      refused(
        400,
        "Sender",
        "MessageRejected",
        "Email address is not verified. The following identities failed the check: &lt;a&amp;b@x.example&gt; &#x2014; &#8212;",
      ),
    ];
    await expect(client().sendEmail({ ...mail })).rejects.toMatchObject({
      name: "MessageRejected",
      message: "Email address is not verified. The following identities failed the check: <a&b@x.example> — —",
      $fault: "client",
      $metadata: { httpStatusCode: 400, requestId: "REQ1" },
    });
    expect(endpoint.received).toHaveLength(1);
  });

  it("tries a throttled or failed send once more, as the SDK's client was set to, then gives up with the last answer", async () => {
    endpoint.script = [refused(400, "Sender", "Throttling", "Maximum sending rate exceeded."), sent("0100-late")];
    expect(await client().sendEmail({ ...mail })).toEqual({ MessageId: "0100-late" });
    expect(endpoint.received).toHaveLength(2);
    endpoint.received.length = 0;
    endpoint.script = [refused(500, "Receiver", "InternalFailure", "oops")];
    await expect(client().sendEmail({ ...mail })).rejects.toMatchObject({
      name: "InternalFailure",
      $fault: "server",
      $metadata: { httpStatusCode: 500 },
    });
    expect(endpoint.received).toHaveLength(2);
  });

  it("names an answer that is not SES's by its status", async () => {
    endpoint.script = [
      (_, __, response) => {
        response.writeHead(400, { "content-type": "application/json" });
        response.end('{"message":"Bad Request Exception"}');
      },
    ];
    await expect(client().sendEmail({ ...mail })).rejects.toMatchObject({
      name: "HTTP400",
      message: '{"message":"Bad Request Exception"}',
    });
  });
});
