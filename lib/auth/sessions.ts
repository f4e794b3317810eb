/**
 * Server-side sessions (issue 10, item 4). next-auth's JWT is only a signed pointer to a
 * row of `auth_sessions` (`sid`); the row decides, on EVERY request, whether the
 * session still holds. A JWT replayed after sign-out, after the user's password, e-mail,
 * roles or active flag changed, after 30 minutes without a request, or 8 hours after
 * sign-in is refused — without it, a copied cookie would work for its whole lifetime.
 *
 * users.session_version is bumped by database triggers on password, e-mail, disabled and
 * membership changes (migration 0009), and here on sign-out; a session remembers the
 * version it was minted under.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/lib/db";
import { authSessions, users } from "@/lib/db";

/** A session with no request for this long is over (what a bank's review expects). */
export const SESSION_IDLE_SECONDS = 30 * 60;
/** A session is over this long after sign-in, however active. Also the JWT cookie's lifetime. */
export const SESSION_ABSOLUTE_SECONDS = 8 * 60 * 60;
/** last_seen_at is written at most this often (one UPDATE per minute per session, not per request). */
const TOUCH_EVERY_SECONDS = 60;

export type SessionEndReason = "sign-out" | "idle" | "absolute" | "version" | "disabled";
export type SessionCheck = { ok: true } | { ok: false; reason: SessionEndReason | "unknown" | "ended" };

const uuid = z.uuid();

/** Starts a session for a user who just signed in; returns its id (the JWT's `sid`). */
export async function startSession(db: Database, input: { userId: string; now: Date }): Promise<string> {
  const [user] = await db.select({ version: users.sessionVersion }).from(users).where(eq(users.id, input.userId)).limit(1);
  if (!user) throw new Error("startSession: no such user");
  const [row] = await db
    .insert(authSessions)
    .values({ userId: input.userId, sessionVersion: user.version, createdAt: input.now, lastSeenAt: input.now })
    .returning({ id: authSessions.id });
  return row!.id;
}

/**
 * Whether the session `sid` of `userId` still holds at `now`; records the activity
 * (idle clock) when it does, and the reason when it has just run out.
 *
 * @example
 * if (!(await checkSession(db, { sid, userId, now: new Date() })).ok) return null;
 */
export async function checkSession(db: Database, input: { sid: unknown; userId: unknown; now: Date }): Promise<SessionCheck> {
  const { sid, userId, now } = input;
  if (typeof sid !== "string" || typeof userId !== "string" || !uuid.safeParse(sid).success || !uuid.safeParse(userId).success) {
    return { ok: false, reason: "unknown" };
  }
  const [row] = await db
    .select({
      userId: authSessions.userId,
      version: authSessions.sessionVersion,
      createdAt: authSessions.createdAt,
      lastSeenAt: authSessions.lastSeenAt,
      endedAt: authSessions.endedAt,
      currentVersion: users.sessionVersion,
      disabled: users.disabled,
    })
    .from(authSessions)
    .innerJoin(users, eq(users.id, authSessions.userId))
    .where(eq(authSessions.id, sid))
    .limit(1);
  // A sid of another user's session is no session of this token's user.
  if (!row || row.userId !== userId) return { ok: false, reason: "unknown" };
  if (row.endedAt) return { ok: false, reason: "ended" };
  const ended = (reason: SessionEndReason): SessionCheck => ({ ok: false, reason });
  let reason: SessionEndReason | null = null;
  if (row.disabled) reason = "disabled";
  else if (row.version !== row.currentVersion) reason = "version";
  else if (now.getTime() - row.createdAt.getTime() > SESSION_ABSOLUTE_SECONDS * 1000) reason = "absolute";
  else if (now.getTime() - row.lastSeenAt.getTime() > SESSION_IDLE_SECONDS * 1000) reason = "idle";
  if (reason) {
    await db.update(authSessions).set({ endedAt: now, endReason: reason }).where(and(eq(authSessions.id, sid), isNull(authSessions.endedAt)));
    return ended(reason);
  }
  if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_EVERY_SECONDS * 1000) {
    await db.update(authSessions).set({ lastSeenAt: now }).where(eq(authSessions.id, sid));
  }
  return { ok: true };
}

/**
 * Sign-out: ends this session and bumps the user's session version, so every other copy
 * of a token of this user (another tab's, a stolen one) stops working too.
 */
export async function endSession(db: Database, input: { sid: unknown; userId: unknown; now: Date; reason?: SessionEndReason }): Promise<void> {
  const reason = input.reason ?? "sign-out";
  if (typeof input.sid === "string" && uuid.safeParse(input.sid).success) {
    await db.update(authSessions).set({ endedAt: input.now, endReason: reason }).where(and(eq(authSessions.id, input.sid), isNull(authSessions.endedAt)));
  }
  if (typeof input.userId === "string" && uuid.safeParse(input.userId).success) {
    await bumpSessionVersion(db, input.userId);
  }
}

/** Ends every session of a user (used by sign-out; the triggers do the same for account changes). */
export async function bumpSessionVersion(db: Database, userId: string): Promise<void> {
  await db.update(users).set({ sessionVersion: sql`${users.sessionVersion} + 1` }).where(eq(users.id, userId));
}
