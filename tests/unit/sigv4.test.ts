/**
 * The DynamoDB client signs its requests itself: a wrong signature is a 403
 * on every call on AWS, and the local engines accept any, so only these
 * vectors stand between a mistake and production. They are AWS's SigV4 test
 * suite (aws-sig-v4-test-suite, credentials AKIDEXAMPLE, 2015-08-30T12:36:00Z,
 * us-east-1, service "service"): the cases with no query string and a plain
 * path, which is all DynamoDB's JSON protocol sends.
 */
import { sign } from "@takedown/core/aws/sigv4";
import { describe, expect, it } from "vitest";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const scope = { region: "us-east-1", service: "service" };
const date = new Date("2015-08-30T12:36:00Z");
const host = { Host: "example.amazonaws.com" };

const authorization = (signedHeaders: string, signature: string) =>
  `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=${signedHeaders}, Signature=${signature}`;

describe("SigV4, against AWS's test suite", () => {
  it.each([
    {
      name: "get-vanilla",
      method: "GET",
      headers: host,
      body: "",
      signed: "host;x-amz-date",
      signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    },
    {
      name: "post-vanilla",
      method: "POST",
      headers: host,
      body: "",
      signed: "host;x-amz-date",
      signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
    },
    {
      name: "post-header-key-case",
      method: "POST",
      headers: { ...host, "MY-HEADER1": "value1" },
      body: "",
      signed: "host;my-header1;x-amz-date",
      signature: "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c",
    },
    {
      name: "post-header-value-case",
      method: "POST",
      headers: { ...host, "My-Header1": "VALUE1" },
      body: "",
      signed: "host;my-header1;x-amz-date",
      signature: "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d",
    },
    {
      name: "get-header-value-trim",
      method: "GET",
      headers: { ...host, "My-Header1": " value1", "My-Header2": ' "a   b   c"' },
      body: "",
      signed: "host;my-header1;my-header2;x-amz-date",
      signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
    },
    {
      name: "post-x-www-form-urlencoded",
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...host },
      body: "Param1=value1",
      signed: "content-type;host;x-amz-date",
      signature: "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
    },
  ])("$name", ({ method, headers, body, signed, signature }) => {
    const result = sign({ method, path: "/", headers, body }, credentials, scope, date);
    expect(result["X-Amz-Date"]).toBe("20150830T123600Z");
    expect(result.Authorization).toBe(authorization(signed, signature));
    expect(result).not.toHaveProperty("X-Amz-Security-Token");
  });

  it("post-sts-header-before: sends the session token and signs it", () => {
    const sessionToken =
      "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
    const result = sign(
      { method: "POST", path: "/", headers: host, body: "" },
      { ...credentials, sessionToken },
      scope,
      date,
    );
    expect(result["X-Amz-Security-Token"]).toBe(sessionToken);
    expect(result.Authorization).toBe(
      authorization(
        "host;x-amz-date;x-amz-security-token",
        "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead",
      ),
    );
  });

  it("derives a new key when the day, the region or the secret changes (the last key is reused)", () => {
    const request = { method: "POST", path: "/", headers: host, body: "" };
    const vanilla = sign(request, credentials, scope, date).Authorization;
    const nextDay = sign(request, credentials, scope, new Date("2015-08-31T12:36:00Z")).Authorization;
    const otherRegion = sign(request, credentials, { ...scope, region: "eu-west-1" }, date).Authorization;
    const otherSecret = sign(request, { ...credentials, secretAccessKey: "other" }, scope, date).Authorization;
    expect(new Set([vanilla, nextDay, otherRegion, otherSecret]).size).toBe(4);
    expect(sign(request, credentials, scope, date).Authorization).toBe(vanilla);
  });
});
