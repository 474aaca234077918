/**
 * One dynalite and one aws-ses-v2-local for the whole run, the same engines
 * `npm start` uses. Each test file gets its own table (see env.ts).
 */
import type { TestProject } from "vitest/node";
import { startCdn } from "../../packages/local/src/cdn";
import { startDynamo, startSes } from "../../packages/local/src/engines";

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sesEndpoint: string;
    cdnEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const [dynamo, ses, cdn] = await Promise.all([startDynamo(), startSes(), startCdn()]);
  project.provide("dynamoEndpoint", dynamo.url);
  project.provide("sesEndpoint", ses.url);
  project.provide("cdnEndpoint", cdn.url);
  return async () => {
    await Promise.all([dynamo.close(), ses.close(), cdn.close()]);
  };
}
