/**
 * Local-mode e-mail + password sign-in, with rate limiting and auditing. The answer
 * to a wrong password and to an unknown e-mail is the same (and takes as long), so
 * the sign-in form does not tell which e-mails have accounts.
 */
import { z } from "zod";
import type { Database } from "@/lib/db";
import { auditEvents, users } from "@/lib/db";
import { hashPassword, verifyPassword } from "@/lib/db/passwords";
import { recordAudit } from "@/lib/audit";
import { notify } from "@/lib/notifications";
import { and, count, eq, gt } from "drizzle-orm";
import { findActiveUserByEmail, type SessionUser } from "./access";
import { ACCOUNT_ALERT_FAILURES, accountFailures, checkSignInRateLimit, recordSignInAttempt, SIGN_IN_WINDOW_MINUTES } from "./rate-limit";

export const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().max(320).pipe(z.email()),
  // Bounded: scrypt over a megabyte-long "password" is a cheap denial of service.
  password: z.string().min(1).max(512),
});

export type CredentialsResult =
  | { ok: true; user: SessionUser }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "rate_limited"; retryAfterMinutes: number; retryAfterSeconds: number };

let dummyHash: Promise<string> | undefined;

/**
 * Checks an e-mail + password. Audits every outcome (`auth.sign-in`).
 *
 * @example
 * const r = await signInWithPassword(db, { email, password, ip, userAgent, now: new Date() });
 */
export async function signInWithPassword(
  db: Database,
  input: { email: unknown; password: unknown; ip?: string | null; userAgent?: string | null; now: Date },
): Promise<CredentialsResult> {
  const parsed = credentialsSchema.safeParse({ email: input.email, password: input.password });
  if (!parsed.success) {
    // Issue 10, item 7: malformed attempts are refusals too (probes, scripted abuse).
    // Only shapes are kept: never the password, never a huge or binary "e-mail".
    await recordAudit(db, {
      ip: input.ip ?? undefined,
      userAgent: input.userAgent ?? undefined,
      action: "auth.sign-in",
      outcome: "refused",
      details: { method: "credentials", reason: "malformed", fields: parsed.error.issues.map((i) => String(i.path[0] ?? "")).filter(Boolean), ...shapeOf(input) },
    });
    return { ok: false, reason: "invalid" };
  }
  const { email, password } = parsed.data;
  const context = { actorEmail: email, ip: input.ip ?? undefined, userAgent: input.userAgent ?? undefined };

  const limit = await checkSignInRateLimit(db, { email, ip: input.ip, now: input.now });
  if (!limit.allowed) {
    await recordAudit(db, {
      ...context,
      action: "auth.sign-in",
      outcome: "refused",
      details: { reason: "rate_limited", key: limit.key, retryAfterSeconds: limit.retryAfterSeconds },
    });
    return { ok: false, reason: "rate_limited", retryAfterMinutes: limit.retryAfterMinutes, retryAfterSeconds: limit.retryAfterSeconds };
  }

  const user = await findActiveUserByEmail(db, email);
  // Unknown e-mail: still spend one scrypt, so timing does not reveal whether it exists.
  dummyHash ??= hashPassword("certdesk-dummy-password-for-timing");
  const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyHash));
  const succeeded = Boolean(user && valid);
  await recordSignInAttempt(db, { email, ip: input.ip, succeeded, at: input.now });

  if (!user || !succeeded) {
    await recordAudit(db, {
      ...context,
      actorUserId: user?.id,
      action: "auth.sign-in",
      outcome: "failure",
      details: { method: "credentials", reason: user ? "wrong_password" : "unknown_user" },
    });
    await alertOwnerIfUnderAttack(db, { email, user, now: input.now, ip: input.ip, userAgent: input.userAgent });
    return { ok: false, reason: "invalid" };
  }

  await db.update(users).set({ lastSignInAt: input.now }).where(eq(users.id, user.id));
  await recordAudit(db, {
    ...context,
    actorUserId: user.id,
    role: user.roles.join(","),
    organisationId: user.memberships[0]?.organisationId,
    action: "auth.sign-in",
    outcome: "success",
    details: { method: "credentials" },
  });
  const { passwordHash: _omit, ...sessionUser } = user;
  return { ok: true, user: sessionUser };
}

/** Lengths and types of what was sent, for the audit of a malformed attempt. */
function shapeOf(input: { email: unknown; password: unknown }): Record<string, unknown> {
  const describe = (v: unknown) => (typeof v === "string" ? v.length : v === undefined || v === null ? null : typeof v);
  return { emailLength: describe(input.email), passwordLength: describe(input.password) };
}

/**
 * Many failures against one account from anywhere: tell its owner (and admins) once per
 * window, and audit it. The account is NOT locked (issue 10, item 3): a correct password
 * from a source that is not itself throttled still signs in.
 */
async function alertOwnerIfUnderAttack(
  db: Database,
  input: { email: string; user: SessionUser | null; now: Date; ip?: string | null; userAgent?: string | null },
): Promise<void> {
  const failures = await accountFailures(db, input.email, input.now);
  if (failures < ACCOUNT_ALERT_FAILURES) return;
  const since = new Date(input.now.getTime() - SIGN_IN_WINDOW_MINUTES * 60_000);
  const target = input.user?.id ?? input.email;
  const [already] = await db
    .select({ n: count() })
    .from(auditEvents)
    .where(and(eq(auditEvents.action, "auth.account-alert"), eq(auditEvents.targetId, target), gt(auditEvents.at, since)));
  if ((already?.n ?? 0) > 0) return;
  await db.transaction(async (tx) => {
    await recordAudit(tx, {
      actorEmail: input.email,
      ip: input.ip ?? undefined,
      userAgent: input.userAgent ?? undefined,
      action: "auth.account-alert",
      targetType: input.user ? "user" : "email",
      targetId: target,
      outcome: "refused",
      at: input.now,
      details: { failures, windowMinutes: SIGN_IN_WINDOW_MINUTES, notified: Boolean(input.user), locked: false },
    });
    if (!input.user) return;
    await notify(tx, {
      userIds: [input.user.id],
      roles: ["admin"],
      kind: "auth.account-alert",
      title: `${failures} failed sign-in attempts on ${input.user.email}`,
      body:
        `In the last ${SIGN_IN_WINDOW_MINUTES} minutes there were ${failures} failed sign-in attempts on the account ${input.user.email}. ` +
        "The account is not locked: its owner can still sign in, and each address that keeps guessing is slowed down. " +
        "If these attempts were not you, tell your administrator; consider changing your password.",
      email: true,
    });
  });
}
