/**
 * The desk driven as its users drive it, through the Hono app: a pipeline
 * ingesting, people and systems filing, senders confirming, operators
 * deciding, readers reading, and the dispatcher (called as the table's stream
 * would call it).
 */
import { ApiKey, Article, config, Dispatch, Links, Pow, Table } from "@takedown/core";
import { app } from "@takedown/web";
import { streamBatch } from "../tests/infra/support/events";
import { inbox } from "../tests/support/mailbox";
import { INGEST_TOKEN, OPERATORS, PUBLIC_URL } from "./engines";

let callers = 0;
/**
 * Another person at another address each time, as the per-address and
 * per-email limits expect; addresses from 198.18.0.0/15, the range set
 * aside for benchmarks.
 */
export function stranger() {
  const n = ++callers;
  return {
    ip: `198.${18 + ((n >> 16) & 1)}.${(n >> 8) & 255}.${n & 255}`,
    email: `writer-${n}@rights.example`,
  };
}

const fromIp = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });
const json = { "content-type": "application/json" };
const form = { "content-type": "application/x-www-form-urlencoded", origin: PUBLIC_URL };
const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;
const pathOf = (link: string) => {
  const url = new URL(link);
  return url.pathname + url.search;
};

async function ok(response: Response | Promise<Response>, ...expected: number[]): Promise<Response> {
  const answer = await response;
  if (!(expected.length ? expected : [200]).includes(answer.status)) {
    throw new Error(`${answer.status} from the app: ${(await answer.text()).slice(0, 300)}`);
  }
  return answer;
}

export type Story = { source: string; author: string; i: number; body?: string };

export const originalUrl = ({ source, i }: Story) => `https://${source}/news/story-${i}`;

export function articleInput(story: Story) {
  return {
    title: `Story ${story.i} from ${story.source}`,
    author: story.author,
    sourceName: `Source ${story.source}`,
    sourceDomain: story.source,
    originalUrl: originalUrl(story),
    publishedAt: new Date(Date.UTC(2026, 10, 1) + story.i * 60_000).toISOString(),
    body: story.body ?? `Body of story ${story.i}.`,
  };
}

export async function ingest(story: Story): Promise<{ id: string; hidden: boolean }> {
  const answer = await ok(
    app.request("/api/v1/articles", {
      method: "POST",
      headers: { ...json, authorization: `Bearer ${INGEST_TOKEN}` },
      body: JSON.stringify(articleInput(story)),
    }),
  );
  return (await answer.json()) as { id: string; hidden: boolean };
}

export type Filing = { urls: string[]; scope?: "urls" | "author" | "source"; future?: boolean };

export function noticeBody({ urls, scope = "urls", future = false }: Filing, email: string) {
  return {
    requester: { name: "Bench Writer", email, role: "author" },
    urls,
    scope,
    future,
    work: "My article about the harbour.",
    explanation: "I never licensed this republication.",
    goodFaith: true,
    accurate: true,
    signature: "Bench Writer",
  };
}

/** A solved challenge; solving it is the filer's time, so it is done before the clock starts. */
export function proof(): string {
  const { challenge, bits } = Pow.issue();
  return Pow.solve(challenge, bits);
}

export type Filed = { id: string; email: string; ip: string };

/** A request ready to send: the work before it (a solved challenge) is already done. */
export type Prepared<T> = () => Promise<T>;

export function fileJson(filing: Filing): Prepared<Filed> {
  const { ip, email } = stranger();
  const headers = { ...json, "proof-of-work": proof() };
  const body = JSON.stringify(noticeBody(filing, email));
  return async () => {
    const answer = await ok(app.request("/api/v1/takedowns", { method: "POST", headers, body }, fromIp(ip)), 202);
    return { id: ((await answer.json()) as { id: string }).id, email, ip };
  };
}

export function fileForm(filing: Filing): Prepared<Filed> {
  const { ip, email } = stranger();
  const input = noticeBody(filing, email);
  const body = new URLSearchParams({
    name: input.requester.name,
    email,
    role: input.requester.role,
    urls: input.urls.join("\n"),
    scope: input.scope,
    ...(input.future ? { future: "on" } : {}),
    work: input.work,
    explanation: input.explanation,
    goodFaith: "on",
    accurate: "on",
    signature: input.signature,
    proof: proof(),
  }).toString();
  return async () => {
    const answer = await ok(app.request("/takedown", { method: "POST", headers: form, body }, fromIp(ip)), 303);
    const id = new URL(answer.headers.get("location")!, PUBLIC_URL).pathname.split("/").pop()!;
    return { id, email, ip };
  };
}

export type Key = { id: string; secret: string };

export async function newKey(): Promise<Key> {
  const { key, secret } = await ApiKey.create({
    name: `Bench ${++callers}`,
    scopes: ["notices:write"],
    owner: "desk@publisher.example",
  });
  return { id: key.id, secret };
}

export function fileKeyed(filing: Filing, key: Key): Prepared<Filed> {
  const { ip, email } = stranger();
  const headers = { ...json, authorization: `Bearer ${key.secret}` };
  const body = JSON.stringify(noticeBody(filing, email));
  return async () => {
    const answer = await ok(app.request("/api/v1/takedowns", { method: "POST", headers, body }, fromIp(ip)), 202);
    return { id: ((await answer.json()) as { id: string }).id, email, ip };
  };
}

/**
 * A notice filed now through the form's JSON, as the table's stream hands it
 * to the dispatcher (its receipt is due), and whether that receipt has
 * reached the sender since.
 */
export async function dueReceipt(filing: Filing) {
  const filed = await fileJson(filing)();
  const { dynamoEndpoint, tableName, sesEndpoint } = config();
  return {
    batch: await streamBatch(dynamoEndpoint!, tableName, [Table.key.notice(filed.id)]),
    mailed: async () => (await inbox(filed.email, sesEndpoint)).length === 1,
  };
}

/** The sender presses the button the receipt's link opens. */
export function confirm({ id, email, ip }: Filed): Prepared<Response> {
  const body = `token=${tokenOf(Links.act(id, "confirm", email))}`;
  return () => ok(app.request(`/takedowns/${id}/confirm`, { method: "POST", headers: form, body }, fromIp(ip)));
}

export function decide(id: string, action: "approve" | "reject"): Prepared<Response> {
  const fields = new URLSearchParams({ token: tokenOf(Links.act(id, action, OPERATORS[0]!)) });
  if (action === "reject") fields.set("reason", "Not the author.");
  return () =>
    ok(app.request(`/takedowns/${id}/${action}`, { method: "POST", headers: form, body: fields.toString() }));
}

export const view =
  (id: string, status = 200): Prepared<Response> =>
  () =>
    ok(app.request(`/articles/${id}`), status);

export const statusPage =
  (id: string): Prepared<Response> =>
  () =>
    ok(app.request(pathOf(Links.status(id))));

export const challenge: Prepared<Response> = () => ok(app.request("/api/v1/challenge", {}, fromIp(stranger().ip)));

/** The dispatcher's run for one notice, as the table's stream starts it after each write. */
export const dispatch =
  (id: string, now?: Date): Prepared<void> =>
  () =>
    Dispatch.deliver(id, now);

export const articleId = (url: string) => Article.idForUrl(url, PUBLIC_URL)!;
