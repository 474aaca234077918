/**
 * One dynalite and one aws-ses-v2-local for the whole run, the same engines
 * `npm start` uses. Each test file gets its own table (see env.ts).
 */
import type { TestProject } from "vitest/node";
import { startDynamo, startSes } from "../../packages/local/src/engines";

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sesEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const [dynamo, ses] = await Promise.all([startDynamo(), startSes()]);
  project.provide("dynamoEndpoint", dynamo.url);
  project.provide("sesEndpoint", ses.url);
  return async () => {
    await Promise.all([dynamo.close(), ses.close()]);
  };
}
