/**
 * Cache of fetched PKI answers (CRLs, OCSP responses, AIA certificates). Callers decide how
 * long an answer is good for — its own nextUpdate, at most 24 h — and always re-verify what
 * comes out of the cache (a cached body is never trusted because it is cached).
 */
import { lt, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { pkiFetchCache } from "../db/schema";

export type ResponseCache = {
  /** The body stored under `key`, if it has not expired at `now`. */
  get(key: string, now: Date): Promise<Uint8Array | undefined>;
  put(key: string, body: Uint8Array, expiresAt: Date): Promise<void>;
};

export const MAX_CACHE_MS = 24 * 3_600_000;

/** Caps an expiry at `now` + 24 h; undefined when the answer must not be cached. */
export function cacheExpiry(now: Date, nextUpdate: Date | undefined, fallbackMs?: number): Date | undefined {
  const until = nextUpdate?.getTime() ?? (fallbackMs !== undefined ? now.getTime() + fallbackMs : undefined);
  if (until === undefined || until <= now.getTime()) return undefined;
  return new Date(Math.min(until, now.getTime() + MAX_CACHE_MS));
}

/** The Postgres cache (table `pki_fetch_cache`), shared by the portal, the API and the daily job. */
export function dbResponseCache(db: Database, clock: () => Date = () => new Date()): ResponseCache & { purgeExpired(now: Date): Promise<number> } {
  return {
    async get(key, now) {
      const [row] = await db.select({ body: pkiFetchCache.body, expiresAt: pkiFetchCache.expiresAt }).from(pkiFetchCache).where(sql`${pkiFetchCache.key} = ${key}`).limit(1);
      if (!row || row.expiresAt.getTime() <= now.getTime()) return undefined;
      return new Uint8Array(Buffer.from(row.body, "base64"));
    },
    async put(key, body, expiresAt) {
      const fetchedAt = clock();
      const b64 = Buffer.from(body).toString("base64");
      await db
        .insert(pkiFetchCache)
        .values({ key, body: b64, fetchedAt, expiresAt })
        .onConflictDoUpdate({ target: pkiFetchCache.key, set: { body: b64, fetchedAt, expiresAt } });
    },
    async purgeExpired(now) {
      const gone = await db.delete(pkiFetchCache).where(lt(pkiFetchCache.expiresAt, now)).returning({ key: pkiFetchCache.key });
      return gone.length;
    },
  };
}

/** An in-process cache (CLI runs, tests). */
export function memoryResponseCache(): ResponseCache & { readonly size: number } {
  const map = new Map<string, { body: Uint8Array; expiresAt: Date }>();
  return {
    async get(key, now) {
      const e = map.get(key);
      return e && e.expiresAt.getTime() > now.getTime() ? e.body : undefined;
    },
    async put(key, body, expiresAt) {
      map.set(key, { body, expiresAt });
    },
    get size() {
      return map.size;
    },
  };
}
