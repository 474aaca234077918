import { runtime } from "../packages/functions/handlers";
import { mailbox } from "./email";
import { linked } from "./secrets";
import { table } from "./storage";

/**
 * What every function shares. Linking is what grants access: the table
 * (dynamodb:* on it and its indexes), the mailbox (ses:SendEmail) and the
 * secrets, which packages/core/src/config.ts reads through `Resource`.
 */
export function lambda(handler: string, siteUrl: $util.Input<string>) {
  return {
    handler,
    runtime: runtime.lambda,
    architecture: "arm64",
    link: [table, mailbox, ...linked],
    environment: { PUBLIC_URL: siteUrl },
    nodejs: { esbuild: { target: runtime.esbuild } },
  } satisfies sst.aws.FunctionArgs;
}
