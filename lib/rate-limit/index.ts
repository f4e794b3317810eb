/**
 * Rate limit of the partner API and the portal's upload route (issue 10): fixed windows
 * counted in PostgreSQL, so the limit holds across Lambda instances and restarts.
 *
 * Each request costs ONE statement: an `INSERT … ON CONFLICT DO UPDATE … RETURNING` over
 * all of its keys (the token or signed-in user, and the client IP). The row lock taken by
 * the upsert serialises concurrent requests on a key, so no count is lost and two
 * requests can never both take the last free slot. Keys are sorted so two statements
 * always lock their rows in the same order (no deadlock between them).
 */
import { sql } from "drizzle-orm";
import type { Database } from "@/lib/db";

export type RateLimitSettings = { windowSeconds: number; perToken: number; perIp: number };

/** Who is counted: the API token (or the signed-in user on the upload route), and the client address. */
export type RateLimitSubject = { token?: string | null; user?: string | null; ip?: string | null };

export type RateLimitDecision =
  | { allowed: true; limit: number; remaining: number; resetSeconds: number }
  | { allowed: false; limit: number; remaining: 0; retryAfterSeconds: number; key: "token" | "user" | "ip" };

type Row = { key: string; count: number };

/** The counter keys for a subject, with the limit each is held to. Bounded: a forged header cannot bloat the table. */
export function rateLimitKeys(subject: RateLimitSubject, settings: RateLimitSettings): { key: string; kind: "token" | "user" | "ip"; limit: number }[] {
  const keys: { key: string; kind: "token" | "user" | "ip"; limit: number }[] = [];
  if (subject.token) keys.push({ key: `token:${subject.token.slice(0, 64)}`, kind: "token", limit: settings.perToken });
  if (subject.user) keys.push({ key: `user:${subject.user.slice(0, 64)}`, kind: "user", limit: settings.perToken });
  if (subject.ip) keys.push({ key: `ip:${subject.ip.slice(0, 64)}`, kind: "ip", limit: settings.perIp });
  return keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Counts one request for every key of `subject` and says whether it may proceed.
 * A refused request still counts (a client hammering past the limit stays limited).
 *
 * @example
 * const d = await consumeRateLimit(db, { token: principal.tokenId, ip }, config.rateLimit, new Date());
 * if (!d.allowed) return 429 with Retry-After: d.retryAfterSeconds
 */
export async function consumeRateLimit(db: Database, subject: RateLimitSubject, settings: RateLimitSettings, now: Date): Promise<RateLimitDecision> {
  const keys = rateLimitKeys(subject, settings);
  const windowMs = settings.windowSeconds * 1000;
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  const resetSeconds = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000));
  const maxLimit = Math.max(settings.perToken, settings.perIp);
  if (keys.length === 0) return { allowed: true, limit: maxLimit, remaining: maxLimit, resetSeconds };
  const values = sql.join(
    keys.map((k) => sql`(${k.key}, ${windowStart.toISOString()}::timestamptz, 1)`),
    sql`, `,
  );
  // A row from an older window starts over at 1; a request stamped with an older window
  // than the row's (another instance's clock a little behind) counts in the row's window.
  const result = await db.execute<Row>(sql`
    insert into rate_limit_counters as c (key, window_start, count) values ${values}
    on conflict (key) do update set
      count = case when c.window_start >= excluded.window_start then c.count + 1 else 1 end,
      window_start = greatest(c.window_start, excluded.window_start)
    returning c.key as key, c.count as count`);
  const rows = result.rows.map((r) => ({ key: r.key, count: Number(r.count) }));
  let remaining = Number.POSITIVE_INFINITY;
  let limit = maxLimit;
  for (const k of keys) {
    const count = rows.find((r) => r.key === k.key)?.count ?? 0;
    if (count > k.limit) return { allowed: false, limit: k.limit, remaining: 0, retryAfterSeconds: resetSeconds, key: k.kind };
    if (k.limit - count < remaining) {
      remaining = k.limit - count;
      limit = k.limit;
    }
  }
  return { allowed: true, limit, remaining, resetSeconds };
}

/** Drops counters of windows long gone (run by the local job runner; harmless anywhere). */
export async function pruneRateLimitCounters(db: Database, settings: RateLimitSettings, now: Date): Promise<number> {
  const before = new Date(now.getTime() - 2 * settings.windowSeconds * 1000);
  const result = await db.execute<Row>(sql`delete from rate_limit_counters where window_start < ${before.toISOString()}::timestamptz`);
  return Number((result as { affectedRows?: number; rowCount?: number }).affectedRows ?? (result as { rowCount?: number }).rowCount ?? 0);
}
