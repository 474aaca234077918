/**
 * sst.config.ts and stacks/, run as a deploy would run them but against
 * Pulumi's mocks (support/run-stacks.ts): the resources they declare, how
 * they are wired, and that the functions they build read the links they get.
 */
import { createCipheriv, createHmac } from "node:crypto";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { Pow, Table } from "@takedown/core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { ensureTable } from "../../packages/local/src/engines";
import { noticeInput } from "../support/fixtures";
import { linkIn, waitForMail } from "../support/mailbox";
import { resource, resources, runStacks, SECRETS, type Declared } from "./support/declared";
import { SITE, http, streamBatch } from "./support/events";

let declared: Declared;

beforeAll(async () => {
  const run = await runStacks("production");
  if (!run.declared) throw new Error(run.error);
  declared = run.declared;
}, 240_000);

const table = () => resource(declared, "aws:dynamodb/table:Table", "TableTable");
const lambda = (name: string) => resource(declared, "aws:lambda/function:Function", `${name}Function`);
const build = (name: string) => declared.builds.find((b) => b.functionID === name)!;
const FUNCTIONS = ["SiteFunction", "Dispatcher", "Sweeper"];

describe("the table", () => {
  it("has the keys and indexes the local stack creates, a TTL, point-in-time recovery and a stream", () => {
    const { inputs } = table();
    const local = Table.createTableInput("any");
    expect({ hash: inputs.hashKey, range: inputs.rangeKey }).toEqual({
      hash: local.KeySchema[0]!.AttributeName,
      range: local.KeySchema[1]!.AttributeName,
    });
    expect(
      inputs.globalSecondaryIndexes.map((i: any) => [i.name, i.hashKey, i.rangeKey, i.projectionType, i.nonKeyAttributes ?? []]),
    ).toEqual(
      local.GlobalSecondaryIndexes.map((i) => [
        i.IndexName,
        i.KeySchema[0]!.AttributeName,
        i.KeySchema[1]!.AttributeName,
        i.Projection.ProjectionType,
        "NonKeyAttributes" in i.Projection ? i.Projection.NonKeyAttributes : [],
      ]),
    );
    expect(inputs.attributes).toEqual(local.AttributeDefinitions.map((a) => ({ name: a.AttributeName, type: a.AttributeType })));
    expect(inputs.ttl).toEqual({ attributeName: "expiresAt", enabled: true });
    expect(inputs.pointInTimeRecovery).toEqual({ enabled: true });
    expect(inputs).toMatchObject({ billingMode: "PAY_PER_REQUEST", streamEnabled: true, streamViewType: "NEW_IMAGE" });
  });

  it("cannot be deleted in production, and the production stage refuses `sst remove`", () => {
    expect(table().inputs.deletionProtectionEnabled).toBe(true);
    expect(declared.outputs._protect).toBe(true);
  });
});

describe("the functions", () => {
  it.each(FUNCTIONS)("%s is built from a handler file that exports it, for Node 22 on arm64", (name) => {
    const { inputs } = lambda(name);
    const built = build(name);
    expect(built.handler).toMatch(/^packages\/functions\/src\/\w+\.handler$/);
    expect(built.exports).toContain("handler");
    expect(inputs.handler).toBe(`${built.file.split("/").pop()!.replace(".mjs", "")}.handler`);
    expect(inputs.runtime).toBe("nodejs22.x");
    expect(inputs.architectures).toEqual(["arm64"]);
  });

  it.each(FUNCTIONS)("%s may write the table and send mail, by its links", (name) => {
    const [policy] = resource(declared, "aws:iam/role:Role", `${name}Role`).inputs.inlinePolicies;
    const statements = JSON.parse(policy.policy).Statement as { actions: string[]; resources: string[] }[];
    const allowed = (action: string, on: string) =>
      statements.some((s) => s.actions.some((a) => a === action || (a.endsWith("*") && action.startsWith(a.slice(0, -1)))) && s.resources.includes(on));
    expect(allowed("dynamodb:PutItem", table().state.arn)).toBe(true);
    expect(allowed("dynamodb:Query", `${table().state.arn}/*`)).toBe(true);
    expect(allowed("ses:SendEmail", "*")).toBe(true);
    expect(Object.keys(build(name).links).sort()).toEqual(["IngestToken", "LinkSecret", "Mailbox", "OperatorEmails", "Table"]);
  });
});

describe("the site", () => {
  it("is an HTTP API that sends every route to the site's function, throttled, without CORS", () => {
    const route = resource(declared, "aws:apigatewayv2/route:Route", resources(declared, "aws:apigatewayv2/route:Route")[0]!.name);
    expect(route.inputs.routeKey).toBe("$default");
    const integration = resources(declared, "aws:apigatewayv2/integration:Integration")[0]!;
    expect(integration.inputs.integrationUri).toBe(lambda("SiteFunction").state.arn);
    expect(resources(declared, "aws:apigatewayv2/api:Api")[0]!.inputs.corsConfiguration).toEqual({});
    expect(resources(declared, "aws:apigatewayv2/stage:Stage")[0]!.inputs.defaultRouteSettings).toMatchObject({
      throttlingRateLimit: 50,
      throttlingBurstLimit: 100,
    });
  });

  it("links mail to the API's own address until PublicUrl is set", async () => {
    const api = resources(declared, "aws:apigatewayv2/api:Api")[0]!;
    expect(declared.outputs.api).toBe(api.state.apiEndpoint);
    for (const name of FUNCTIONS) expect(lambda(name).inputs.environment.variables.PUBLIC_URL).toBe(api.state.apiEndpoint);
    const custom = await runStacks("production", { ...SECRETS, PublicUrl: "https://takedowns.example.org" } as typeof SECRETS);
    const site = resource(custom.declared!, "aws:lambda/function:Function", "SiteFunctionFunction");
    expect(site.inputs.environment.variables.PUBLIC_URL).toBe("https://takedowns.example.org");
  }, 120_000);
});

describe("the jobs", () => {
  it("subscribe the dispatcher to the table's stream, retrying failed records and parking what still fails", () => {
    const [mapping] = resources(declared, "aws:lambda/eventSourceMapping:EventSourceMapping");
    const queue = resources(declared, "aws:sqs/queue:Queue")[0]!;
    expect(mapping!.inputs).toMatchObject({
      eventSourceArn: table().state.streamArn,
      functionName: lambda("Dispatcher").state.arn,
      functionResponseTypes: ["ReportBatchItemFailures"],
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 3,
      destinationConfig: { onFailure: { destinationArn: queue.state.arn } },
    });
    const [filter] = mapping!.inputs.filterCriteria.filters;
    expect(JSON.parse(filter.pattern).dynamodb.NewImage.pk).toEqual({ S: [{ prefix: "NOTICE#" }] });
    expect(queue.inputs.messageRetentionSeconds).toBe(14 * 24 * 3600);
  });

  it("sweep every minute with EventBridge's scheduled event, and park a failed sweep", () => {
    expect(resources(declared, "aws:cloudwatch/eventRule:EventRule").map((r) => r.inputs.scheduleExpression)).toContain("rate(1 minute)");
    const target = resource(declared, "aws:cloudwatch/eventTarget:EventTarget", "SweepTarget");
    expect(target.inputs.arn).toBe(lambda("Sweeper").state.arn);
    expect(target.inputs.input).toBeUndefined();
    const invoke = resources(declared, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")[0]!;
    expect(invoke.inputs).toMatchObject({
      maximumRetryAttempts: 0,
      destinationConfig: { onFailure: { destination: resources(declared, "aws:sqs/queue:Queue")[0]!.state.arn } },
    });
  });
});

describe("the mailbox", () => {
  it("sends from the MailSender identity, whose configuration set records bounces and complaints in a log", () => {
    const identity = resource(declared, "aws:sesv2/emailIdentity:EmailIdentity", "MailboxIdentity");
    expect(identity.inputs.emailIdentity).toBe(SECRETS.MailSender);
    const set = resource(declared, "aws:sesv2/configurationSet:ConfigurationSet", "MailboxConfig");
    expect(identity.inputs.configurationSetName).toBe(set.state.configurationSetName);
    const [destination] = resources(declared, "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination");
    expect(destination!.inputs.eventDestination.matchingEventTypes).toEqual(["BOUNCE", "COMPLAINT"]);
    const rule = resource(declared, "aws:cloudwatch/eventRule:EventRule", "MailFeedback");
    expect(JSON.parse(rule.inputs.eventPattern)).toMatchObject({
      source: ["aws.ses"],
      "detail-type": ["Email Bounced", "Email Complaint Received"],
      detail: { mail: { tags: { "ses:configuration-set": [set.state.configurationSetName] } } },
    });
    const log = resource(declared, "aws:cloudwatch/logGroup:LogGroup", "MailFeedback");
    expect(resource(declared, "aws:cloudwatch/eventTarget:EventTarget", "MailFeedback").inputs.arn).toBe(log.state.arn);
    expect(declared.outputs).toMatchObject({ mailbox: SECRETS.MailSender, table: table().state.name });
  });
});

describe("secrets", () => {
  it("a deploy without one stops and says how to set it", async () => {
    const { OperatorEmails, ...rest } = SECRETS;
    const run = await runStacks("production", rest);
    expect(run.declared).toBeUndefined();
    expect(run.error).toContain("sst secret set OperatorEmails");
  }, 120_000);
});

/**
 * The bundles the stacks built, run as Lambda runs them: in their own
 * directory with only the environment the stack gave the function, the
 * links in SST's encrypted resource file beside them. Only the endpoints of
 * the local stand-ins are added.
 */
describe("the built functions on their links", () => {
  async function invoke(name: string, event: unknown) {
    const built = build(name);
    const env = lambda(name).inputs.environment.variables as Record<string, string>;
    const key = Buffer.from(env.SST_KEY!, "base64");
    const cipher = createCipheriv("aes-256-gcm", key, Buffer.alloc(12, 0));
    const sealed = Buffer.concat([cipher.update(JSON.stringify(built.links)), cipher.final(), cipher.getAuthTag()]);
    writeFileSync(join(dirname(built.file), env.SST_KEY_FILE!), sealed);
    const run = `const { handler } = await import(process.argv[1]); console.log(JSON.stringify(await handler(JSON.parse(process.argv[2]), {})));`;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", run, built.file, JSON.stringify(event)], {
      cwd: dirname(built.file),
      env: {
        PATH: process.env.PATH,
        AWS_REGION: "us-east-1",
        ...env,
        DYNAMODB_ENDPOINT: inject("dynamoEndpoint"),
        SES_ENDPOINT: inject("sesEndpoint"),
      },
    });
    return JSON.parse(stdout.trim().split("\n").pop()!);
  }

  it("take the table, the ingest token, the operators and the sender from the links", async () => {
    const linkedTable = build("SiteFunction").links.Table!.name as string;
    await ensureTable(inject("dynamoEndpoint"), linkedTable);
    const ingest = await invoke(
      "SiteFunction",
      http("POST", "/api/v1/articles", {
        headers: { authorization: `Bearer ${SECRETS.IngestToken}` },
        json: {
          title: "Linked story",
          author: "Ada Okafor",
          sourceName: "Valley Ledger",
          sourceDomain: "valleyledger.example",
          originalUrl: "https://valleyledger.example/linked",
          publishedAt: "2026-11-25T06:00:00Z",
        },
      }),
    );
    expect(ingest.statusCode).toBe(200);
    const input = noticeInput(["https://valleyledger.example/linked"]);
    // An anonymous filer solves a challenge the stage signed (with its own LinkSecret).
    const issued = JSON.parse((await invoke("SiteFunction", http("GET", "/api/v1/challenge"))).body) as Pow.Challenge;
    const proof = { "proof-of-work": Pow.solve(issued.challenge, issued.bits) };
    const filed = await invoke("SiteFunction", http("POST", "/api/v1/takedowns", { json: input, headers: proof }));
    expect(filed.statusCode).toBe(202);
    const { id, statusUrl } = JSON.parse(filed.body);
    expect(statusUrl.startsWith(`${declared.outputs.api}/takedowns/${id}`)).toBe(true);

    const batch = await streamBatch(inject("dynamoEndpoint"), linkedTable, [Table.key.notice(id)]);
    expect(await invoke("Dispatcher", batch)).toEqual({ batchItemFailures: [] });
    const receipt = await waitForMail(input.requester.email, /received your takedown notice/);
    expect(receipt.from).toContain(`takedowns@${SECRETS.MailSender}`);

    // Its link is signed with the stage's LinkSecret, and the site accepts it.
    const confirm = new URL(linkIn(receipt, "confirm"));
    const token = confirm.searchParams.get("token")!;
    const [payload, signature] = token.split(".");
    expect(createHmac("sha256", SECRETS.LinkSecret).update(payload!).digest("base64url")).toBe(signature);
    const confirmed = await invoke("SiteFunction", http("POST", confirm.pathname, { headers: { origin: SITE }, form: { token } }));
    expect(confirmed.statusCode).toBe(200);
    await invoke("Dispatcher", await streamBatch(inject("dynamoEndpoint"), linkedTable, [Table.key.notice(id)]));
    await waitForMail("desk-two@example.org", new RegExp(id));
  }, 60_000);
});
