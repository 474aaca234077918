/**
 * /api/v1's OpenAPI document as its routes describe it (openapi.ts), the
 * same for every deployment (routes/docs.tsx adds what is the
 * deployment's). The Lambda bundles carry it computed at
 * bundling time (packages/functions/esbuild-plugins.mjs puts the result in
 * place of this module), so the API's function carries neither the
 * generator nor zod's JSON Schema converter: esbuild gives a whole file to
 * every chunk that reaches it, and the configuration, which every cold
 * start loads, reaches all of zod.
 */
import { type ApiDescription, documentOf } from "./openapi";
import { api } from "./routes/api";

export const apiDescription = (): ApiDescription => documentOf(api.routes);
