/**
 * AWS Lambda entry point that applies the committed migrations to Aurora.
 *
 * `infra/migrations.ts` bundles this file with `lib/db/migrations` copied beside it
 * and invokes it on every deploy whose migrations changed (an `aws.lambda.Invocation`),
 * before the portal's new code goes live. A thrown error fails the invocation and with it
 * the deploy, so a half-migrated database is never paired with code that expects more.
 */
import { sql } from "drizzle-orm";
import { loadConfig } from "../config";
import { committedMigrationCount, migrateDatabase, MIGRATIONS_DIR, openDatabase } from "./client";

export type MigrateResult = { migrationsFolder: string; committed: number; applied: number };

/**
 * Migrates the database named by `env` (aws mode only: the embedded database migrates
 * itself on open). Returns how many migrations the database has recorded afterwards.
 */
export async function migrateFromEnvironment(
  env: Record<string, string | undefined>,
  migrationsFolder = MIGRATIONS_DIR,
): Promise<MigrateResult> {
  const config = loadConfig(env);
  if (config.mode !== "aws" || config.database.kind !== "postgres") {
    // Running this against a laptop's configuration would be a mistake worth stopping on.
    throw new Error(`migrate-handler runs only in aws mode against PostgreSQL (got mode "${config.mode}")`);
  }
  const opened = await openDatabase(config.database);
  try {
    await migrateDatabase(opened.db, { migrationsFolder });
    // drizzle's own bookkeeping table: one row per applied migration.
    const result = await opened.db.execute<{ applied: number }>(
      sql`select count(*)::int as applied from drizzle.__drizzle_migrations`,
    );
    const applied = Number(result.rows[0]?.applied ?? 0);
    return { migrationsFolder, committed: committedMigrationCount(migrationsFolder), applied };
  } finally {
    await opened.close();
  }
}

/**
 * The Lambda handler (`lib/db/migrate-handler.handler`). Lambda's working directory is
 * the bundle root, where infra copies `lib/db/migrations`, so `MIGRATIONS_DIR` resolves.
 */
export async function handler(): Promise<MigrateResult> {
  const result = await migrateFromEnvironment(process.env);
  console.log(`migrations: ${result.applied} applied of ${result.committed} committed`);
  return result;
}
