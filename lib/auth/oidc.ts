/**
 * aws mode: the company identity provider (OIDC) vouches for an e-mail; Certdesk
 * admits only EXISTING users whose e-mail the provider has verified. An unverified
 * e-mail would let anyone who can register "alice@bank.com" at a lax IdP become Alice.
 */
import type { Database } from "@/lib/db";
import { recordAudit } from "@/lib/audit";
import { findActiveUserByEmail, type SessionUser } from "./access";

export type OidcProfile = { sub?: string; email?: unknown; email_verified?: unknown; name?: unknown };

export type OidcResult = { ok: true; user: SessionUser } | { ok: false; reason: "email_unverified" | "unknown_user" };

/** Matches an OIDC profile to an existing user. Audits every outcome (`auth.sign-in`). */
export async function signInWithOidc(
  db: Database,
  input: { profile: OidcProfile; ip?: string | null; userAgent?: string | null },
): Promise<OidcResult> {
  const email = typeof input.profile.email === "string" ? input.profile.email.trim().toLowerCase() : "";
  const context = { actorEmail: email || undefined, ip: input.ip ?? undefined, userAgent: input.userAgent ?? undefined };
  // Some IdPs send "true" as a string; anything but an explicit true is unverified.
  const verified = input.profile.email_verified === true || input.profile.email_verified === "true";
  if (!email || !verified) {
    await recordAudit(db, { ...context, action: "auth.sign-in", outcome: "refused", details: { method: "oidc", reason: "email_unverified" } });
    return { ok: false, reason: "email_unverified" };
  }
  const user = await findActiveUserByEmail(db, email);
  if (!user) {
    await recordAudit(db, { ...context, action: "auth.sign-in", outcome: "refused", details: { method: "oidc", reason: "unknown_user" } });
    return { ok: false, reason: "unknown_user" };
  }
  await recordAudit(db, {
    ...context,
    actorUserId: user.id,
    role: user.roles.join(","),
    organisationId: user.memberships[0]?.organisationId,
    action: "auth.sign-in",
    outcome: "success",
    details: { method: "oidc" },
  });
  const { passwordHash: _omit, ...sessionUser } = user;
  return { ok: true, user: sessionUser };
}
