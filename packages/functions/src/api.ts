import { app } from "@takedown/web";
import { handle } from "hono/aws-lambda";
import { Config, configure } from "@takedown/core/config";

// At init, before the first event: the settings and the links SST gave this function.
configure(Config.fromEnv(process.env));

/** The site behind API Gateway's HTTP API: the app `npm start` serves, as is. */
export const handler = handle(app);
