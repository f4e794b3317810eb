/**
 * The partner API rate limit's counter: exact under concurrency (PostgreSQL server when
 * TEST_DATABASE_URL is set, else PGlite), windows, per-key limits.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing";
import { openDatabase } from "@/lib/db/client";
import { consumeRateLimit, pruneRateLimitCounters, rateLimitKeys } from "./index";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

const settings = { windowSeconds: 60, perToken: 5, perIp: 8 };
const at = (s: number) => new Date(Date.UTC(2026, 10, 28, 12, 0, s));

describe("consumeRateLimit", () => {
  it("allows up to the token's limit in a window, then refuses with the seconds until the window ends", async () => {
    await t.rollback(async (db) => {
      for (let i = 1; i <= 5; i++) {
        expect(await consumeRateLimit(db, { token: "t1", ip: "192.0.2.1" }, settings, at(10))).toMatchObject({ allowed: true, remaining: 5 - i });
      }
      expect(await consumeRateLimit(db, { token: "t1", ip: "192.0.2.1" }, settings, at(15))).toEqual({ allowed: false, limit: 5, remaining: 0, retryAfterSeconds: 45, key: "token" });
      // Another token from the same address still has its own budget, until the address's limit.
      expect(await consumeRateLimit(db, { token: "t2", ip: "192.0.2.1" }, settings, at(20))).toMatchObject({ allowed: true });
      expect(await consumeRateLimit(db, { token: "t2", ip: "192.0.2.1" }, settings, at(20))).toMatchObject({ allowed: true });
      expect(await consumeRateLimit(db, { token: "t2", ip: "192.0.2.1" }, settings, at(21))).toMatchObject({ allowed: false, key: "ip", retryAfterSeconds: 39 });
      // A new window starts over.
      expect(await consumeRateLimit(db, { token: "t1", ip: "192.0.2.1" }, settings, at(61))).toMatchObject({ allowed: true, remaining: 4 });
    });
  });

  it("limits an address without a token (unauthenticated floods), and a signed-in user like a token", async () => {
    await t.rollback(async (db) => {
      for (let i = 0; i < 8; i++) expect((await consumeRateLimit(db, { ip: "198.51.100.7" }, settings, at(1))).allowed).toBe(true);
      expect(await consumeRateLimit(db, { ip: "198.51.100.7" }, settings, at(2))).toMatchObject({ allowed: false, key: "ip" });
      for (let i = 0; i < 5; i++) expect((await consumeRateLimit(db, { user: "u1" }, settings, at(1))).allowed).toBe(true);
      expect(await consumeRateLimit(db, { user: "u1" }, settings, at(2))).toMatchObject({ allowed: false, key: "user" });
    });
  });

  it("does not let a request stamped with an older window (a clock behind) reset a newer one", async () => {
    await t.rollback(async (db) => {
      for (let i = 0; i < 5; i++) await consumeRateLimit(db, { token: "skew" }, settings, at(70));
      expect(await consumeRateLimit(db, { token: "skew" }, settings, at(59))).toMatchObject({ allowed: false, key: "token" });
    });
  });

  it("bounds keys a forged header could make huge, and orders them so statements lock rows alike", () => {
    const keys = rateLimitKeys({ token: "b", ip: "x".repeat(500), user: "a" }, settings);
    expect(keys.map((k) => k.key.slice(0, 6))).toEqual(["ip:xxx", "token:", "user:a"]);
    expect(keys[0]!.key.length).toBe(3 + 64);
  });

  it("prunes counters of windows long gone", async () => {
    await t.rollback(async (db) => {
      await consumeRateLimit(db, { token: "old" }, settings, at(0));
      await consumeRateLimit(db, { token: "new" }, settings, at(200));
      expect(await pruneRateLimitCounters(db, settings, at(200))).toBe(1);
    });
  });
});

describe.runIf(Boolean(process.env.TEST_DATABASE_URL))("on the PostgreSQL server, under concurrency", () => {
  it("counts 60 simultaneous requests on 10 connections exactly: 25 allowed, 35 refused, count 60", async () => {
    const pool = await openDatabase({ kind: "postgres", url: t.url! });
    try {
      const limits = { windowSeconds: 60, perToken: 25, perIp: 1000 };
      const now = new Date();
      const decisions = await Promise.all(Array.from({ length: 60 }, (_, i) => consumeRateLimit(pool.db, { token: "burst", ip: `203.0.113.${i % 4}` }, limits, now)));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(25);
      expect(decisions.filter((d) => !d.allowed)).toHaveLength(35);
      const { rows } = await pool.db.execute<{ count: number }>(sql`select count from rate_limit_counters where key = 'token:burst'`);
      expect(Number(rows[0]!.count)).toBe(60);
    } finally {
      await pool.close();
    }
  });
});
