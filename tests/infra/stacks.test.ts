/**
 * sst.config.ts and stacks/, run as a deploy would run them but against
 * Pulumi's mocks (support/run-stacks.ts): the resources they declare, how
 * they are wired, and that the functions they build read the links they get.
 */
import { createCipheriv, createHmac } from "node:crypto";
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Pow, Table } from "@takedown/core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { nodejs } from "../../packages/functions/handlers";
import { ensureTable } from "../../packages/local/src/engines";
import { front } from "../../stacks/stage";
import { noticeInput } from "../support/fixtures";
import { linkIn, waitForMail } from "../support/mailbox";
import { resource, resources, runStacks, SECRETS, type Declared } from "./support/declared";
import { http, streamBatch } from "./support/events";

let declared: Declared;

beforeAll(async () => {
  const run = await runStacks("production");
  if (!run.declared) throw new Error(run.error);
  declared = run.declared;
}, 240_000);

const table = () => resource(declared, "aws:dynamodb/table:Table", "TableTable");
const lambda = (name: string) => resource(declared, "aws:lambda/function:Function", `${name}Function`);
const build = (name: string) => declared.builds.find((b) => b.functionID === name)!;
const FUNCTIONS = ["SiteFunction", "Dispatcher", "Sweeper", "MailEventHandler", "Poller", "Digester"];

type Statement = {
  actions: string[];
  resources: string[];
  conditions?: { test: string; variable: string; values: string[] }[];
};
const statements = (name: string) =>
  JSON.parse(resource(declared, "aws:iam/role:Role", `${name}Role`).inputs.inlinePolicies[0].policy)
    .Statement as Statement[];
/** Every action a function may take, with the resources it may take it on. */
const grants = (name: string) =>
  statements(name).flatMap((s) =>
    s.actions.map((action) => ({ action, resources: [...s.resources].sort(), conditions: s.conditions })),
  );
const actionsOf = (name: string) => [...new Set(grants(name).map((g) => g.action))].sort();

describe("the table", () => {
  it("has the keys and indexes the local stack creates, a TTL, point-in-time recovery and a stream", () => {
    const { inputs } = table();
    const local = Table.createTableInput("any");
    expect({ hash: inputs.hashKey, range: inputs.rangeKey }).toEqual({
      hash: local.KeySchema[0]!.AttributeName,
      range: local.KeySchema[1]!.AttributeName,
    });
    expect(
      inputs.globalSecondaryIndexes.map((i: any) => [
        i.name,
        i.hashKey,
        i.rangeKey,
        i.projectionType,
        i.nonKeyAttributes ?? [],
      ]),
    ).toEqual(
      local.GlobalSecondaryIndexes.map((i) => [
        i.IndexName,
        i.KeySchema[0]!.AttributeName,
        i.KeySchema[1]!.AttributeName,
        i.Projection.ProjectionType,
        i.Projection.NonKeyAttributes ?? [],
      ]),
    );
    expect(inputs.attributes).toEqual(
      local.AttributeDefinitions.map((a) => ({ name: a.AttributeName, type: a.AttributeType })),
    );
    expect(inputs.ttl).toEqual({ attributeName: "expiresAt", enabled: true });
    expect(inputs.pointInTimeRecovery).toEqual({ enabled: true });
    expect(inputs).toMatchObject({ billingMode: "PAY_PER_REQUEST", streamEnabled: true, streamViewType: "NEW_IMAGE" });
  });

  it("cannot be deleted in production, and the production stage refuses `sst remove`", () => {
    expect(table().inputs.deletionProtectionEnabled).toBe(true);
    expect(declared.outputs._protect).toBe(true);
  });
});

describe("stages", () => {
  it("a production-like name that is not a protected stage is refused before anything is declared", async () => {
    for (const stage of ["prod", "production-eu", "live"]) {
      const run = await runStacks(stage);
      expect(run.declared).toBeUndefined();
      expect(run.error).toContain(
        `The stage "${stage}" looks like production but is not one of the protected stages (production)`,
      );
    }
  }, 240_000);

  it("any other stage deploys unprotected: its table goes with it", async () => {
    const run = await runStacks("dev-ana");
    if (!run.declared) throw new Error(run.error);
    expect(resource(run.declared, "aws:dynamodb/table:Table", "TableTable").inputs.deletionProtectionEnabled).toBe(
      false,
    );
    expect(run.declared.outputs._protect).toBeFalsy();
  }, 120_000);
});

describe("the functions", () => {
  it.each(FUNCTIONS)(
    "%s is built from a handler file that exports it, for Node 24 on arm64, as SST builds it",
    (name) => {
      const { inputs } = lambda(name);
      const built = build(name);
      expect(built.handler).toMatch(/^packages\/functions\/src\/[\w-]+\.handler$/);
      expect(built.exports).toContain("handler");
      expect(inputs.handler).toBe(`${built.file.split("/").pop()!.replace(".mjs", "")}.handler`);
      expect(inputs.runtime).toBe("nodejs24.x");
      expect(inputs.architectures).toEqual(["arm64"]);
      // What `npm run build` measures is built from the same properties SST's CLI receives.
      expect(built.properties).toMatchObject(nodejs);
      expect(built.properties).not.toHaveProperty("esbuild");
    },
  );

  it("no function may do everything to the table or to SES", () => {
    for (const name of FUNCTIONS) {
      expect(actionsOf(name).filter((a) => a.endsWith("*"))).toEqual([]);
      for (const { resources } of grants(name)) {
        if (resources.includes("*")) throw new Error(`${name} has a grant on every resource`);
      }
    }
  });

  const ITEMS = [
    "dynamodb:BatchGetItem",
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
  ];

  it("the site reads and writes the table's items and indexes, and nothing else: no mail, no CDN, no queue", () => {
    expect(actionsOf("SiteFunction")).toEqual(ITEMS);
    for (const grant of grants("SiteFunction"))
      expect(grant.resources).toEqual([table().state.arn, `${table().state.arn}/index/*`]);
    expect(Object.keys(build("SiteFunction").links).sort()).toEqual([
      "Database",
      "IngestToken",
      "LinkSecret",
      "OperatorEmails",
    ]);
  });

  it.each(["Dispatcher", "Sweeper", "Digester"])(
    "%s sends mail only from the configured sender, invalidates only its CDN and parks failures",
    (name) => {
      const streams = [
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
      ];
      expect(actionsOf(name)).toEqual(
        [
          ...ITEMS,
          "cloudfront:CreateInvalidation",
          "dynamodb:BatchWriteItem",
          "ses:SendEmail",
          "sqs:SendMessage",
          ...(name === "Dispatcher" ? streams : []),
        ].sort(),
      );
      const identity = resource(declared, "aws:sesv2/emailIdentity:EmailIdentity", "MailboxIdentity");
      const set = resource(declared, "aws:sesv2/configurationSet:ConfigurationSet", "MailboxConfig");
      const send = grants(name).filter((g) => g.action === "ses:SendEmail");
      expect(send[0]!.resources).toEqual([identity.state.arn, set.state.arn].sort());
      // The sandbox also authorizes recipients as identities: only with our own From address.
      expect(send[1]).toMatchObject({
        resources: ["arn:aws:ses:us-east-1:123456789012:identity/*"],
        conditions: [
          { test: "StringEquals", variable: "ses:FromAddress", values: [`takedowns@${SECRETS.MailSender}`] },
        ],
      });
      const distribution = resources(declared, "aws:cloudfront/distribution:Distribution")[0]!;
      expect(grants(name).find((g) => g.action === "cloudfront:CreateInvalidation")!.resources).toEqual([
        distribution.state.arn,
      ]);
      expect(grants(name).find((g) => g.action === "sqs:SendMessage")!.resources).toEqual([
        resources(declared, "aws:sqs/queue:Queue")[0]!.state.arn,
      ]);
      expect(Object.keys(build(name).links).sort()).toEqual([
        "Cdn",
        "Database",
        "LinkSecret",
        "OperatorEmails",
        "Sender",
      ]);
      expect(build(name).links.Cdn).toMatchObject({ distributionId: distribution.id });
    },
  );

  it("the dispatcher may read the table's stream, explicitly, and no other function may", () => {
    const stream = grants("Dispatcher").filter((g) => g.action.match(/Stream|Records|ShardIterator/));
    expect(stream).toHaveLength(4);
    for (const grant of stream) expect(grant.resources).toEqual([table().state.streamArn]);
    for (const name of ["SiteFunction", "Sweeper", "MailEventHandler", "Poller", "Digester"]) {
      expect(actionsOf(name).filter((a) => a.match(/Stream|Records|ShardIterator/))).toEqual([]);
    }
  });

  it("the feed poller writes the table's items and parks what fails; it mails nobody and reads no secret", () => {
    expect(actionsOf("Poller")).toEqual([...ITEMS, "sqs:SendMessage"].sort());
    expect(Object.keys(build("Poller").links)).toEqual(["Database"]);
  });

  it("the mail events handler writes the table's items and parks what fails; it reads no secret", () => {
    expect(actionsOf("MailEventHandler")).toEqual([...ITEMS, "sqs:SendMessage"].sort());
    expect(Object.keys(build("MailEventHandler").links)).toEqual(["Database"]);
  });
});

describe("the site", () => {
  const route = (key: string) =>
    resources(declared, "aws:apigatewayv2/route:Route").find((r) => r.inputs.routeKey === key)!;

  it("is an HTTP API whose routes all go to the site's function, without CORS", () => {
    const keys = resources(declared, "aws:apigatewayv2/route:Route")
      .map((r) => r.inputs.routeKey)
      .sort();
    expect(keys).toEqual(["$default", "POST /api/v1/articles", "POST /api/v1/takedowns", "POST /takedown"]);
    for (const integration of resources(declared, "aws:apigatewayv2/integration:Integration")) {
      expect(integration.inputs.integrationUri).toBe(lambda("SiteFunction").state.arn);
    }
    expect(route("$default")).toBeDefined();
    expect(resources(declared, "aws:apigatewayv2/api:Api")[0]!.inputs.corsConfiguration).toEqual({});
  });

  it("throttles each route on its own budget, the ingest pipeline's apart from the public's", () => {
    const stage = resources(declared, "aws:apigatewayv2/stage:Stage")[0]!.inputs;
    expect(stage.defaultRouteSettings).toMatchObject({ throttlingRateLimit: 50, throttlingBurstLimit: 100 });
    const byRoute = Object.fromEntries(
      stage.routeSettings.map((r: any) => [r.routeKey, [r.throttlingRateLimit, r.throttlingBurstLimit]]),
    );
    expect(byRoute).toEqual({
      "POST /api/v1/articles": [20, 40],
      "POST /api/v1/takedowns": [5, 10],
      "POST /takedown": [5, 10],
    });
  });

  it("is served through CloudFront, which caches public pages and passes everything else through", () => {
    const [distribution] = resources(declared, "aws:cloudfront/distribution:Distribution");
    const api = resources(declared, "aws:apigatewayv2/api:Api")[0]!;
    const { origins, defaultCacheBehavior, orderedCacheBehaviors } = distribution!.inputs;
    expect(origins).toEqual([
      expect.objectContaining({ domainName: new URL(api.state.apiEndpoint).host, originId: "site" }),
    ]);
    expect(origins[0].customOriginConfig).toMatchObject({ originProtocolPolicy: "https-only" });
    // Managed CachingDisabled, and every viewer header but Host (Origin included: forms check it).
    expect(defaultCacheBehavior).toMatchObject({
      cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
      originRequestPolicyId: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
    });
    const pages = resource(declared, "aws:cloudfront/cachePolicy:CachePolicy", "PublicPages");
    expect(orderedCacheBehaviors.map((b: any) => b.pathPattern)).toEqual(
      expect.arrayContaining(["/", "/articles/*", "/sources/*", "/feed.xml", "/sitemap.xml"]),
    );
    for (const behaviour of orderedCacheBehaviors) {
      expect(behaviour).toMatchObject({ cachePolicyId: pages.id, cachedMethods: ["GET", "HEAD"] });
    }
    expect(pages.inputs.parametersInCacheKeyAndForwardedToOrigin.cookiesConfig).toEqual({ cookieBehavior: "none" });
    expect(declared.outputs.site).toBe(`https://${distribution!.state.domainName}`);
  });

  it("keeps the default execute-api endpoint while it is CloudFront's origin, and switches it off once the API has a domain for that", () => {
    expect(resources(declared, "aws:apigatewayv2/api:Api")[0]!.inputs.disableExecuteApiEndpoint).toBe(false);
    expect(front(undefined)).toMatchObject({ disableExecuteApiEndpoint: false, apiDomain: undefined });
    expect(front({ site: "takedowns.example.org", origin: "origin.takedowns.example.org" })).toEqual({
      apiDomain: "origin.takedowns.example.org",
      disableExecuteApiEndpoint: true,
      siteDomain: "takedowns.example.org",
    });
  });

  it("links mail to the CDN's address until PublicUrl is set", async () => {
    const [distribution] = resources(declared, "aws:cloudfront/distribution:Distribution");
    for (const name of FUNCTIONS)
      expect(lambda(name).inputs.environment.variables.PUBLIC_URL).toBe(`https://${distribution!.state.domainName}`);
    expect(lambda("SiteFunction").inputs.environment.variables.TRUST_PROXY_HOPS).toBe("2");
    const custom = await runStacks("production", {
      ...SECRETS,
      PublicUrl: "https://takedowns.example.org",
    } as typeof SECRETS);
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
    // Notices, and the console's sign-in requests, which are mailed the same way.
    expect(JSON.parse(filter.pattern).dynamodb.NewImage.pk).toEqual({
      S: [{ prefix: "NOTICE#" }, { prefix: "SIGNIN#" }],
    });
    expect(queue.inputs.messageRetentionSeconds).toBe(14 * 24 * 3600);
  });

  it("poll the feeds every five minutes, each feed when it is due, and park a failed run", () => {
    const target = resource(declared, "aws:cloudwatch/eventTarget:EventTarget", "PollTarget");
    expect(target.inputs.arn).toBe(lambda("Poller").state.arn);
    expect(resources(declared, "aws:cloudwatch/eventRule:EventRule").map((r) => r.inputs.scheduleExpression)).toContain(
      "rate(5 minutes)",
    );
    const invoke = resources(declared, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").find(
      (r) => r.inputs.functionName === lambda("Poller").state.name,
    )!;
    expect(invoke.inputs).toMatchObject({ maximumRetryAttempts: 0 });
  });

  it("send the operators' digest once a day, and park a failed run", () => {
    expect(resources(declared, "aws:cloudwatch/eventRule:EventRule").map((r) => r.inputs.scheduleExpression)).toContain(
      "rate(1 day)",
    );
    const target = resource(declared, "aws:cloudwatch/eventTarget:EventTarget", "DigestTarget");
    expect(target.inputs.arn).toBe(lambda("Digester").state.arn);
    const invoke = resources(declared, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").find(
      (r) => r.inputs.functionName === lambda("Digester").state.name,
    )!;
    expect(invoke.inputs).toMatchObject({ maximumRetryAttempts: 0 });
  });

  it("sweep every minute with EventBridge's scheduled event, and park a failed sweep", () => {
    expect(resources(declared, "aws:cloudwatch/eventRule:EventRule").map((r) => r.inputs.scheduleExpression)).toContain(
      "rate(1 minute)",
    );
    const target = resource(declared, "aws:cloudwatch/eventTarget:EventTarget", "SweepTarget");
    expect(target.inputs.arn).toBe(lambda("Sweeper").state.arn);
    expect(target.inputs.input).toBeUndefined();
    const invoke = resources(declared, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").find(
      (r) => r.inputs.functionName === lambda("Sweeper").state.name,
    )!;
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
    const destination = resource(
      declared,
      "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination",
      "MailboxEventFeedback",
    );
    expect(destination.inputs.eventDestination.matchingEventTypes).toEqual(["BOUNCE", "COMPLAINT"]);
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

  it("hands bounces, complaints, rejects and delays to the mail events handler through SNS", () => {
    const set = resource(declared, "aws:sesv2/configurationSet:ConfigurationSet", "MailboxConfig");
    const topic = resource(declared, "aws:sns/topic:Topic", "MailEventsTopic");
    const destination = resource(
      declared,
      "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination",
      "MailboxEventDesk",
    );
    expect(destination.inputs).toMatchObject({
      configurationSetName: set.state.configurationSetName,
      eventDestination: { snsDestination: { topicArn: topic.state.arn }, enabled: true },
    });
    expect(destination.inputs.eventDestination.matchingEventTypes).toEqual([
      "BOUNCE",
      "COMPLAINT",
      "REJECT",
      "DELIVERY_DELAY",
      "RENDERING_FAILURE",
    ]);
    const policy = JSON.parse(resource(declared, "aws:sns/topicPolicy:TopicPolicy", "MailEvents").inputs.policy);
    expect(policy.Statement[0]).toMatchObject({
      Principal: { Service: "ses.amazonaws.com" },
      Action: "sns:Publish",
      Condition: { ArnLike: { "aws:SourceArn": set.state.arn } },
    });
    const subscription = resources(declared, "aws:sns/topicSubscription:TopicSubscription").find(
      (s) => s.inputs.topic === topic.state.arn,
    )!;
    expect(subscription.inputs).toMatchObject({ protocol: "lambda", endpoint: lambda("MailEventHandler").state.arn });
    const invoke = resources(declared, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").find(
      (r) => r.inputs.functionName === lambda("MailEventHandler").state.name,
    )!;
    expect(invoke.inputs.destinationConfig.onFailure.destination).toBe(
      resources(declared, "aws:sqs/queue:Queue")[0]!.state.arn,
    );
  });
});

describe("alarms", () => {
  const alarm = (name: string) => resource(declared, "aws:cloudwatch/metricAlarm:MetricAlarm", name).inputs;
  const topic = () => resource(declared, "aws:sns/topic:Topic", "AlarmsTopic");

  it("watch what stops the desk, each sending to the alarm topic and saying where to read what to do", () => {
    const expected: Record<string, [string, string, Record<string, string>]> = {
      FailuresQueued: [
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        { QueueName: resources(declared, "aws:sqs/queue:Queue")[0]!.state.name },
      ],
      DispatcherErrors: ["AWS/Lambda", "Errors", { FunctionName: lambda("Dispatcher").state.name }],
      SweepErrors: ["AWS/Lambda", "Errors", { FunctionName: lambda("Sweeper").state.name }],
      MailEventErrors: ["AWS/Lambda", "Errors", { FunctionName: lambda("MailEventHandler").state.name }],
      StreamBehind: ["AWS/Lambda", "IteratorAge", { FunctionName: lambda("Dispatcher").state.name }],
      SiteErrors: [
        "AWS/ApiGateway",
        "5xx",
        { ApiId: resources(declared, "aws:apigatewayv2/api:Api")[0]!.id, Stage: "$default" },
      ],
      BounceRate: ["AWS/SES", "Reputation.BounceRate", {}],
      ComplaintRate: ["AWS/SES", "Reputation.ComplaintRate", {}],
      MailFailing: ["TakedownDesk", "MailFailed", { Stage: "production" }],
    };
    const declaredNames = resources(declared, "aws:cloudwatch/metricAlarm:MetricAlarm")
      .map((a) => a.name)
      .sort();
    expect(declaredNames).toEqual(Object.keys(expected).sort());
    for (const [name, [namespace, metricName, dimensions]] of Object.entries(expected)) {
      expect(alarm(name)).toMatchObject({
        namespace,
        metricName,
        alarmActions: [topic().state.arn],
        okActions: [topic().state.arn],
      });
      expect(alarm(name).dimensions ?? {}).toEqual(dimensions);
      expect(alarm(name).alarmDescription).toContain(`When an alarm goes off": ${name}`);
    }
    expect(alarm("BounceRate").threshold).toBe(0.05);
    expect(alarm("ComplaintRate").threshold).toBe(0.001);
  });

  it("are documented, each with what it means and what to do", () => {
    const deploy = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../../docs/deploy.md"), "utf8");
    const section = deploy.slice(deploy.indexOf("## When an alarm goes off"));
    const alarms = resources(declared, "aws:cloudwatch/metricAlarm:MetricAlarm");
    expect(alarms).toHaveLength(9);
    for (const { name } of alarms) expect(section).toContain(`**${name}**`);
  });

  it("mail the operators, or AlarmEmail when it is set", async () => {
    const to = (d: Declared) =>
      resources(d, "aws:sns/topicSubscription:TopicSubscription")
        .filter((s) => s.inputs.protocol === "email")
        .map((s) => [s.inputs.topic, s.inputs.endpoint]);
    expect(to(declared).sort()).toEqual(
      SECRETS.OperatorEmails.split(",").map((address) => [topic().state.arn, address]),
    );
    const run = await runStacks("production", { ...SECRETS, AlarmEmail: "oncall@example.org" } as typeof SECRETS);
    expect(to(run.declared!).map(([, address]) => address)).toEqual(["oncall@example.org"]);
  }, 120_000);
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
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--input-type=module", "-e", run, built.file, JSON.stringify(event)],
      {
        cwd: dirname(built.file),
        env: {
          PATH: process.env.PATH,
          AWS_REGION: "us-east-1",
          ...env,
          DYNAMODB_ENDPOINT: inject("dynamoEndpoint"),
          SES_ENDPOINT: inject("sesEndpoint"),
        },
      },
    );
    return JSON.parse(stdout.trim().split("\n").pop()!);
  }

  it("take the table, the ingest token, the operators and the sender from the links", async () => {
    const linkedTable = build("SiteFunction").links.Database!.name as string;
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
    expect(statusUrl.startsWith(`${declared.outputs.site}/takedowns/${id}`)).toBe(true);

    const batch = await streamBatch(inject("dynamoEndpoint"), linkedTable, [Table.key.notice(id)]);
    expect(await invoke("Dispatcher", batch)).toEqual({ batchItemFailures: [] });
    const receipt = await waitForMail(input.requester.email, /received your takedown notice/);
    expect(receipt.from).toContain(`takedowns@${SECRETS.MailSender}`);

    // Its link is signed with the stage's LinkSecret, and the site accepts it.
    const confirm = new URL(linkIn(receipt, "confirm"));
    const token = confirm.searchParams.get("token")!;
    const [payload, signature] = token.split(".");
    expect(createHmac("sha256", SECRETS.LinkSecret).update(payload!).digest("base64url")).toBe(signature);
    // Forms are accepted from PUBLIC_URL's origin only (the Host header proves nothing).
    const origin = new URL(String(declared.outputs.site)).origin;
    const confirmed = await invoke(
      "SiteFunction",
      http("POST", confirm.pathname, { headers: { origin }, form: { token } }),
    );
    expect(confirmed.statusCode).toBe(200);
    await invoke("Dispatcher", await streamBatch(inject("dynamoEndpoint"), linkedTable, [Table.key.notice(id)]));
    await waitForMail("desk-two@example.org", new RegExp(id));
  }, 60_000);
});
