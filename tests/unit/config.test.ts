/**
 * Configuration is explicit: a process runs with the settings its entry
 * point (or a test) passes, whatever was imported or used before, its AWS
 * clients follow them, and a process that passed none refuses to run rather
 * than read its environment behind its back.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { config, Config, configure, Links } from "@takedown/core";
import { dynamo } from "@takedown/core/aws/dynamo";
import { ses } from "@takedown/core/aws/ses";
import { afterEach, describe, expect, it } from "vitest";

const suite = config();
afterEach(() => void configure(suite));

describe("the configuration", () => {
  it("is the one passed last, after the modules that read it were imported and used", () => {
    expect(Links.status("n1")).toMatch(/^http:\/\/127\.0\.0\.1:3999\//);
    configure(Config.fromEnv({ ...process.env, PUBLIC_URL: "https://takedowns.example.org/" }));
    expect(Links.status("n1")).toMatch(/^https:\/\/takedowns\.example\.org\/takedowns\/n1\?/);
  });

  it("gives AWS clients made for it: new settings, new clients; the same settings, the same clients", async () => {
    const suiteClients = { dynamo: dynamo(), ses: ses() };
    expect(dynamo()).toBe(suiteClients.dynamo);
    configure(
      Config.fromEnv({ ...process.env, DYNAMODB_ENDPOINT: "http://127.0.0.1:1", SES_ENDPOINT: "http://127.0.0.1:2" }),
    );
    expect(dynamo().endpoint.host).toBe("127.0.0.1:1");
    expect(ses().endpoint.host).toBe("127.0.0.1:2");
    configure(suite);
    expect(dynamo()).toBe(suiteClients.dynamo);
    expect(ses()).toBe(suiteClients.ses);
  });

  it("is required: a process that configured nothing is told so on first use", async () => {
    const code = `const { Links } = await import("@takedown/core"); Links.status("n1");`;
    const run = promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
      env: { PATH: process.env.PATH, PUBLIC_URL: "https://takedowns.example.org" },
    });
    await expect(run).rejects.toMatchObject({ stderr: expect.stringContaining("The configuration is not set") });
  });
});
