/**
 * Local-mode e-mail + password sign-in, with rate limiting and auditing. The answer
 * to a wrong password and to an unknown e-mail is the same (and takes as long), so
 * the sign-in form does not tell which e-mails have accounts.
 */
import { z } from "zod";
import type { Database } from "@/lib/db";
import { users } from "@/lib/db";
import { hashPassword, verifyPassword } from "@/lib/db/passwords";
import { recordAudit } from "@/lib/audit";
import { eq } from "drizzle-orm";
import { findActiveUserByEmail, type SessionUser } from "./access";
import { checkSignInRateLimit, recordSignInAttempt } from "./rate-limit";

export const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().max(320).pipe(z.email()),
  // Bounded: scrypt over a megabyte-long "password" is a cheap denial of service.
  password: z.string().min(1).max(512),
});

export type CredentialsResult =
  | { ok: true; user: SessionUser }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "rate_limited"; retryAfterMinutes: number };

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
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const { email, password } = parsed.data;
  const context = { actorEmail: email, ip: input.ip ?? undefined, userAgent: input.userAgent ?? undefined };

  const limit = await checkSignInRateLimit(db, { email, ip: input.ip, now: input.now });
  if (!limit.allowed) {
    await recordAudit(db, {
      ...context,
      action: "auth.sign-in",
      outcome: "refused",
      details: { reason: "rate_limited", key: limit.key },
    });
    return { ok: false, reason: "rate_limited", retryAfterMinutes: limit.retryAfterMinutes };
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
