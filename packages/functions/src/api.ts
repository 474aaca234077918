import { app } from "@takedown/web";
import { handle } from "hono/aws-lambda";

/** The site behind API Gateway's HTTP API: the app `npm start` serves, as is. */
export const handler = handle(app);
