import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../db/testing";
import { cacheExpiry, dbResponseCache, MAX_CACHE_MS } from "./cache";

const t = setupTestDatabase();
const now = new Date("2026-11-28T12:00:00Z");
const H = 3_600_000;

describe("the Postgres response cache", () => {
  it("returns a body until it expires, replaces it on put, and purges expired rows", () =>
    t.current.rollback(async (tx) => {
      const cache = dbResponseCache(tx, () => now);
      expect(await cache.get("crl:http://ca.test/a.crl", now)).toBeUndefined();
      await cache.put("crl:http://ca.test/a.crl", Uint8Array.of(1, 2, 3), new Date(now.getTime() + H));
      expect(await cache.get("crl:http://ca.test/a.crl", now)).toEqual(Uint8Array.of(1, 2, 3));
      expect(await cache.get("crl:http://ca.test/a.crl", new Date(now.getTime() + H))).toBeUndefined();
      await cache.put("crl:http://ca.test/a.crl", Uint8Array.of(9), new Date(now.getTime() + 2 * H));
      expect(await cache.get("crl:http://ca.test/a.crl", new Date(now.getTime() + H))).toEqual(Uint8Array.of(9));
      expect(await cache.purgeExpired(new Date(now.getTime() + 3 * H))).toBe(1);
    }));
});

describe("cacheExpiry", () => {
  it("keeps an answer until its nextUpdate, at most 24 h, and never one without nextUpdate or already past it", () => {
    expect(cacheExpiry(now, new Date(now.getTime() + H))).toEqual(new Date(now.getTime() + H));
    expect(cacheExpiry(now, new Date(now.getTime() + 7 * 24 * H))).toEqual(new Date(now.getTime() + MAX_CACHE_MS));
    expect(cacheExpiry(now, undefined)).toBeUndefined();
    expect(cacheExpiry(now, new Date(now.getTime() - 1))).toBeUndefined();
    expect(cacheExpiry(now, undefined, 48 * H)).toEqual(new Date(now.getTime() + MAX_CACHE_MS));
  });
});
