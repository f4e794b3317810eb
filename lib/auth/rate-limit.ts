/**
 * Sign-in rate limiting on the `sign_in_attempts` table, so the limit holds across
 * serverless instances (an in-memory counter would reset per Lambda). Two keys per
 * attempt: the e-mail (stops guessing one account's password from many IPs) and the
 * client IP (stops one client spraying one password over many accounts).
 */
import { and, count, eq, gt, max as maxOf, min } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { signInAttempts } from "@/lib/db";

export const SIGN_IN_WINDOW_MINUTES = 15;
/** Failures per e-mail within the window before that e-mail is locked. */
export const MAX_FAILURES_PER_EMAIL = 5;
/** Per IP the limit is higher: a company's staff may share one NAT address. */
export const MAX_FAILURES_PER_IP = 20;

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterMinutes: number; key: "email" | "ip" };

const emailKey = (email: string) => `email:${email.trim().toLowerCase()}`;
const ipKey = (ip: string) => `ip:${ip}`;

async function check(db: Database, key: string, max: number, now: Date): Promise<number | null> {
  const since = new Date(now.getTime() - SIGN_IN_WINDOW_MINUTES * 60_000);
  // A success resets the count: a user who finally typed the right password is not
  // locked out by the typos before it.
  const [success] = await db
    .select({ at: maxOf(signInAttempts.at) })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.key, key), eq(signInAttempts.succeeded, true), gt(signInAttempts.at, since)));
  const from = success?.at ? new Date(success.at) : since;
  const [row] = await db
    .select({ failures: count(), oldest: min(signInAttempts.at) })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.key, key), eq(signInAttempts.succeeded, false), gt(signInAttempts.at, from)));
  if (!row || row.failures < max || !row.oldest) return null;
  // Locked until the oldest counted failure leaves the window.
  const unlocksAt = new Date(row.oldest).getTime() + SIGN_IN_WINDOW_MINUTES * 60_000;
  return Math.max(1, Math.ceil((unlocksAt - now.getTime()) / 60_000));
}

/** Whether a sign-in for `email` from `ip` may be tried now. Checked BEFORE the password. */
export async function checkSignInRateLimit(
  db: Database,
  attempt: { email: string; ip?: string | null; now: Date },
): Promise<RateLimitDecision> {
  const byEmail = await check(db, emailKey(attempt.email), MAX_FAILURES_PER_EMAIL, attempt.now);
  if (byEmail !== null) return { allowed: false, retryAfterMinutes: byEmail, key: "email" };
  if (attempt.ip) {
    const byIp = await check(db, ipKey(attempt.ip), MAX_FAILURES_PER_IP, attempt.now);
    if (byIp !== null) return { allowed: false, retryAfterMinutes: byIp, key: "ip" };
  }
  return { allowed: true };
}

/** Records one attempt under both keys. */
export async function recordSignInAttempt(
  db: Database,
  attempt: { email: string; ip?: string | null; succeeded: boolean; at: Date },
): Promise<void> {
  const rows = [{ key: emailKey(attempt.email), succeeded: attempt.succeeded, at: attempt.at }];
  if (attempt.ip) rows.push({ key: ipKey(attempt.ip), succeeded: attempt.succeeded, at: attempt.at });
  await db.insert(signInAttempts).values(rows);
}
