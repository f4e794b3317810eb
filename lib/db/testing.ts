/**
 * Databases for tests. Opening a fresh PGlite costs 1.5–4.5 s here, so each test file
 * opens ONE (in memory), migrates it once, and isolates its tests with transactions
 * that are always rolled back.
 *
 * When TEST_DATABASE_URL is set (`.ci/run` starts a real PostgreSQL server), the same
 * helper creates a fresh database on that server per test file instead, so files
 * running in parallel never see each other's rows, and tests meet real lock contention.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { migrateDatabase, openDatabase, type Database } from "./client";

export type TestDatabase = {
  db: Database;
  kind: "pglite" | "postgres";
  /** Set on the server: the test database's own URL (for extra connections). */
  url?: string;
  /** Runs `fn` in a transaction that is always rolled back, whatever `fn` does. */
  rollback<T>(fn: (tx: Database) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

const ROLLBACK = Symbol("test rollback");

/** Opens and migrates this test file's database (PGlite in memory, or a new database on TEST_DATABASE_URL). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) return createServerDatabase(serverUrl);
  const opened = await openDatabase({ kind: "pglite", dir: "memory://" });
  await migrateDatabase(opened.db);
  return { db: opened.db, kind: "pglite", rollback: rollbackOn(opened.db), close: opened.close };
}

async function createServerDatabase(serverUrl: string): Promise<TestDatabase> {
  const { Client } = await import("pg");
  const name = `certdesk_t_${randomBytes(6).toString("hex")}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const opened = await openDatabase({ kind: "postgres", url: url.toString() });
  await migrateDatabase(opened.db);
  return {
    db: opened.db,
    kind: "postgres",
    url: url.toString(),
    rollback: rollbackOn(opened.db),
    async close() {
      await opened.close();
      const dropper = new Client({ connectionString: serverUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

function rollbackOn(db: Database) {
  return async function rollback<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    let result: { value: T } | undefined;
    try {
      await db.transaction(async (tx) => {
        result = { value: await fn(tx) };
        throw ROLLBACK;
      });
    } catch (error) {
      if (error !== ROLLBACK) throw error;
    }
    return result!.value;
  };
}

/**
 * Vitest convenience: opens the file's database before all tests and closes it after.
 * Read `.current` inside tests (it is set once `beforeAll` has run).
 *
 * @example
 * const t = setupTestDatabase();
 * it("…", () => t.current.rollback(async (tx) => { … }));
 */
export function setupTestDatabase(): { readonly current: TestDatabase } {
  let current: TestDatabase | undefined;
  beforeAll(async () => {
    current = await createTestDatabase();
  });
  afterAll(async () => {
    await current?.close();
  });
  return {
    get current() {
      if (!current) throw new Error("setupTestDatabase: the database is opened in beforeAll; read .current inside a test");
      return current;
    },
  };
}
