/**
 * The runtime environment of every Certdesk Lambda (portal server, jobs, migrator).
 *
 * Names come from `lib/config`'s `ENV`, the one place the runtime reads them, so infra and
 * config cannot drift apart; `infra/config-agreement.test.ts` fails if they do. The values
 * are the linked resources' outputs.
 *
 * Not set here, on purpose:
 * - `AWS_REGION`: Lambda sets it and rejects functions that try to (reserved key);
 * - `CERTDESK_DATA_DIR`, `CERTDESK_S3_ENDPOINT`, `CERTDESK_S3_REGION`: local-mode settings
 *   that aws mode ignores (its data dir is `/tmp/certdesk`, Lambda's only writable place).
 */
import { ENV } from "../lib/config";
import { databaseUrl } from "./database";
import type { Secrets } from "./secrets";

/**
 * Node 20+ Lambda runtimes no longer trust Amazon's CAs by default; this bundle (shipped in
 * the runtime) includes the RDS CAs, without which `sslmode=verify-full` cannot connect.
 */
export const LAMBDA_CA_BUNDLE = "/var/runtime/ca-cert.pem";

/**
 * Left out of the jobs' and migrator's bundles: the embedded database (WASM; never opened in
 * aws mode) and pg's optional native binding (not installed; pg falls back to pure JS).
 */
export const BUNDLE_EXTERNALS = ["@electric-sql/pglite", "pg-native"];

export function runtimeEnvironment(options: {
  publicUrl: unknown;
  emailFrom: string;
  bucket: { name: unknown };
  key: { arn: unknown };
  database: Parameters<typeof databaseUrl>[0];
  secrets: Secrets;
}): Record<string, unknown> {
  const { bucket, key, database, secrets } = options;
  return {
    [ENV.mode]: "aws",
    [ENV.publicUrl]: options.publicUrl,
    [ENV.s3Bucket]: bucket.name,
    [ENV.kmsKeyArn]: key.arn,
    [ENV.databaseUrl]: databaseUrl(database),
    [ENV.authSecret]: secrets.authSecret.value,
    [ENV.oidcIssuer]: secrets.oidcIssuer.value,
    [ENV.oidcClientId]: secrets.oidcClientId.value,
    [ENV.oidcClientSecret]: secrets.oidcClientSecret.value,
    [ENV.emailFrom]: options.emailFrom,
    NODE_EXTRA_CA_CERTS: LAMBDA_CA_BUNDLE,
  };
}
