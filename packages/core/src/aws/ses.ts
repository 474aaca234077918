import { SESClient } from "@aws-sdk/client-ses";
import { config } from "../config";
import { clientOptions } from "./credentials";

// Kept apart from the DynamoDB client so that functions which never send
// mail (the API) do not bundle or initialise SES.
let client: SESClient | undefined;

export function ses(): SESClient {
  client ??= new SESClient({ ...clientOptions(config().sesEndpoint), maxAttempts: 2 });
  return client;
}
