/**
 * Read models of the partner pages: the apps × environments grid and one environment's
 * certificates and submissions. Each call is scoped to the viewer's organisations (staff
 * see every organisation), like every other domain function: pages only render.
 */
import { and, asc, count, desc, eq, inArray } from "drizzle-orm";
import { certificates, environments, findings, programs, submissions, type Database } from "@/lib/db";
import { findDeveloperAppForUser, listDeveloperAppsForUser, type ScopedDeveloperApp, type SessionUser } from "@/lib/auth/access";
import { AppError } from "@/lib/auth/app-error";
import { describeCell, type CellStatus } from "./certificate-status";
import { loadExpirySettings } from "@/lib/expiry/records";
import { expiryOf, type ExpiryState } from "@/lib/expiry/state";

/** Issue 14: the live leaf's expiry state (ok, warning, urgent, expired) and days left, with its id for the certificate page. */
export type CellExpiry = { certificateId: string; state: ExpiryState; daysLeft: number };
export type GridCell = { environmentKey: string; label: string; production: boolean; status: CellStatus; expiry: CellExpiry | null };
export type GridRow = ScopedDeveloperApp & { programName: string; cells: GridCell[] };

async function programNames(db: Database, programIds: string[]): Promise<Map<string, string>> {
  if (programIds.length === 0) return new Map();
  const rows = await db
    .select({ id: programs.id, version: programs.version, name: programs.name })
    .from(programs)
    .where(inArray(programs.id, programIds))
    .orderBy(asc(programs.version));
  // Latest version's name wins.
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * The partner home grid: the apps the viewer may see × their environments, each cell with
 * its certificate status at `now`.
 *
 * @example
 * const rows = await loadAppGrid(await getDb(), { viewer: user, now: new Date() });
 */
export async function loadAppGrid(db: Database, input: { viewer: SessionUser; now: Date }): Promise<GridRow[]> {
  const apps = await listDeveloperAppsForUser(db, input.viewer);
  if (apps.length === 0) return [];
  const appIds = apps.map((a) => a.id);
  const [envRows, certRows, subRows, names] = await Promise.all([
    db
      .select({ id: environments.id, appId: environments.appId, key: environments.key, label: environments.label, production: environments.production })
      .from(environments)
      .where(inArray(environments.appId, appIds))
      .orderBy(asc(environments.production), asc(environments.createdAt)),
    db
      .select({ id: certificates.id, environmentId: certificates.environmentId, status: certificates.status, notAfter: certificates.notAfter })
      .from(certificates)
      .where(and(inArray(certificates.appId, appIds), eq(certificates.role, "leaf"))),
    db
      .select({ environmentId: submissions.environmentId, status: submissions.status, createdAt: submissions.createdAt })
      .from(submissions)
      .where(inArray(submissions.appId, appIds)),
    programNames(db, [...new Set(apps.map((a) => a.programId))]),
  ]);
  const expirySettings = await loadExpirySettings(db, apps.map((a) => a.programId));
  const liveExpiry = (programId: string, environmentId: string): CellExpiry | null => {
    const live = certRows
      .filter((c) => c.environmentId === environmentId && (c.status === "active" || c.status === "retiring"))
      .sort((a, b) => b.notAfter.getTime() - a.notAfter.getTime())[0];
    return live ? { certificateId: live.id, ...expiryOf({ notAfter: live.notAfter, now: input.now, settings: expirySettings.get(programId)! }) } : null;
  };
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
          now: input.now,
        }),
        expiry: liveExpiry(app.programId, e.id),
      })),
  }));
}

/**
 * One environment's page: its certificates, its latest 50 submissions and the app's program.
 * An app the viewer may not see is "not found" (no hint that it exists); an environment of
 * another app yields nothing, since every query is keyed on both ids.
 */
/** The environment page lists this many attempts, newest first (and says how many there are in all). */
export const ATTEMPTS_SHOWN = 200;

export async function loadEnvironmentDetail(db: Database, input: { viewer: SessionUser; appId: string; environmentId: string; now?: Date }) {
  const app = await findDeveloperAppForUser(db, input.viewer, input.appId);
  if (!app) throw new AppError("NOT_FOUND", "No such developer app.");
  const { appId, environmentId } = input;
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
      .limit(ATTEMPTS_SHOWN),
    db
      .select({ id: programs.id, version: programs.version, name: programs.name })
      .from(programs)
      .where(eq(programs.id, app.programId))
      .orderBy(desc(programs.version))
      .limit(1),
  ]);
  // Issue 14: every leaf with its expiry state at `now`, under the program's thresholds.
  const settings = (await loadExpirySettings(db, [app.programId])).get(app.programId)!;
  const now = input.now ?? new Date();
  const withExpiry = certRows.map((c) => ({ ...c, expiry: expiryOf({ notAfter: c.notAfter, now, settings }) }));
  // Issue 16: every attempt with its verdict's error and warning counts, and how many there are in all.
  const ids = subRows.map((s) => s.id);
  const [countRows, [total]] = await Promise.all([
    ids.length
      ? db.select({ submissionId: findings.submissionId, severity: findings.severity, n: count() }).from(findings).where(inArray(findings.submissionId, ids)).groupBy(findings.submissionId, findings.severity)
      : Promise.resolve([]),
    db.select({ n: count() }).from(submissions).where(and(eq(submissions.appId, appId), eq(submissions.environmentId, environmentId))),
  ]);
  const counted = (id: string, severity: "error" | "warning") => countRows.find((r) => r.submissionId === id && r.severity === severity)?.n ?? 0;
  const attempts = subRows.map((s) => ({ ...s, errors: counted(s.id, "error"), warnings: counted(s.id, "warning") }));
  return { certificates: withExpiry, submissions: attempts, submissionCount: total?.n ?? attempts.length, program: programRows[0] ?? null };
}
