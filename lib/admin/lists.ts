/**
 * Read models of the admin pages: organisations, users and program versions. Only provider
 * administrators may read them; every function checks that itself (pages are public HTTP
 * endpoints too), so the API or a job can reuse them safely.
 */
import { asc, count, desc, eq } from "drizzle-orm";
import { developerApps, memberships, organisations, programs, users, type Database } from "@/lib/db";
import type { SessionUser } from "@/lib/auth/access";
import { AppError } from "@/lib/auth/app-error";

export function isProviderAdmin(viewer: Pick<SessionUser, "memberships">): boolean {
  return viewer.memberships.some((m) => m.role === "admin" && m.kind === "provider");
}

export function assertProviderAdmin(viewer: Pick<SessionUser, "memberships">): void {
  if (!isProviderAdmin(viewer)) throw new AppError("FORBIDDEN", "Only administrators can see this.");
}

/**
 * Every organisation with its member and developer-app counts, partners after providers.
 *
 * @example
 * const orgs = await listOrganisations(db, { viewer });
 */
export async function listOrganisations(db: Database, input: { viewer: SessionUser }) {
  assertProviderAdmin(input.viewer);
  const [orgs, memberCounts, appCounts] = await Promise.all([
    db.select().from(organisations).orderBy(asc(organisations.kind), asc(organisations.name)),
    db.select({ organisationId: memberships.organisationId, n: count() }).from(memberships).groupBy(memberships.organisationId),
    db.select({ organisationId: developerApps.organisationId, n: count() }).from(developerApps).groupBy(developerApps.organisationId),
  ]);
  const members = new Map(memberCounts.map((r) => [r.organisationId, r.n]));
  const apps = new Map(appCounts.map((r) => [r.organisationId, r.n]));
  return orgs.map((o) => ({ ...o, members: members.get(o.id) ?? 0, apps: apps.get(o.id) ?? 0 }));
}

/** Every user with their roles per organisation, and how they sign in (never the password hash). */
export async function listUsers(db: Database, input: { viewer: SessionUser }) {
  assertProviderAdmin(input.viewer);
  const [userRows, memberRows] = await Promise.all([
    db
      .select({ id: users.id, email: users.email, name: users.name, disabled: users.disabled, lastSignInAt: users.lastSignInAt, passwordSet: users.passwordHash })
      .from(users)
      .orderBy(asc(users.email)),
    db
      .select({ userId: memberships.userId, organisationName: organisations.name, role: memberships.role })
      .from(memberships)
      .innerJoin(organisations, eq(organisations.id, memberships.organisationId)),
  ]);
  return userRows.map(({ passwordSet, ...u }) => ({
    ...u,
    // Only whether a password exists: the hash itself never leaves lib/.
    signIn: passwordSet ? "password" : "company account",
    memberships: memberRows.filter((m) => m.userId === u.id),
  }));
}

/** Every stored program version, by id then newest version first. */
export async function listProgramVersions(db: Database, input: { viewer: SessionUser }) {
  assertProviderAdmin(input.viewer);
  return db
    .select({ id: programs.id, version: programs.version, name: programs.name, definition: programs.definition, createdAt: programs.createdAt })
    .from(programs)
    .orderBy(asc(programs.id), desc(programs.version));
}
