/**
 * Who calls the API and what they may do: API keys (Authorization: Bearer),
 * the scope a route needs, and the rate limit every call counts against.
 */
import * as Abuse from "@takedown/core/abuse";
import * as ApiKey from "@takedown/core/api-key";
import * as Log from "@takedown/core/logger";
import type * as Notice from "@takedown/core/notice";
import * as RateLimit from "@takedown/core/ratelimit";
import { config } from "@takedown/core/config";
import { DomainError } from "@takedown/core/errors";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import { clientIp } from "./client-ip";
import { documented, type Refusal } from "./described";
import { limitBody, limitBodyTo, MAX_BODY_BYTES } from "./middleware";

/**
 * `counted`: where a stored key stands on its rate limit, counted as its key
 * was checked. `badKeys`: the call's bad-key check, for a route marked
 * `foldsBadKeyCheck` to read in its own batch (`gate`).
 */
export type ApiEnv = {
  Variables: { principal?: ApiKey.Principal; counted?: RateLimit.Result; badKeys?: BadKeyCheck };
};

/**
 * Whether the caller's address is blocked for sending too many bad keys: read
 * beside the key's own write, or on a route marked `foldsBadKeyCheck`, in the
 * route's first batch read (`gate`); read on its own when the route answers
 * before it reads anything.
 */
function badKeyCheck(ip: string) {
  const limit = Abuse.LIMITS.badKeysPerIp;
  const along = RateLimit.exhaustedAlong(ip, limit);
  let known: Promise<RateLimit.Result | undefined> | undefined;
  const gate: Notice.Gate = {
    keys: along.keys,
    entities: along.entities,
    check: (found) => {
      const blocked = along.verdict(found);
      known = Promise.resolve(blocked);
      if (blocked) throw RateLimit.exceeded(blocked);
    },
  };
  return {
    gate,
    /** The verdict, read now unless it was read already. */
    blocked: () => (known ??= RateLimit.exhausted(ip, limit)),
    countFailure: () => RateLimit.consume(ip, limit),
  };
}
type BadKeyCheck = ReturnType<typeof badKeyCheck>;

/**
 * Marks a route that reads the bad-key check of a keyed call in its first
 * batch read (`c.get("badKeys").gate`), before it writes anything: the call
 * saves the check's own round trip.
 */
export const foldsBadKeyCheck = createMiddleware<ApiEnv>((_c, next) => next());

/** The limit every call counts against: its key's, or its address's when it sends none. */
function policy(keyed: boolean): RateLimit.Policy {
  const { windowSeconds, perKey, perIp } = config().rateLimit;
  return { name: keyed ? "key" : "ip", limit: keyed ? perKey : perIp, windowSeconds };
}

/** Room for 1,000 URLs; what a notice may take to store is bounded by the domain. */
const MAX_KEYED_BODY_BYTES = 512 * 1024;

/** Each of these reads DynamoDB, which may be busy (errors.tsx answers 503). */
const unavailable: Refusal = {
  status: 503,
  code: "unavailable",
  when: "the database is busy or away; nothing is half-done, so send the same request again",
  headers: ["Retry-After"],
};

/** The caller as limits and idempotency records know it: its key, or its address. */
export function caller(c: Context<ApiEnv>): string {
  const principal = c.get("principal");
  return principal ? `key:${principal.id}` : `ip:${Abuse.network(clientIp(c))}`;
}

/**
 * Resolves a bearer key to its principal. No header means an anonymous call;
 * a key that is sent must be valid, even where anonymous calls are allowed,
 * so a revoked key is told so instead of quietly losing its rights.
 */
export const identify = createMiddleware<ApiEnv>(async (c, next) => {
  const header = c.req.header("authorization");
  if (header === undefined) return next();
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (!token) throw new DomainError("unauthorized", "Send the API key as Authorization: Bearer <key>.");
  // An address that sent too many bad keys is refused whatever key it sends,
  // so a good guess among them is not told apart from a bad one. The check
  // runs beside the key's own write (a good key refused here was counted),
  // or on a route that reads it in its own batch, after the route.
  const badKeys = badKeyCheck(Abuse.network(clientIp(c)));
  const folded = matchedRoutes(c).some((route) => route.handler === foldsBadKeyCheck);
  const [checked] = await Promise.all([
    ApiKey.admit(token, policy(true)).then(
      (admitted) => ({ admitted }),
      (error: unknown) => ({ error }),
    ),
    folded || badKeys.blocked(),
  ]);
  const blocked = folded && !("error" in checked) ? undefined : await badKeys.blocked();
  if (blocked) throw RateLimit.exceeded(blocked);
  if ("error" in checked) {
    if (checked.error instanceof DomainError) await badKeys.countFailure();
    throw checked.error;
  }
  const { principal, counted } = checked.admitted;
  c.set("principal", principal);
  if (counted) c.set("counted", counted);
  c.set("badKeys", badKeys);
  // Alongside the request (or, where the check waits for the route, after
  // it), not after the answer: Lambda may freeze as soon as the response is
  // out. A failure costs only the date, never the request.
  const record = () =>
    ApiKey.recordUse(checked.admitted).catch((error: unknown) => {
      Log.warn("apikey.last_used_not_recorded", { keyId: principal.id, name: (error as Error).name });
    });
  // What an answer carries before the route adds to it: a blocked address's
  // refusal is built from this alone, as it is for any key it sends.
  const before = folded ? new Headers(c.res.headers) : undefined;
  await Promise.all([folded || record(), next()]);
  if (!before) return;
  const late = await badKeys.blocked();
  if (late) {
    for (const name of [...c.res.headers.keys()]) c.res.headers.delete(name);
    for (const [name, value] of before) c.res.headers.set(name, value);
    throw RateLimit.exceeded(late);
  }
  await record();
});

documented(identify, {
  refusals: [
    { status: 401, code: "unauthorized", when: "an API key was sent but is malformed, unknown or revoked" },
    {
      status: 429,
      code: "rate_limited",
      when: "this address sent too many bad API keys lately; its keys are not looked at until it waits",
      headers: ["Retry-After"],
    },
    unavailable,
  ],
});

/**
 * 401 without a key (unless anonymous callers are welcome), 403 with a key
 * that holds none of `scopes`. The handler tells what each scope may do.
 */
export const allow = (scopes: ApiKey.Scope | ApiKey.Scope[], options: { anonymous?: true } = {}) => {
  const needed = [scopes].flat();
  const named = needed.map((scope) => `the ${scope} scope`).join(" or ");
  return documented(
    createMiddleware<ApiEnv>(async (c, next) => {
      const principal = c.get("principal");
      if (!principal && !options.anonymous) {
        throw new DomainError("unauthorized", `This needs an API key with ${named} (Authorization: Bearer <key>).`);
      }
      if (principal && !needed.some((scope) => principal.scopes.includes(scope))) {
        throw new DomainError("forbidden", `This API key lacks ${named}.`);
      }
      await next();
    }),
    {
      access: { key: needed, ...options },
      refusals: [
        ...(options.anonymous
          ? []
          : [{ status: 401, code: "unauthorized", when: "no API key was sent, and this needs one" }]),
        {
          status: 403,
          code: "forbidden",
          when: `the API key lacks ${needed.map((scope) => `the \`${scope}\` scope`).join(" or ")}`,
        },
      ],
    },
  );
};

/**
 * Counts the call per key (a stored key was counted by the write that
 * checked it), or per client IP for anonymous callers, and says
 * where the caller stands on every response (IETF draft RateLimit-Policy and
 * RateLimit fields); over the limit, 429 with Retry-After.
 */
export const rateLimit = createMiddleware<ApiEnv>(async (c, next) => {
  const result = c.get("counted") ?? (await RateLimit.consume(caller(c), policy(c.get("principal") !== undefined)));
  const { name, limit, windowSeconds } = result.policy;
  c.header("RateLimit-Policy", `"${name}";q=${limit};w=${windowSeconds}`);
  c.header("RateLimit", `"${name}";r=${result.remaining};t=${result.reset}`);
  if (!result.allowed) throw RateLimit.exceeded(result);
  await next();
});

documented(rateLimit, {
  headers: ["RateLimit-Policy", "RateLimit"],
  refusals: [
    {
      status: 429,
      code: "rate_limited",
      when: "the caller is over its rate limit; nothing was done",
      headers: ["Retry-After", "RateLimit-Policy", "RateLimit"],
    },
    unavailable,
  ],
});

const limitKeyedBody = limitBodyTo(MAX_KEYED_BODY_BYTES);

const kb = (bytes: number) => `${bytes / 1024} KB`;

/** Bulk filing needs larger bodies; only callers with a key may send them. */
export const limitApiBody = documented(
  createMiddleware<ApiEnv>((c, next) => (c.get("principal") ? limitKeyedBody : limitBody)(c, next)),
  ({ body }) => ({
    refusals: body
      ? [
          {
            status: 413,
            code: "payload_too_large",
            when: `the body is over ${kb(MAX_BODY_BYTES)} (${kb(MAX_KEYED_BODY_BYTES)} with an API key)`,
          },
        ]
      : [],
  }),
);
