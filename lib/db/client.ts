/**
 * Opening, migrating and sharing the database.
 *
 * Two drivers behind one type: PGlite (PostgreSQL compiled to WASM, in-process)
 * for the laptop and unit tests, and `pg` for a PostgreSQL server (CI, Aurora).
 * The same committed SQL migrations run on both, so what the tests exercise is
 * what production runs.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import type { Config } from "../config";
import { getConfig } from "../config";
import * as schema from "./schema";

export type Schema = typeof schema;

/**
 * What `db.execute()` returns on both drivers: pg's `QueryResult` and PGlite's `Results`
 * both carry `rows`. Typing it lets callers read raw-SQL rows without casting.
 */
export type QueryRows<Row> = { rows: Row[] };
// eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- a higher-kinded type needs `this`
export interface QueryResultHKT extends PgQueryResultHKT {
  type: QueryRows<this["row"]>;
}

/** A Drizzle database over either driver. Transactions (`Transaction`) are assignable to it. */
export type Database = PgDatabase<QueryResultHKT, Schema>;
export type Transaction = PgTransaction<QueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export type OpenDatabase = { db: Database; close(): Promise<void> };

/**
 * The committed migrations folder. Resolved from the working directory, not from
 * this file's location: inside a Next server bundle `import.meta.url` points into
 * `.next/`, where the SQL files are not copied. Every entry point (npm scripts,
 * `next start`, Vitest) runs from the project root.
 */
export const MIGRATIONS_DIR = path.resolve(process.cwd(), "lib/db/migrations");

/**
 * Which driver a database came from; migrations need the driver's session. A registry
 * symbol on the object itself, so a second copy of this module (Next bundle) reads it too.
 */
const DRIVER = Symbol.for("certdesk.db.driver");
type Driver = "pglite" | "postgres";

function tag<T extends object>(db: T, driver: Driver): T {
  Object.defineProperty(db, DRIVER, { value: driver, enumerable: false });
  return db;
}

/**
 * Opens the configured database: PGlite at `dir` (parent folders created) or a
 * `pg` pool at `url`. Does not migrate; call {@link migrateDatabase}.
 */
export async function openDatabase(config: Config["database"]): Promise<OpenDatabase> {
  switch (config.kind) {
    case "pglite": {
      // "memory://" is PGlite's in-memory database (tests); anything else is a folder.
      if (!config.dir.startsWith("memory://")) await mkdir(path.dirname(config.dir), { recursive: true, mode: 0o700 });
      const { PGlite } = await import("@electric-sql/pglite");
      const { drizzle } = await import("drizzle-orm/pglite");
      const client = await PGlite.create({ dataDir: config.dir });
      const db = tag(drizzle({ client, schema }), "pglite");
      const typed: Database = db;
      return { db: typed, close: () => client.close() };
    }
    case "postgres": {
      const { Pool } = await import("pg");
      const { drizzle } = await import("drizzle-orm/node-postgres");
      const pool = new Pool({ connectionString: config.url, max: 10 });
      // An idle client losing its connection (server restart, Aurora failover) emits
      // 'error' on the pool; unhandled, that would crash the whole process.
      pool.on("error", (error) => console.error("database pool: idle client error:", error.message));
      const db = tag(drizzle({ client: pool, schema }), "postgres");
      const typed: Database = db;
      return { db: typed, close: () => pool.end() };
    }
    default: {
      const never: never = config;
      throw new Error(`unknown database kind ${JSON.stringify(never)}`);
    }
  }
}

/** Applies the committed migrations not yet applied (tracked in `drizzle.__drizzle_migrations`). */
export async function migrateDatabase(db: Database, options: { migrationsFolder?: string } = {}): Promise<void> {
  const migrationsFolder = options.migrationsFolder ?? MIGRATIONS_DIR;
  const driver = (db as { [DRIVER]?: Driver })[DRIVER];
  if (driver === "pglite") {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(db as never, { migrationsFolder });
  } else if (driver === "postgres") {
    const { migrate } = await import("drizzle-orm/node-postgres/migrator");
    await migrate(db as never, { migrationsFolder });
  } else {
    throw new Error("migrateDatabase: the database was not opened by openDatabase()");
  }
}

/** Number of committed migrations, for the health check and tests. */
export function committedMigrationCount(migrationsFolder = MIGRATIONS_DIR): number {
  return readMigrationFiles({ migrationsFolder }).length;
}

type Shared = { promise: Promise<OpenDatabase> };

/*
 * The Next server bundle and the start script load separate copies of this module in
 * one process, and PGlite allows one opener per data directory (a second one would
 * corrupt it). A registry symbol is the same across copies, so both share one instance.
 */
const SHARED = Symbol.for("certdesk.db");

function shared(): { [SHARED]?: Shared } {
  return globalThis as { [SHARED]?: Shared };
}

/**
 * The process-wide database from `getConfig()`, opened once; migrated on open in local mode.
 * On AWS the deploy runs the migrations (infra/migrations.ts) before the portal goes live, so a
 * cold Lambda neither races other instances over DDL nor depends on the migrations folder.
 */
export async function getDb(): Promise<Database> {
  const g = shared();
  if (!g[SHARED]) {
    const config = getConfig();
    const promise = (async () => {
      const opened = await openDatabase(config.database);
      try {
        if (config.mode === "local") await migrateDatabase(opened.db);
      } catch (error) {
        // Close before the retry opens it again: PGlite must never have two openers.
        await opened.close().catch(() => undefined);
        throw error;
      }
      return opened;
    })();
    g[SHARED] = { promise };
    // A failed open must not be cached forever: the next caller retries.
    promise.catch(() => {
      if (g[SHARED]?.promise === promise) delete g[SHARED];
    });
  }
  return (await g[SHARED].promise).db;
}

/** Closes the process-wide database (graceful shutdown); a later `getDb()` reopens it. */
export async function closeDb(): Promise<void> {
  const g = shared();
  const current = g[SHARED];
  if (!current) return;
  delete g[SHARED];
  const opened = await current.promise.catch(() => undefined);
  await opened?.close();
}
