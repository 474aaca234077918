import { handlers } from "../packages/functions/handlers";
import { lambda } from "./runtime";
import { publicUrl } from "./secrets";

/**
 * The site: one Lambda function behind an HTTP API that sends it every
 * route. docs/architecture-aws.md says why an HTTP API and not a function URL.
 */
export const api = new sst.aws.ApiGatewayV2("Site", {
  // The app answers for its own origins (forms check Origin); no CORS.
  cors: false,
  transform: {
    // A flood is refused at the door instead of being paid for in Lambda and DynamoDB.
    stage: { defaultRouteSettings: { throttlingRateLimit: 50, throttlingBurstLimit: 100 } },
  },
});

/** The address in every link we mail: PublicUrl if set, else the API's own. */
export const siteUrl = $resolve([publicUrl.value, api.url]).apply(([custom, own]) => custom || own);

export const site = new sst.aws.Function("SiteFunction", {
  ...lambda(handlers.api, siteUrl),
  // API Gateway gives up after 30 s; a page that takes this long has failed.
  timeout: "10 seconds",
});

api.route("$default", site.arn);
