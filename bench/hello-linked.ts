/**
 * The smallest Hono app on Lambda that reads SST's links, bundled as the
 * desk's functions are: hello-world plus SST's `Resource`, whose module
 * loads node:crypto and node:fs at import to decrypt the links it ships with
 * the bundle. Any function of an SST app that reads a link starts here.
 */
import { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import { Resource } from "sst/resource";

export const handler = handle(new Hono().get("/", (c) => c.text("App" in Resource ? "linked" : "ok")));
