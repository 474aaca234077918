import * as Paths from "../packages/core/src/paths";
import { handlers } from "../packages/functions/handlers";
import { lambda, readWriteItems, settings } from "./runtime";
import { publicUrl } from "./secrets";
import { DOMAINS, front } from "./stage";

/**
 * The site: one Lambda function behind an HTTP API, and CloudFront in front
 * of both. docs/architecture-aws.md says why an HTTP API and not a function
 * URL, and what the CDN caches.
 */
const fronted = front(DOMAINS[$app.stage]);

/**
 * Requests per second (burst) per route, each route a budget of its own, so
 * that a flood of one kind starves no other. The ingest pipeline's route is
 * apart from the public's; filing, which costs mail, is the tightest.
 */
export const THROTTLES = {
  $default: { rate: 50, burst: 100 },
  "POST /api/v1/articles": { rate: 20, burst: 40 },
  "POST /api/v1/takedowns": { rate: 5, burst: 10 },
  "POST /takedown": { rate: 5, burst: 10 },
} as const;

type RouteKey = keyof typeof THROTTLES;
const routeKeys = Object.keys(THROTTLES) as RouteKey[];

// API Gateway refuses route settings for routes it does not have yet: the
// stage waits for the routes, which are declared after the API below.
let routesDeclared!: (routes: $util.Resource[]) => void;
const declaredRoutes = new Promise<$util.Resource[]>((resolve) => (routesDeclared = resolve));

export const api = new sst.aws.ApiGatewayV2("Site", {
  // The app answers for its own origins (forms check Origin); no CORS.
  cors: false,
  domain: fronted.apiDomain,
  transform: {
    // Only CloudFront should reach the API; with a domain of its own for that, the default endpoint goes.
    api: { disableExecuteApiEndpoint: fronted.disableExecuteApiEndpoint },
    stage: (args, opts) => {
      const routeSettings = routeKeys
        .filter((key) => key !== "$default")
        .map((routeKey) => ({
          routeKey,
          throttlingRateLimit: THROTTLES[routeKey].rate,
          throttlingBurstLimit: THROTTLES[routeKey].burst,
        }));
      args.defaultRouteSettings = {
        throttlingRateLimit: THROTTLES.$default.rate,
        throttlingBurstLimit: THROTTLES.$default.burst,
      };
      args.routeSettings = routeSettings;
      opts.dependsOn = declaredRoutes;
    },
  },
});

/** The API's host, CloudFront's origin. */
const originHost = fronted.apiDomain ?? api.url.apply((url) => new URL(url).host);

// CloudFront's managed policies: no caching at all, and every viewer header but Host to the origin.
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

/**
 * Public pages that are the same for everyone. An hour at the edge unless the
 * app says otherwise (its Cache-Control wins); hiding or restoring an article
 * invalidates its paths at once (packages/core/src/cdn.ts).
 */
export const CACHED_PATHS = [
  Paths.routes.home,
  Paths.pages.allArticles,
  Paths.pages.source(""),
  Paths.routes.feed,
  Paths.routes.sitemap,
  "/assets/*",
];

const pages = new aws.cloudfront.CachePolicy("PublicPages", {
  comment: `${$app.name} ${$app.stage}: public pages`,
  minTtl: 0,
  defaultTtl: 3600,
  maxTtl: 86400,
  parametersInCacheKeyAndForwardedToOrigin: {
    cookiesConfig: { cookieBehavior: "none" },
    headersConfig: { headerBehavior: "none" },
    // Listings page with the query; a page is cached per query.
    queryStringsConfig: { queryStringBehavior: "all" },
    enableAcceptEncodingBrotli: true,
    enableAcceptEncodingGzip: true,
  },
});

const behaviour = {
  targetOriginId: "site",
  viewerProtocolPolicy: "redirect-to-https",
  allowedMethods: ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"],
  cachedMethods: ["GET", "HEAD"],
  compress: true,
  originRequestPolicyId: ALL_VIEWER_EXCEPT_HOST,
};

export const cdn = new sst.aws.Cdn("SiteCdn", {
  comment: `${$app.name} ${$app.stage}`,
  domain: fronted.siteDomain,
  origins: [
    {
      originId: "site",
      domainName: originHost,
      customOriginConfig: {
        httpPort: 80,
        httpsPort: 443,
        originProtocolPolicy: "https-only",
        originSslProtocols: ["TLSv1.2"],
        // API Gateway gives up after 30 s.
        originReadTimeout: 30,
      },
    },
  ],
  defaultCacheBehavior: { ...behaviour, cachePolicyId: CACHING_DISABLED },
  orderedCacheBehaviors: CACHED_PATHS.map((pathPattern) => ({ ...behaviour, pathPattern, cachePolicyId: pages.id })),
});

export const distribution = cdn.nodes.distribution;

/** The address in every link we mail: PublicUrl if set, else the CDN's. */
export const siteUrl = $resolve([publicUrl.value, cdn.domainUrl, cdn.url]).apply(
  ([custom, domain, own]): string => custom || domain || own!,
);

export const site = new sst.aws.Function("SiteFunction", {
  ...lambda(handlers.api, siteUrl, { link: settings.site, permissions: [readWriteItems] }),
  environment: {
    PUBLIC_URL: siteUrl,
    // CloudFront appends the viewer's address to X-Forwarded-For, then API Gateway CloudFront's (web's client-ip).
    TRUST_PROXY_HOPS: "2",
  },
  // API Gateway gives up after 30 s; a page that takes this long has failed.
  timeout: "10 seconds",
});
routesDeclared(routeKeys.map((key) => api.route(key, site.arn)));
