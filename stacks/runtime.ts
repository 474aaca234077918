import { nodejs, runtime } from "../packages/functions/handlers";
import { fromAddress } from "../packages/core/src/sender";
import { mailbox } from "./email";
import { policy } from "./stage";
import { ingestToken, linkSecret, operatorEmails } from "./secrets";
import { table } from "./storage";

/**
 * What every function shares, and what each may touch. Nothing links the
 * table or the mailbox themselves: SST's links grant `dynamodb:*` and `ses:*`.
 * Each function links only the settings it reads (packages/core/src/config.ts
 * reads whichever it was given) and gets only the actions it calls.
 */
export function lambda(
  handler: string,
  siteUrl: $util.Input<string>,
  access: { link: sst.aws.FunctionArgs["link"]; permissions: sst.aws.FunctionPermissionArgs[] },
) {
  return {
    handler,
    runtime,
    architecture: "arm64",
    link: access.link,
    permissions: access.permissions,
    environment: { PUBLIC_URL: siteUrl, ...policy($app.stage) },
    nodejs,
  } satisfies sst.aws.FunctionArgs;
}

/** The table's name, without the `dynamodb:*` that linking the table itself would grant. */
export const database = new sst.Linkable("Database", { properties: { name: table.name } });

/** Who mail comes from, without the `ses:*` that linking the mailbox would grant. */
export const sender = new sst.Linkable("Sender", { properties: { sender: mailbox.sender } });

/** The item operations core performs (packages/core/src: Get, BatchGet, Put, Update, Delete, Query). */
export const readWriteItems: sst.aws.FunctionPermissionArgs = {
  actions: [
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:Query",
  ],
  resources: [table.arn, $interpolate`${table.arn}/index/*`],
};

/** Rules and their version are put in batches, by the jobs that apply decisions only. */
export const writeBatches: sst.aws.FunctionPermissionArgs = {
  actions: ["dynamodb:BatchWriteItem"],
  resources: [table.arn],
};

/**
 * SendEmail from the configured sender only, through the stage's
 * configuration set. In the SES sandbox, SES also authorizes each recipient
 * as an identity of the account; the condition keeps that to our From address.
 */
const region = aws.getRegionOutput().name;
const account = aws.getCallerIdentityOutput().accountId;
export const sendMail: sst.aws.FunctionPermissionArgs[] = [
  {
    actions: ["ses:SendEmail"],
    resources: [mailbox.nodes.identity.arn, mailbox.nodes.configurationSet.arn],
  },
  {
    actions: ["ses:SendEmail"],
    resources: [$interpolate`arn:aws:ses:${region}:${account}:identity/*`],
    conditions: [{ test: "StringEquals", variable: "ses:FromAddress", values: [mailbox.sender.apply(fromAddress)] }],
  },
];

/** The settings each kind of function reads. */
export const settings = {
  site: [database, linkSecret, ingestToken, operatorEmails],
  jobs: [database, sender, linkSecret, operatorEmails],
  mailEvents: [database],
  poll: [database],
};
