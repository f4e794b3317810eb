import "server-only";
/**
 * Read models for the portal pages. Every loader takes the signed-in user and is
 * scoped through lib/auth's access rules; staff-only loaders are called only after
 * requireRole() in the page.
 */
import { and, asc, count, desc, eq, inArray } from "drizzle-orm";
import {
  auditEvents,
  certificates,
  developerApps,
  environments,
  getDb,
  memberships,
  organisations,
  programs,
  submissions,
  users,
} from "@/lib/db";
import { listDeveloperAppsForUser, type ScopedDeveloperApp, type SessionUser } from "@/lib/auth/access";
import { describeCell, type CellStatus } from "./certificate-status";

export type GridCell = { environmentKey: string; label: string; production: boolean; status: CellStatus };
export type GridRow = ScopedDeveloperApp & { programName: string; cells: GridCell[] };

async function programNames(programIds: string[]): Promise<Map<string, string>> {
  if (programIds.length === 0) return new Map();
  const db = await getDb();
  const rows = await db
    .select({ id: programs.id, version: programs.version, name: programs.name })
    .from(programs)
    .where(inArray(programs.id, programIds))
    .orderBy(asc(programs.version));
  // Latest version's name wins.
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The partner home grid: the user's apps × their environments with certificate status. */
export async function loadAppGrid(user: SessionUser, now: Date): Promise<GridRow[]> {
  const db = await getDb();
  const apps = await listDeveloperAppsForUser(db, user);
  if (apps.length === 0) return [];
  const appIds = apps.map((a) => a.id);
  const [envRows, certRows, subRows, names] = await Promise.all([
    db
      .select({ id: environments.id, appId: environments.appId, key: environments.key, label: environments.label, production: environments.production })
      .from(environments)
      .where(inArray(environments.appId, appIds))
      .orderBy(asc(environments.production), asc(environments.createdAt)),
    db
      .select({ environmentId: certificates.environmentId, status: certificates.status, notAfter: certificates.notAfter })
      .from(certificates)
      .where(and(inArray(certificates.appId, appIds), eq(certificates.role, "leaf"))),
    db
      .select({ environmentId: submissions.environmentId, status: submissions.status, createdAt: submissions.createdAt })
      .from(submissions)
      .where(inArray(submissions.appId, appIds)),
    programNames([...new Set(apps.map((a) => a.programId))]),
  ]);
  return apps.map((app) => ({
    ...app,
    programName: names.get(app.programId) ?? app.programId,
    cells: envRows
      .filter((e) => e.appId === app.id)
      .map((e) => ({
        environmentKey: e.key,
        label: e.label,
        production: e.production,
        status: describeCell({
          certificates: certRows.filter((c) => c.environmentId === e.id),
          submissions: subRows.filter((s) => s.environmentId === e.id),
          now,
        }),
      })),
  }));
}

/** One environment's page: its certificates and submissions (the caller has scoped the app). */
export async function loadEnvironmentDetail(appId: string, environmentId: string, programId: string) {
  const db = await getDb();
  const [certRows, subRows, programRows] = await Promise.all([
    db
      .select({
        id: certificates.id,
        role: certificates.role,
        subject: certificates.subject,
        issuer: certificates.issuer,
        serialNumber: certificates.serialNumber,
        notBefore: certificates.notBefore,
        notAfter: certificates.notAfter,
        status: certificates.status,
        fingerprintSha256: certificates.fingerprintSha256,
      })
      .from(certificates)
      .where(and(eq(certificates.appId, appId), eq(certificates.environmentId, environmentId)))
      .orderBy(desc(certificates.createdAt), asc(certificates.position)),
    db
      .select({
        id: submissions.id,
        kind: submissions.kind,
        purpose: submissions.purpose,
        status: submissions.status,
        verdict: submissions.verdict,
        leafSubject: submissions.leafSubject,
        programVersion: submissions.programVersion,
        createdAt: submissions.createdAt,
        submittedAt: submissions.submittedAt,
      })
      .from(submissions)
      .where(and(eq(submissions.appId, appId), eq(submissions.environmentId, environmentId)))
      .orderBy(desc(submissions.createdAt))
      .limit(50),
    db
      .select({ id: programs.id, version: programs.version, name: programs.name })
      .from(programs)
      .where(eq(programs.id, programId))
      .orderBy(desc(programs.version))
      .limit(1),
  ]);
  return { certificates: certRows, submissions: subRows, program: programRows[0] ?? null };
}

/** Reviewer queue: submissions waiting for a decision, oldest first (staff only). */
export async function loadReviewQueue() {
  const db = await getDb();
  return db
    .select({
      id: submissions.id,
      organisationName: organisations.name,
      appId: developerApps.id,
      appName: developerApps.name,
      environmentKey: environments.key,
      environmentLabel: environments.label,
      production: environments.production,
      kind: submissions.kind,
      leafSubject: submissions.leafSubject,
      approvalsRequired: submissions.approvalsRequired,
      submittedAt: submissions.submittedAt,
      createdAt: submissions.createdAt,
    })
    .from(submissions)
    .innerJoin(organisations, eq(organisations.id, submissions.organisationId))
    .innerJoin(developerApps, eq(developerApps.id, submissions.appId))
    .innerJoin(environments, eq(environments.id, submissions.environmentId))
    .where(eq(submissions.status, "in_review"))
    .orderBy(asc(submissions.submittedAt), asc(submissions.createdAt))
    .limit(200);
}

/** Support home: approved submissions waiting for an enablement window (staff only). */
export async function loadApprovedForScheduling() {
  const db = await getDb();
  return db
    .select({
      id: submissions.id,
      organisationName: organisations.name,
      appId: developerApps.id,
      appName: developerApps.name,
      environmentKey: environments.key,
      environmentLabel: environments.label,
      production: environments.production,
      leafSubject: submissions.leafSubject,
      leafNotAfter: submissions.leafNotAfter,
      decidedAt: submissions.decidedAt,
    })
    .from(submissions)
    .innerJoin(organisations, eq(organisations.id, submissions.organisationId))
    .innerJoin(developerApps, eq(developerApps.id, submissions.appId))
    .innerJoin(environments, eq(environments.id, submissions.environmentId))
    .where(eq(submissions.status, "approved"))
    .orderBy(asc(submissions.decidedAt))
    .limit(200);
}

/** Admin: organisations with member and app counts. */
export async function loadOrganisations() {
  const db = await getDb();
  const [orgs, memberCounts, appCounts] = await Promise.all([
    db.select().from(organisations).orderBy(asc(organisations.kind), asc(organisations.name)),
    db.select({ organisationId: memberships.organisationId, n: count() }).from(memberships).groupBy(memberships.organisationId),
    db.select({ organisationId: developerApps.organisationId, n: count() }).from(developerApps).groupBy(developerApps.organisationId),
  ]);
  const members = new Map(memberCounts.map((r) => [r.organisationId, r.n]));
  const apps = new Map(appCounts.map((r) => [r.organisationId, r.n]));
  return orgs.map((o) => ({ ...o, members: members.get(o.id) ?? 0, apps: apps.get(o.id) ?? 0 }));
}

/** Admin: every developer app with its organisation, program and environments. */
export async function loadAllApps(user: SessionUser) {
  const rows = await loadAppGrid(user, new Date());
  return rows;
}

/** Admin: users with their roles per organisation. */
export async function loadUsers() {
  const db = await getDb();
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

/** Admin: every stored program version. */
export async function loadPrograms() {
  const db = await getDb();
  return db
    .select({ id: programs.id, version: programs.version, name: programs.name, definition: programs.definition, createdAt: programs.createdAt })
    .from(programs)
    .orderBy(asc(programs.id), desc(programs.version));
}

/** Admin: the most recent audit events. */
export async function loadAuditEvents(limit = 200) {
  const db = await getDb();
  return db.select().from(auditEvents).orderBy(desc(auditEvents.seq)).limit(limit);
}
