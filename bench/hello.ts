/** The baseline for cold start: the smallest Hono app on Lambda, bundled as the desk's functions are. */
import { Hono } from "hono";
import { handle } from "hono/aws-lambda";

export const handler = handle(new Hono().get("/", (c) => c.text("ok")));
