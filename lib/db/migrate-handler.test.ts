import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { committedMigrationCount } from "./client";
import { migrateFromEnvironment } from "./migrate-handler";

function awsEnvironment(databaseUrl: string): Record<string, string> {
  return {
    CERTDESK_MODE: "aws",
    CERTDESK_PUBLIC_URL: "https://certdesk.example-bank.com",
    CERTDESK_S3_BUCKET: "certdesk-files",
    AWS_REGION: "eu-west-1",
    CERTDESK_KMS_KEY_ARN: "arn:aws:kms:eu-west-1:123456789012:key/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    DATABASE_URL: databaseUrl,
    CERTDESK_AUTH_SECRET: "k3JHq8v0XwZr2Lm5Tp9Ns4Bd7Fg1Yc6Ae0Ui8Oh2",
    CERTDESK_OIDC_ISSUER: "https://login.example-bank.com",
    CERTDESK_OIDC_CLIENT_ID: "certdesk-portal",
    CERTDESK_OIDC_CLIENT_SECRET: "secret",
    CERTDESK_EMAIL_FROM: "Certdesk <no-reply@example-bank.com>",
  };
}

describe("migrate-handler", () => {
  it("refuses to run with a local-mode configuration", async () => {
    await expect(migrateFromEnvironment({ CERTDESK_MODE: "local" })).rejects.toThrow(/only in aws mode/);
  });

  it("refuses an incomplete aws configuration, naming what is missing, before connecting", async () => {
    await expect(migrateFromEnvironment({ CERTDESK_MODE: "aws", DATABASE_URL: "postgres://u:p@127.0.0.1:1/x" })).rejects.toThrow(
      /CERTDESK_KMS_KEY_ARN: is required/,
    );
  });

  it("fails (and so fails the deploy) when the database cannot be reached", async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    await expect(migrateFromEnvironment(awsEnvironment("postgres://postgres:pw@127.0.0.1:1/certdesk"))).rejects.toThrow();
  });

  // Needs a PostgreSQL server: `.ci/run` (scripts/pg-server.sh) sets TEST_DATABASE_URL.
  it.skipIf(!process.env.TEST_DATABASE_URL)("applies every committed migration to a fresh database, and a second run is a no-op", async () => {
    const { Client } = await import("pg");
    const serverUrl = process.env.TEST_DATABASE_URL!;
    const name = `certdesk_migrate_${randomBytes(6).toString("hex")}`;
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      const first = await migrateFromEnvironment(awsEnvironment(url.toString()));
      expect(first.applied).toBe(committedMigrationCount());
      expect(first.applied).toBeGreaterThan(0);
      const second = await migrateFromEnvironment(awsEnvironment(url.toString()));
      expect(second.applied).toBe(first.applied);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
