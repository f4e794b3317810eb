/**
 * Migrations applied on deploy: a Lambda in the VPC runs `lib/db/migrate-handler.ts`, and an
 * `aws.lambda.Invocation` calls it during `sst deploy` whenever the committed migrations
 * change (its input carries their hash). A failed migration fails the invocation, and the
 * deploy stops before the portal's new code goes live (`web.ts` depends on it).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { BUNDLE_EXTERNALS } from "./environment";

export const MIGRATIONS_FOLDER = "lib/db/migrations";

/** A digest of every committed migration file (SQL and drizzle's journal), in a stable order. */
export function migrationsDigest(folder = MIGRATIONS_FOLDER): string {
  const hash = createHash("sha256");
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .flatMap((entry) => (entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
      .sort();
  for (const file of walk(folder)) {
    hash.update(path.relative(folder, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

export function createMigrator(options: {
  vpc: unknown;
  link: unknown[];
  environment: Record<string, unknown>;
}) {
  const migrator = new sst.aws.Function("Migrator", {
    handler: "lib/db/migrate-handler.handler",
    runtime: "nodejs22.x",
    // An Aurora paused for a day takes ~30 s to resume; migrations themselves are short.
    timeout: "5 minutes",
    memory: "512 MB",
    vpc: options.vpc,
    link: options.link,
    environment: options.environment,
    // Lambda's working directory is the bundle root, where lib/db/client.ts looks for them.
    copyFiles: [{ from: MIGRATIONS_FOLDER, to: MIGRATIONS_FOLDER }],
    nodejs: { esbuild: { external: BUNDLE_EXTERNALS } },
  });
  const invocation = new aws.lambda.Invocation("MigrateOnDeploy", {
    functionName: migrator.name,
    input: JSON.stringify({ migrations: migrationsDigest() }),
  });
  return { migrator, invocation };
}
