import "server-only";
/**
 * The ONE place that reads identity. Every page, server action and route handler
 * calls these helpers; authorization is never left to proxy.ts alone, because server
 * actions and route handlers are public HTTP endpoints.
 */
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { forbidden, notFound, redirect } from "next/navigation";
import { cache } from "react";
import { getDb, type Role } from "@/lib/db";
import { recordAudit } from "@/lib/audit";
import {
  findDeveloperAppForUser,
  findEnvironmentForUser,
  hasRole,
  loadSessionUser,
  type ScopedDeveloperApp,
  type ScopedEnvironment,
  type SessionUser,
} from "./access";
import { AppError } from "./app-error";
import { clientIpFrom, userAgentFrom } from "./client-ip";
import { getAuthOptions, type CertdeskToken } from "./options";
import { safeCallbackPath } from "./redirect";
import { checkSession } from "./sessions";
import { getConfig } from "@/lib/config";

/**
 * The signed-in user (fresh from the database), or null. Memoised per request. The JWT
 * alone is not enough: its server-side session must still hold (not signed out, not
 * idle for 30 minutes, under 8 hours old, user unchanged since — lib/auth/sessions).
 */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(await getAuthOptions());
  const { id: uid, sid } = (session?.user as { id?: string; sid?: string } | undefined) ?? {};
  if (!uid) return null;
  const db = await getDb();
  if (!(await checkSession(db, { sid, userId: uid, now: new Date() })).ok) return null;
  return loadSessionUser(db, uid);
});

/** The path being rendered, as proxy.ts recorded it (it overwrites any client-sent value). */
async function currentPath(): Promise<string | undefined> {
  const path = (await headers()).get("x-certdesk-path") ?? undefined;
  // Same-origin paths only: "//evil.example" would be an open redirect after sign-in.
  if (!path) return undefined;
  const safe = safeCallbackPath(path, getConfig().publicUrl);
  return safe === "/" ? undefined : safe;
}

/** Pages: the user, or a redirect to /signin that comes back here afterwards. */
export async function requireUser(options: { returnTo?: string } = {}): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) {
    const wanted = options.returnTo ?? (await currentPath());
    const back = wanted ? safeCallbackPath(wanted, getConfig().publicUrl) : "/";
    redirect(back !== "/" ? `/signin?callbackUrl=${encodeURIComponent(back)}` : "/signin");
  }
  return user;
}

/** Route handlers and server actions: the user, or AppError UNAUTHENTICATED (401). */
export async function requireApiUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) throw new AppError("UNAUTHENTICATED", "Sign in first.");
  return user;
}

async function auditRefusal(user: SessionUser, details: Record<string, unknown>): Promise<void> {
  const h = await headers();
  await recordAudit(await getDb(), {
    actorUserId: user.id,
    actorEmail: user.email,
    role: user.roles.join(","),
    organisationId: user.memberships[0]?.organisationId,
    action: "access.refused",
    outcome: "refused",
    ip: clientIpFrom(h) ?? undefined,
    userAgent: userAgentFrom(h) ?? undefined,
    details,
  });
}

/**
 * The user if they hold one of the roles; otherwise the refusal is audited and the
 * request ends with 403: pages render app/forbidden.tsx; with `api: true` (route
 * handlers, server actions) an AppError FORBIDDEN is thrown for errorResponse().
 * Signed-out visitors go to sign-in first (pages) or get 401 (api).
 */
export async function requireRole(role: Role | readonly Role[], options: { returnTo?: string; api?: boolean } = {}): Promise<SessionUser> {
  const user = options.api ? await requireApiUser() : await requireUser(options);
  if (!hasRole(user, role)) {
    await auditRefusal(user, { required: typeof role === "string" ? [role] : role, path: options.returnTo ?? (await currentPath()) });
    if (options.api) throw new AppError("FORBIDDEN", "Your account does not have access to this.");
    forbidden();
  }
  return user;
}

/** A developer app the user may see; another tenant's (or a missing) id is a 404. */
export async function loadDeveloperAppForUser(user: SessionUser, appId: string): Promise<ScopedDeveloperApp> {
  const app = await findDeveloperAppForUser(await getDb(), user, appId);
  if (!app) notFound();
  return app;
}

/** An app's environment (by key) the user may see; otherwise a 404. */
export async function loadEnvironmentForUser(
  user: SessionUser,
  ref: { appId: string; key: string },
): Promise<{ app: ScopedDeveloperApp; environment: ScopedEnvironment }> {
  const found = await findEnvironmentForUser(await getDb(), user, ref);
  if (!found) notFound();
  return found;
}

export type { SessionUser, CertdeskToken };
