import { SESClient } from "@aws-sdk/client-ses";
import { config } from "../config";
import { clientOptions } from "./credentials";

// Kept apart from the DynamoDB client so that functions which never send
// mail (the API) do not bundle or initialise SES.
let client: SESClient | undefined;

export function ses(): SESClient {
  // A call that hangs must end well inside the dispatcher's lease (60 s), or
  // a second worker would take the notice over and send the same mail.
  client ??= new SESClient({
    ...clientOptions(config().sesEndpoint),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
  });
  return client;
}
