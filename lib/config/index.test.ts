import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, ENV, loadConfig } from "./index";

const AWS: Record<string, string> = {
  CERTDESK_MODE: "aws",
  CERTDESK_PUBLIC_URL: "https://certdesk.example-bank.com",
  CERTDESK_S3_BUCKET: "certdesk-files",
  AWS_REGION: "eu-west-1",
  CERTDESK_KMS_KEY_ARN: "arn:aws:kms:eu-west-1:123456789012:key/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
  DATABASE_URL: "postgres://certdesk:pw@db.internal:5432/certdesk",
  CERTDESK_AUTH_SECRET: "k3JHq8v0XwZr2Lm5Tp9Ns4Bd7Fg1Yc6Ae0Ui8Oh2",
  CERTDESK_OIDC_ISSUER: "https://login.example-bank.com",
  CERTDESK_OIDC_CLIENT_ID: "certdesk-portal",
  CERTDESK_OIDC_CLIENT_SECRET: "oidc-client-secret-value",
  CERTDESK_EMAIL_FROM: "Certdesk <no-reply@example-bank.com>",
};

function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env, "/srv/certdesk");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("local mode", () => {
  it("starts with no variables at all: embedded S3, PGlite and a local key under .certdesk", () => {
    const config = loadConfig({}, "/home/dev/certdesk");
    expect(config).toEqual({
      mode: "local",
      publicUrl: "http://localhost:3000",
      dataDir: "/home/dev/certdesk/.certdesk",
      s3: { bucket: "certdesk-local", region: "us-east-1", endpoint: "http://127.0.0.1:4568", forcePathStyle: true },
      keyring: { kind: "local-aes", keyFile: "/home/dev/certdesk/.certdesk/wrapping-key" },
      database: { kind: "pglite", dir: "/home/dev/certdesk/.certdesk/db" },
      auth: { secret: undefined, credentials: true },
      email: { from: "Certdesk <certdesk@localhost>", kind: "outbox" },
      trustedProxy: "none",
      rateLimit: { windowSeconds: 60, perToken: 600, perIp: 1200 },
      // Issue 15: no loopback or private host is reachable by the PKI fetcher unless listed.
      fetch: { allowHosts: [] },
    });
  });

  // Issue 10: the partner API limit is configurable, and a typo stops the start instead of disabling it.
  it("reads the rate limit, and names a bad value", () => {
    expect(loadConfig({ CERTDESK_RATE_LIMIT_PER_TOKEN: "5", CERTDESK_RATE_LIMIT_PER_IP: "7", CERTDESK_RATE_LIMIT_WINDOW_SECONDS: "10" }, "/w").rateLimit).toEqual({ windowSeconds: 10, perToken: 5, perIp: 7 });
    expect(() => loadConfig({ CERTDESK_RATE_LIMIT_PER_TOKEN: "lots" }, "/w")).toThrow(/CERTDESK_RATE_LIMIT_PER_TOKEN/);
    expect(() => loadConfig({ CERTDESK_RATE_LIMIT_PER_IP: "0" }, "/w")).toThrow(/CERTDESK_RATE_LIMIT_PER_IP: must be at least 1/);
  });

  // Issue 10: a client-supplied X-Forwarded-For must not pick the rate-limit bucket.
  it("trusts no proxy header locally unless told, CloudFront's on AWS, and refuses anything else", () => {
    expect(loadConfig({}, "/w").trustedProxy).toBe("none");
    expect(loadConfig({ CERTDESK_TRUSTED_PROXY: "cloudfront" }, "/w").trustedProxy).toBe("cloudfront");
    expect(() => loadConfig({ CERTDESK_TRUSTED_PROXY: "x-forwarded-for" }, "/w")).toThrow(/CERTDESK_TRUSTED_PROXY/);
  });

  it("uses a PostgreSQL server when DATABASE_URL is set, and a relative data dir from the working directory", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://postgres@127.0.0.1:55432/certdesk_test", CERTDESK_DATA_DIR: "tmp/data" }, "/w");
    expect(config.database).toEqual({ kind: "postgres", url: "postgres://postgres@127.0.0.1:55432/certdesk_test" });
    expect(config.dataDir).toBe(path.join("/w", "tmp/data"));
  });

  it("treats empty variables as unset", () => {
    const config = loadConfig({ CERTDESK_MODE: "", CERTDESK_S3_ENDPOINT: "", DATABASE_URL: " " }, "/w");
    expect(config.mode).toBe("local");
    expect(config.s3.endpoint).toBe("http://127.0.0.1:4568");
    expect(config.database.kind).toBe("pglite");
  });

  it("still names every invalid variable", () => {
    expect(problems({ CERTDESK_S3_ENDPOINT: "127.0.0.1:4568", DATABASE_URL: "mysql://x", CERTDESK_AUTH_SECRET: "short" })).toEqual([
      "CERTDESK_S3_ENDPOINT: must be an http(s) URL",
      "DATABASE_URL: must be a postgres:// URL (leave unset for the embedded database)",
      "CERTDESK_AUTH_SECRET: must be at least 32 characters",
    ]);
  });
});

describe("aws mode", () => {
  it("reads a complete configuration: KMS keyring, PostgreSQL, OIDC only, SES", () => {
    const config = loadConfig(AWS, "/var/task");
    expect(config).toMatchObject({
      mode: "aws",
      s3: { bucket: "certdesk-files", region: "eu-west-1", forcePathStyle: false },
      keyring: { kind: "kms", keyArn: AWS.CERTDESK_KMS_KEY_ARN, region: "eu-west-1" },
      database: { kind: "postgres", url: AWS.DATABASE_URL },
      auth: { credentials: false, oidc: { issuer: "https://login.example-bank.com", clientId: "certdesk-portal" } },
      email: { kind: "ses", region: "eu-west-1" },
      trustedProxy: "cloudfront",
      rateLimit: { windowSeconds: 60, perToken: 600, perIp: 1200 },
    });
    expect(config.s3.endpoint).toBeUndefined();
  });

  it("names every missing variable in one message", () => {
    let message = "";
    try {
      loadConfig({ CERTDESK_MODE: "aws" });
    } catch (error) {
      message = (error as Error).message;
    }
    const required = [
      ENV.publicUrl,
      ENV.s3Bucket,
      ENV.awsRegion,
      ENV.kmsKeyArn,
      ENV.databaseUrl,
      ENV.authSecret,
      ENV.oidcIssuer,
      ENV.oidcClientId,
      ENV.oidcClientSecret,
      ENV.emailFrom,
    ];
    for (const name of required) expect(message).toContain(`  - ${name}: is required but not set`);
    expect(message.split("\n")).toHaveLength(required.length + 1);
  });

  it("names every invalid variable in one message, without echoing secret values", () => {
    const found = problems({
      ...AWS,
      CERTDESK_PUBLIC_URL: "certdesk.example-bank.com",
      CERTDESK_KMS_KEY_ARN: "alias/certdesk",
      DATABASE_URL: "mysql://u:p@h/db",
      CERTDESK_AUTH_SECRET: "too-short-secret",
      CERTDESK_OIDC_ISSUER: "ftp://login.example-bank.com",
      CERTDESK_OIDC_CLIENT_SECRET: "",
    });
    expect(found).toEqual([
      "CERTDESK_PUBLIC_URL: must be an http(s) URL",
      "CERTDESK_KMS_KEY_ARN: must be a KMS key ARN (…:key/<id>; an alias ARN cannot decrypt)",
      "DATABASE_URL: must be a postgres:// URL",
      "CERTDESK_AUTH_SECRET: must be at least 32 characters",
      "CERTDESK_OIDC_ISSUER: must be an http(s) URL",
      "CERTDESK_OIDC_CLIENT_SECRET: is required but not set",
    ]);
    expect(found.join("\n")).not.toContain("too-short-secret");
  });

  it("ignores local-only variables instead of letting them weaken a deployment", () => {
    const config = loadConfig({ ...AWS, CERTDESK_S3_ENDPOINT: "http://127.0.0.1:4568", CERTDESK_DATA_DIR: "/" }, "/var/task");
    expect(config.s3.endpoint).toBeUndefined();
    expect(config.auth.credentials).toBe(false);
  });

  it("refuses a KMS alias ARN, with which stored files could be written but never read back", () => {
    expect(problems({ ...AWS, CERTDESK_KMS_KEY_ARN: "arn:aws:kms:eu-west-1:123456789012:alias/certdesk" })).toEqual([
      "CERTDESK_KMS_KEY_ARN: must be a KMS key ARN (…:key/<id>; an alias ARN cannot decrypt)",
    ]);
  });

  it("refuses an unknown mode by name", () => {
    expect(problems({ CERTDESK_MODE: "prod" })).toEqual(['CERTDESK_MODE: must be "local" or "aws", got "prod"']);
  });
});
