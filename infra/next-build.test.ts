/**
 * What OpenNext (inside `sst.aws.Nextjs`) needs from the Next.js build: standalone output,
 * and a runtime that writes nowhere but /tmp.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../lib/config";
import nextConfig from "../next.config";

describe("next build output OpenNext can package", () => {
  it("builds standalone output", () => {
    expect(nextConfig.output).toBe("standalone");
  });

  it("keeps tests, test factories, e2e, CLI and scripts out of the standalone trace", () => {
    // Matched the way Next applies outputFileTracingExcludes (collect-build-traces.js): picomatch
    // over absolute paths, each pattern joined to the project directory.
    const picomatch = createRequire(import.meta.url)("next/dist/compiled/picomatch") as (globs: string[], opts: object) => (file: string) => boolean;
    const root = path.resolve(import.meta.dirname, "..");
    const excluded = picomatch((nextConfig.outputFileTracingExcludes?.["*"] ?? []).map((g) => path.join(root, g)), { dot: true, contains: true });
    const at = (f: string) => excluded(path.join(root, f));
    for (const f of ["lib/db/db.test.ts", "lib/db/testing.ts", "lib/pki/testing/factory.ts", "e2e/reviews/review.spec.ts", "cli/golden/corpus/chain.pem", "scripts/bench.ts", "app/api/v1/api.test.ts"]) expect(at(f), f).toBe(true);
    for (const f of ["lib/db/client.ts", "lib/db/migrations/0000_init.sql", "lib/policy/programs/ca-chain.json", "app/(portal)/apps/page.tsx"]) expect(at(f), f).toBe(false);
  });

  it("keeps Certdesk's only run-time directory under /tmp in aws mode", () => {
    const config = loadConfig({
      CERTDESK_MODE: "aws",
      CERTDESK_PUBLIC_URL: "https://certdesk.example-bank.com",
      CERTDESK_S3_BUCKET: "certdesk-files",
      AWS_REGION: "eu-west-1",
      CERTDESK_KMS_KEY_ARN: "arn:aws:kms:eu-west-1:123456789012:key/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
      DATABASE_URL: "postgres://u:p@db.example:5432/certdesk?sslmode=verify-full",
      CERTDESK_AUTH_SECRET: "k3JHq8v0XwZr2Lm5Tp9Ns4Bd7Fg1Yc6Ae0Ui8Oh2",
      CERTDESK_OIDC_ISSUER: "https://login.example-bank.com",
      CERTDESK_OIDC_CLIENT_ID: "certdesk-portal",
      CERTDESK_OIDC_CLIENT_SECRET: "secret",
      CERTDESK_EMAIL_FROM: "Certdesk <no-reply@example-bank.com>",
    });
    expect(config.dataDir.startsWith("/tmp/")).toBe(true);
  });
});
