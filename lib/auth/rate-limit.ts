/**
 * Sign-in throttling on the `sign_in_attempts` table, so it holds across serverless
 * instances (an in-memory counter would reset per Lambda). Issue 10, item 3: a stranger
 * must not be able to lock a user out.
 *
 * Every attempt is recorded under three keys:
 * - `ip:<source>`            per source (the client address from lib/auth/client-ip —
 *                            never a client-supplied forwarding header);
 * - `pair:<e-mail>|<source>` per account AND source;
 * - `email:<e-mail>`         per account, from every source.
 *
 * What is refused (BEFORE the password is checked, so a throttled source learns nothing):
 * - a SOURCE past MAX_FAILURES_PER_SOURCE failures in the window waits a progressive
 *   delay after its latest failure (1, 2, 4, 8, 15 minutes…). A success does NOT reset
 *   this counter: an attacker cannot sign into an account of their own to wash away
 *   the failures of a password spray.
 * - an account+source PAIR past MAX_FAILURES_PER_PAIR failures waits the same way; a
 *   success of that pair resets the pair (the source has shown it knows the password).
 *
 * What is never refused: a correct password from a source that is not throttled itself.
 * Failures of OTHER sources against an account only raise an alert: past
 * ACCOUNT_ALERT_FAILURES in the window, the owner gets a notice (in-app and e-mail) and
 * the audit trail an `auth.account-alert` event, at most once per window. Certdesk never
 * locks an account on its own — that would hand the lock to whoever can type its e-mail.
 */
import { and, count, eq, gt, max as maxOf } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { signInAttempts } from "@/lib/db";

export const SIGN_IN_WINDOW_MINUTES = 15;
/** Failures one account may see from one source before that source is slowed down for it. */
export const MAX_FAILURES_PER_PAIR = 5;
/** Failures one source may make (over all accounts) before it is slowed down. Higher: staff may share a NAT address. */
export const MAX_FAILURES_PER_SOURCE = 20;
/** Failures against one account (all sources) in the window that alert its owner. */
export const ACCOUNT_ALERT_FAILURES = 10;
/** First delay once a limit is passed; it doubles with each further failure… */
export const BASE_DELAY_SECONDS = 60;
/** …up to this. */
export const MAX_DELAY_SECONDS = SIGN_IN_WINDOW_MINUTES * 60;
/** The source key of requests whose address is unknown (they share one bucket). */
export const UNKNOWN_SOURCE = "unknown";

export type RateLimitDecision =
  | { allowed: true }
  | { allowed: false; retryAfterSeconds: number; retryAfterMinutes: number; key: "ip" | "pair" };

const normEmail = (email: string) => email.trim().toLowerCase();
export const emailKey = (email: string) => `email:${normEmail(email)}`;
export const ipKey = (ip: string | null | undefined) => `ip:${ip || UNKNOWN_SOURCE}`;
export const pairKey = (email: string, ip: string | null | undefined) => `pair:${normEmail(email)}|${ip || UNKNOWN_SOURCE}`;

/** The delay owed after `failures` failures when `free` are allowed without one. */
export function backoffSeconds(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2 ** Math.min(failures - free, 20));
}

async function failuresSince(db: Database, key: string, since: Date): Promise<{ failures: number; latest: Date | null }> {
  const [row] = await db
    .select({ failures: count(), latest: maxOf(signInAttempts.at) })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.key, key), eq(signInAttempts.succeeded, false), gt(signInAttempts.at, since)));
  return { failures: row?.failures ?? 0, latest: row?.latest ? new Date(row.latest) : null };
}

async function lastSuccessSince(db: Database, key: string, since: Date): Promise<Date | null> {
  const [row] = await db
    .select({ at: maxOf(signInAttempts.at) })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.key, key), eq(signInAttempts.succeeded, true), gt(signInAttempts.at, since)));
  return row?.at ? new Date(row.at) : null;
}

/** Seconds still owed by a key, or 0. */
function owed(failures: { failures: number; latest: Date | null }, free: number, now: Date): number {
  const delay = backoffSeconds(failures.failures, free);
  if (delay === 0 || !failures.latest) return 0;
  return Math.max(0, Math.ceil((failures.latest.getTime() + delay * 1000 - now.getTime()) / 1000));
}

const windowStart = (now: Date) => new Date(now.getTime() - SIGN_IN_WINDOW_MINUTES * 60_000);

/**
 * Whether a sign-in for `email` from `ip` may be tried now. Checked before the password,
 * and decided only by this source's own history (the source, and the source with this
 * account): failures from elsewhere never refuse it.
 */
export async function checkSignInRateLimit(
  db: Database,
  attempt: { email: string; ip?: string | null; now: Date },
): Promise<RateLimitDecision> {
  const since = windowStart(attempt.now);
  // Per source: never reset by a success.
  const bySource = owed(await failuresSince(db, ipKey(attempt.ip), since), MAX_FAILURES_PER_SOURCE, attempt.now);
  // Per account and source: reset by this pair's own success.
  const pair = pairKey(attempt.email, attempt.ip);
  const pairFrom = (await lastSuccessSince(db, pair, since)) ?? since;
  const byPair = owed(await failuresSince(db, pair, pairFrom), MAX_FAILURES_PER_PAIR, attempt.now);
  const seconds = Math.max(bySource, byPair);
  if (seconds === 0) return { allowed: true };
  return { allowed: false, retryAfterSeconds: seconds, retryAfterMinutes: Math.max(1, Math.ceil(seconds / 60)), key: bySource >= byPair ? "ip" : "pair" };
}

/** Records one attempt under its three keys. */
export async function recordSignInAttempt(
  db: Database,
  attempt: { email: string; ip?: string | null; succeeded: boolean; at: Date },
): Promise<void> {
  const { succeeded, at } = attempt;
  await db.insert(signInAttempts).values([
    { key: emailKey(attempt.email), succeeded, at },
    { key: ipKey(attempt.ip), succeeded, at },
    { key: pairKey(attempt.email, attempt.ip), succeeded, at },
  ]);
}

/** Failures against one account, from every source, in the window ending at `now`. */
export async function accountFailures(db: Database, email: string, now: Date): Promise<number> {
  return (await failuresSince(db, emailKey(email), windowStart(now))).failures;
}
