import { app } from "@takedown/web";
export const handler = app;
