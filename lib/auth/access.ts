/**
 * Who a signed-in user is and what they may see, computed from the database on every
 * request (not trusted from the JWT alone), so a disabled user or a removed membership
 * takes effect at once rather than when the token expires.
 *
 * Tenancy: partners see their own organisations' records only; staff (reviewer,
 * support, admin — members of the provider organisation) see every organisation's.
 * Another tenant's id is answered exactly like an id that does not exist, so ids
 * cannot be probed.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Database, Role } from "@/lib/db";
import { developerApps, environments, memberships, organisations, users } from "@/lib/db";

export type Membership = { organisationId: string; name: string; kind: "partner" | "provider"; role: Role };

export type SessionUser = {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  memberships: Membership[];
};

export const STAFF_ROLES: readonly Role[] = ["reviewer", "support", "admin"];

const uuid = z.uuid();

/** The current user with memberships, or null when the user is unknown or disabled. */
export async function loadSessionUser(db: Database, userId: string): Promise<SessionUser | null> {
  if (!uuid.safeParse(userId).success) return null;
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, disabled: users.disabled })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!user || user.disabled) return null;
  return { id: user.id, email: user.email, name: user.name, ...(await loadMemberships(db, user.id)) };
}

/** An active user by e-mail (case-insensitive), for sign-in. */
export async function findActiveUserByEmail(
  db: Database,
  email: string,
): Promise<(SessionUser & { passwordHash: string | null }) | null> {
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, disabled: users.disabled, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email.trim().toLowerCase()))
    .limit(1);
  if (!user || user.disabled) return null;
  return { id: user.id, email: user.email, name: user.name, passwordHash: user.passwordHash, ...(await loadMemberships(db, user.id)) };
}

async function loadMemberships(db: Database, userId: string): Promise<{ roles: Role[]; memberships: Membership[] }> {
  const rows = await db
    .select({
      organisationId: memberships.organisationId,
      name: organisations.name,
      kind: organisations.kind,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(organisations.name));
  const roles = [...new Set(rows.map((r) => r.role))];
  return { roles, memberships: rows };
}

/** Whether the user holds `role` (or any of `roles`) in any organisation. */
export function hasRole(user: Pick<SessionUser, "roles">, role: Role | readonly Role[]): boolean {
  const wanted: readonly Role[] = typeof role === "string" ? [role] : role;
  return wanted.some((r) => user.roles.includes(r));
}

/** Staff see every organisation's records. */
export function isStaff(user: Pick<SessionUser, "roles">): boolean {
  return hasRole(user, STAFF_ROLES);
}

/** Organisations whose records the user may see as a partner. */
export function partnerOrganisationIds(user: Pick<SessionUser, "memberships">): string[] {
  return user.memberships.filter((m) => m.role === "partner").map((m) => m.organisationId);
}

/** The page a user lands on after sign-in. */
export function homePathFor(user: Pick<SessionUser, "roles">): string {
  if (hasRole(user, "partner")) return "/apps";
  if (hasRole(user, "reviewer")) return "/reviews";
  if (hasRole(user, "support")) return "/support";
  if (hasRole(user, "admin")) return "/admin";
  return "/no-access";
}

export type ScopedDeveloperApp = {
  id: string;
  name: string;
  programId: string;
  organisationId: string;
  organisationName: string;
  createdAt: Date;
};

const appColumns = {
  id: developerApps.id,
  name: developerApps.name,
  programId: developerApps.programId,
  organisationId: developerApps.organisationId,
  organisationName: organisations.name,
  createdAt: developerApps.createdAt,
};

/**
 * A developer app, only if the user may see it: a member of its organisation, or
 * staff. Otherwise null — the same answer as for an id that does not exist.
 */
export async function findDeveloperAppForUser(db: Database, user: SessionUser, appId: string): Promise<ScopedDeveloperApp | null> {
  // A malformed id would make PostgreSQL throw (a 500 that tells an id exists or not).
  if (!uuid.safeParse(appId).success) return null;
  const [app] = await db
    .select(appColumns)
    .from(developerApps)
    .innerJoin(organisations, eq(organisations.id, developerApps.organisationId))
    .where(eq(developerApps.id, appId))
    .limit(1);
  if (!app) return null;
  if (isStaff(user)) return app;
  return partnerOrganisationIds(user).includes(app.organisationId) ? app : null;
}

/** The developer apps the user may see (partners: their organisations'; staff: all). */
export async function listDeveloperAppsForUser(db: Database, user: SessionUser): Promise<ScopedDeveloperApp[]> {
  const base = db
    .select(appColumns)
    .from(developerApps)
    .innerJoin(organisations, eq(organisations.id, developerApps.organisationId));
  if (isStaff(user)) return base.orderBy(asc(organisations.name), asc(developerApps.name));
  const orgIds = partnerOrganisationIds(user);
  if (orgIds.length === 0) return [];
  return base.where(inArray(developerApps.organisationId, orgIds)).orderBy(asc(organisations.name), asc(developerApps.name));
}

export type ScopedEnvironment = { id: string; key: string; label: string; production: boolean };

/** One environment of an app the user may see, by its key (sandbox, production…); null otherwise. */
export async function findEnvironmentForUser(
  db: Database,
  user: SessionUser,
  ref: { appId: string; key: string },
): Promise<{ app: ScopedDeveloperApp; environment: ScopedEnvironment } | null> {
  const app = await findDeveloperAppForUser(db, user, ref.appId);
  if (!app) return null;
  const [environment] = await db
    .select({ id: environments.id, key: environments.key, label: environments.label, production: environments.production })
    .from(environments)
    .where(and(eq(environments.appId, app.id), eq(environments.key, ref.key)))
    .limit(1);
  return environment ? { app, environment } : null;
}
