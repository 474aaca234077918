import { randomBytes } from "node:crypto";
import { Config, configure } from "@takedown/core";
import { beforeAll, inject } from "vitest";
import { ensureTable } from "../../packages/local/src/engines";
import { SUITE_SETTINGS } from "./suite-settings";

// The environment of every test file's process (child processes a test starts inherit it).
const tableName = `test-${randomBytes(4).toString("hex")}`;
process.env.TABLE_NAME = tableName;
process.env.DYNAMODB_ENDPOINT = inject("dynamoEndpoint");
process.env.SES_ENDPOINT ??= inject("sesEndpoint");
// CloudFront's stand-in records per distribution: each file reads only its own.
process.env.CDN_ENDPOINT = inject("cdnEndpoint");
process.env.CDN_DISTRIBUTION_ID = `E${randomBytes(6).toString("hex").toUpperCase()}`;
Object.assign(process.env, SUITE_SETTINGS);
// Enough work to exercise the proof of work, little enough to solve at once.
process.env.POW_BITS ??= "10";
// SES's pace would only slow the suite; tests/fault/mail-failures.test.ts measures it.
process.env.SES_MAX_SEND_RATE ??= "1000";
// Receivers run on 127.0.0.1; a file that tests the production rule turns it off.
process.env.ALLOW_PRIVATE_WEBHOOKS = "true";

// What an entry point does at process start; a file that needs other settings calls withSettings (settings.ts).
configure(Config.fromEnv(process.env));

beforeAll(() => ensureTable(inject("dynamoEndpoint"), tableName));
