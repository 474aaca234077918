/**
 * The operators' `npm run keys` command, against dynalite: the key it prints
 * works once, `list` shows what operators need, `revoke` shuts the key out.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { run } from "../../packages/local/src/keys";
import { call } from "../support/api";
import { ingestSource, noticeInput } from "../support/fixtures";

async function keys(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { log: (line) => out.push(line), error: (line) => err.push(line) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("npm run keys", () => {
  it("creates a key shown once, lists it, records its use and revokes it", async () => {
    const created = await keys(
      "create",
      "--name",
      "Rights desk",
      "--scopes",
      "notices:write",
      "--owner",
      "Desk@Publisher.example",
    );
    expect(created.code).toBe(0);
    const secret = created.out.match(/tdk_\S+/)![0];
    const id = created.out.match(/Created API key (\S+)/)![1]!;
    expect(created.out).toContain("only time the key is shown");

    const listed = await keys("list");
    expect(listed.code).toBe(0);
    const row = listed.out.split("\n").find((line) => line.startsWith(id))!;
    expect(row).toMatch(/Rights desk\s+notices:write\s+desk@publisher\.example\s+\S+Z\s+never\s+active/);
    expect(listed.out).not.toContain(secret);
    expect(listed.out).not.toContain(secret.slice(-43));

    const { articles } = await ingestSource(1);
    const filed = await call("POST", "/takedowns", { key: secret, body: noticeInput([articles[0]!.originalUrl]) });
    expect(filed.status).toBe(202);
    expect((await keys("list")).out.split("\n").find((line) => line.startsWith(id))).not.toContain("never");

    const revoked = await keys("revoke", id);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toContain(`Revoked API key ${id}`);
    expect((await call("GET", "/takedowns", { key: secret })).status).toBe(401);
    expect((await keys("list")).out.split("\n").find((line) => line.startsWith(id))).toMatch(/revoked \S+Z$/);
  });

  it("creates a review key, which reads every notice with its audit trail", async () => {
    const created = await keys(
      "create",
      "--name",
      "Newsroom bot",
      "--scopes",
      "notices:review",
      "--owner",
      "desk@syndication.example",
    );
    expect(created.out).toMatch(
      /Created API key \S+ "Newsroom bot" for desk@syndication\.example, with notices:review\./,
    );
    const secret = created.out.match(/tdk_\S+/)![0];
    const listed = await call("GET", "/takedowns", { key: secret });
    expect(listed.status).toBe(200);
  });

  it("explains what is wrong instead of creating a bad key", async () => {
    const bad = await keys("create", "--name", "X", "--scopes", "notices:delete", "--owner", "not-an-email");
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("scopes.0: Scopes are notices:write, articles:write, notices:review.");
    expect(bad.err).toContain("owner: The owner must be an email address.");
    expect((await keys("revoke", "no-such-key")).err).toBe("There is no API key no-such-key.");
    expect((await keys("rotate")).code).toBe(2);
    expect((await keys("list", "--colour")).code).toBe(2);
  });

  it("runs as a script and finds the local engine when DYNAMODB_ENDPOINT is unset", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DYNAMODB_PORT: new URL(process.env.DYNAMODB_ENDPOINT!).port };
    delete env.DYNAMODB_ENDPOINT;
    const { stdout } = await promisify(execFile)(
      "npm",
      [
        "run",
        "--silent",
        "keys",
        "--",
        "create",
        "--name",
        "Script",
        "--scopes",
        "articles:write",
        "--owner",
        "a@b.example",
      ],
      { env },
    );
    expect(stdout).toMatch(/Created API key \S+ "Script" for a@b\.example, with articles:write\./);
    expect(stdout).toMatch(/^ {2}tdk_\S+$/m);
    expect((await keys("list")).out).toContain("Script");
  });

  it("with --aws signs as the AWS CLI would (environment first, else a profile), and locally with the placeholder", async () => {
    // A stand-in for DynamoDB on AWS that records who signed: an empty table.
    const signers: string[] = [];
    const server = createServer((request, response) => {
      signers.push(/Credential=(\w+)\//.exec(request.headers.authorization ?? "")?.[1] ?? "none");
      request.resume().on("end", () => response.end("{}"));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const folder = mkdtempSync(join(tmpdir(), "aws-profile-"));
    writeFileSync(join(folder, "credentials"), "[desk]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = s\n");
    writeFileSync(join(folder, "config"), "");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DYNAMODB_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      AWS_SHARED_CREDENTIALS_FILE: join(folder, "credentials"),
      AWS_CONFIG_FILE: join(folder, "config"),
      AWS_PROFILE: "desk",
      AWS_EC2_METADATA_DISABLED: "true",
    };
    for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]) delete env[name];
    const keysList = (...flags: string[]) =>
      promisify(execFile)("npm", ["run", "--silent", "keys", "--", "list", ...flags], { env });
    try {
      await keysList("--aws");
      await keysList();
      await promisify(execFile)("npm", ["run", "--silent", "keys", "--", "list", "--aws"], {
        env: { ...env, AWS_ACCESS_KEY_ID: "AKIAENVIRONMENT", AWS_SECRET_ACCESS_KEY: "s" },
      });
    } finally {
      server.close();
    }
    expect(signers).toEqual(["AKIAPROFILE", "local", "AKIAENVIRONMENT"]);
  });
});
