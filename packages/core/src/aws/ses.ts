import { SESClient } from "@aws-sdk/client-ses";
import * as Metrics from "../metrics";
import { clientOf, clientOptions } from "./client";

// Kept apart from the DynamoDB client so that functions which never send
// mail (the API) do not bundle or initialise SES (clientOf is pure to esbuild).
export const ses = /* @__PURE__ */ clientOf((config) => {
  // A call that hangs must end well inside the dispatcher's lease (60 s), or
  // a second worker would take the notice over and send the same mail.
  const client = new SESClient({
    ...clientOptions(config, config.sesEndpoint),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
  });
  // Every message is counted where it leaves, once whatever the SDK retried:
  // MailFailed feeds the alarm on mail that keeps failing (stacks/alarms.ts).
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        const result = await next(args);
        Metrics.count("MailSent");
        return result;
      } catch (error) {
        Metrics.count("MailFailed");
        throw error;
      }
    },
    { step: "initialize", name: "countMail" },
  );
  return client;
});
