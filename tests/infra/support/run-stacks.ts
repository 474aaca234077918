/**
 * Runs sst.config.ts and stacks/ as `sst deploy` would, under Pulumi's mocks
 * instead of AWS, and writes what they declared to the JSON file named on the
 * command line. Its own process, because the program sets globals ($app, sst,
 * aws), changes directory and holds Pulumi's runtime state.
 *
 * SST's CLI (Go) does three things around the program; they are played here:
 * it bundles sst.config.ts with esbuild, defining $app/$cli and prepending
 * the `sst` and `aws` imports to every file of the app; it passes secrets as
 * SST_SECRET_* variables; and it answers the components' RPCs, of which a
 * deploy without AWS needs two: the bootstrap bucket's name and the build of
 * each function's handler (done here with packages/functions/bundle.ts).
 *
 * Usage: tsx tests/infra/support/run-stacks.ts <stage> <out.json>
 */
import { build } from "esbuild";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { bundle, entryOf, root } from "../../../packages/functions/bundle";
import { ensurePlatform } from "../../../packages/functions/sst-platform";

export type Declared = {
  resources: { type: string; name: string; id: string; inputs: Record<string, any>; state: Record<string, any> }[];
  builds: {
    functionID: string;
    handler: string;
    links: Record<string, Record<string, unknown>>;
    properties: Record<string, unknown>;
    file: string;
    exports: string[];
  }[];
  outputs: Record<string, unknown>;
};

const [stage = "production", outFile] = process.argv.slice(2);
const platform = join(root, ".sst/platform");
const work = mkdtempSync(join(tmpdir(), "takedown-sst-"));
const declared: Declared = { resources: [], builds: [], outputs: {} };
const ACCOUNT = "123456789012";
const REGION = "us-east-1";

ensurePlatform();

async function answer(method: string, input: any): Promise<unknown> {
  if (method === "Provider.Aws.Bootstrap")
    return { asset: "sst-asset-test", assetEcrRegistryId: ACCOUNT, assetEcrUrl: "" };
  if (method === "Runtime.Build") {
    // Built from the properties the stack gave SST, as SST's CLI would.
    const built = await bundle(input.handler, join(work, "artifacts", `${input.functionID}-src`), input.properties);
    const output = entryOf(built);
    declared.builds.push({
      functionID: input.functionID,
      handler: input.handler,
      links: input.links,
      properties: input.properties,
      file: built.file,
      exports: output.exports,
    });
    return {
      handler: built.handler,
      out: join(work, "artifacts", `${input.functionID}-src`),
      errors: [],
      sourcemaps: [],
    };
  }
  throw new Error(`no stand-in for the SST RPC ${method}`);
}

const rpc = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", async () => {
    const { method, params } = JSON.parse(body);
    try {
      res.end(JSON.stringify({ result: await answer(method, params[0]) }));
    } catch (error) {
      res.end(JSON.stringify({ error: String(error) }));
    }
  });
});
await new Promise<void>((resolve) => rpc.listen(0, "127.0.0.1", resolve));
process.env.SST_SERVER = `http://127.0.0.1:${(rpc.address() as AddressInfo).port}`;

/** Plausible outputs for what AWS would compute, enough for the components to wire each other. */
function computed(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
  const service = type.split(":")[1]!.split("/")[0]!;
  const physical = inputs.name ?? `${name}-${stage}`;
  const arn = `arn:aws:${service}:${REGION}:${ACCOUNT}:${physical}`;
  switch (type) {
    case "aws:dynamodb/table:Table":
      return { arn, name: physical, streamArn: `${arn}/stream/2026-01-01T00:00:00.000` };
    case "aws:apigatewayv2/api:Api":
      return {
        arn,
        apiEndpoint: `https://${name.toLowerCase()}.execute-api.${REGION}.amazonaws.com`,
        executionArn: arn,
      };
    case "aws:lambda/function:Function":
      return { arn, name: physical, invokeArn: `${arn}/invocations`, qualifiedArn: arn };
    case "aws:sesv2/configurationSet:ConfigurationSet":
      return { arn, configurationSetName: `${name}-${stage}` };
    case "aws:sesv2/emailIdentity:EmailIdentity":
      return { arn, dkimSigningAttributes: { tokens: ["token1", "token2", "token3"] } };
    case "aws:cloudfront/distribution:Distribution":
      return {
        arn: `arn:aws:cloudfront::${ACCOUNT}:distribution/E${name.toUpperCase()}`,
        domainName: `d${name.toLowerCase()}.cloudfront.net`,
        etag: "E1",
      };
    case "aws:sns/topic:Topic":
      return { arn: `arn:aws:sns:${REGION}:${ACCOUNT}:${physical}`, name: physical };
    case "aws:sqs/queue:Queue":
      return { arn, url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${physical}` };
    case "random:index/randomBytes:RandomBytes":
      return { base64: Buffer.alloc(32, 7).toString("base64"), hex: "07".repeat(32) };
    default:
      return { arn, name: physical };
  }
}

/** The little of @pulumi/pulumi used here; it is SST's copy, under .sst/platform, that the program loads. */
type Pulumi = {
  runtime: {
    setMocks(mocks: Mocks, project: string, stack: string, preview: boolean): Promise<void>;
    runInPulumiStack(program: () => Promise<unknown>): Promise<unknown>;
    disconnect(): Promise<void>;
  };
  output(value: unknown): { promise(): Promise<Record<string, unknown>> };
};
type Mocks = {
  newResource(args: { type: string; name: string; inputs: Record<string, any> }): {
    id: string;
    state: Record<string, any>;
  };
  call(args: { token: string; inputs: Record<string, any> }): Record<string, unknown>;
};

const pulumi = createRequire(join(platform, "package.json"))("@pulumi/pulumi") as Pulumi;
await pulumi.runtime.setMocks(
  {
    newResource({ type, name, inputs }) {
      const state = { ...inputs, ...computed(type, name, inputs) };
      const id = type === "aws:cloudfront/distribution:Distribution" ? `E${name.toUpperCase()}` : `${name}-id`;
      declared.resources.push({ type, name, id, inputs, state });
      return { id, state };
    },
    call({ token, inputs }) {
      switch (token) {
        case "aws:index/getRegion:getRegion":
          return { name: REGION, region: REGION, id: REGION };
        case "aws:index/getPartition:getPartition":
          return { partition: "aws", dnsSuffix: "amazonaws.com" };
        case "aws:index/getCallerIdentity:getCallerIdentity":
          return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/test`, userId: "test" };
        case "aws:iam/getPolicyDocument:getPolicyDocument":
          return { ...inputs, json: JSON.stringify({ Version: "2012-10-17", Statement: inputs.statements ?? [] }) };
        case "aws:cloudwatch/getEventBus:getEventBus":
          return { arn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${inputs.name}`, name: inputs.name };
        default:
          throw new Error(`no mock for the invoke ${token}`);
      }
    },
  },
  "takedown-desk",
  stage,
  false,
);

// The program is bundled exactly as SST's CLI bundles it (pkg/js and pkg/project/run.go).
const entry = join(platform, `sst.config.test-${process.pid}.mjs`);
const globals = [
  `import * as aws from "@pulumi/aws";`,
  `import * as sst from "${join(platform, "src/components")}";`,
].join("\n");
await build({
  stdin: {
    contents: `
      import { run } from "${join(platform, "src/auto/run.ts")}";
      import mod from "${join(root, "sst.config.ts")}";
      export const config = mod;
      export const deploy = () => run(mod.run);
    `,
    resolveDir: root,
    sourcefile: "eval.ts",
    loader: "ts",
  },
  outfile: entry,
  bundle: true,
  format: "esm",
  platform: "node",
  mainFields: ["module", "main"],
  nodePaths: [join(platform, "node_modules")],
  external: [
    "@pulumi/*",
    "undici",
    "@pulumiverse/*",
    "@sst-provider/*",
    "@aws-sdk/*",
    "esbuild",
    "archiver",
    "glob",
    "vite",
  ],
  define: { $app: "globalThis.$app", $cli: "globalThis.$cli", $dev: "false" },
  inject: [join(platform, "src/shim/run.js")],
  banner: {
    js: `import { createRequire as topLevelCreateRequire } from "module";\nconst require = topLevelCreateRequire(import.meta.url);`,
  },
  plugins: [
    {
      name: "inject-globals",
      setup(b) {
        b.onLoad({ filter: /\.(js|ts|jsx|tsx)$/ }, (args) =>
          args.path.includes(".sst")
            ? undefined
            : { contents: `${globals}\n${readFileSync(args.path, "utf8")}`, loader: "default" },
        );
      },
    },
  ],
  logLevel: "error",
});

// As in a real deploy, an error inside any Output (a missing secret, say) fails the whole run.
const fail = (error: unknown) => {
  console.error(error);
  process.exit(1);
};
process.on("unhandledRejection", fail);

const program = await import(pathToFileURL(entry).href);
rmSync(entry);
const app = await program.config.app({ stage });
Object.assign(globalThis, {
  $app: { removal: "retain", protect: false, ...app, stage },
  $cli: { command: "deploy", dev: false, paths: { home: work, root, work, platform }, state: { version: {} } },
});
try {
  declared.outputs = await new Promise((resolve, reject) =>
    pulumi.runtime
      .runInPulumiStack(async () => {
        const outputs = await program.deploy();
        resolve(await pulumi.output(outputs).promise());
        return outputs;
      })
      .catch(reject),
  );
  await pulumi.runtime.disconnect();
} catch (error) {
  fail(error);
} finally {
  rpc.close();
}
writeFileSync(outFile!, JSON.stringify(declared, null, 2));
