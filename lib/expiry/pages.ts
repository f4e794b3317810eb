/**
 * Loaders for the certificate page, the Expiring page and the renewal form (issue 14):
 * each takes the signed-in user and returns what the page draws, scoped like the API.
 */
import { and, eq, inArray, type SQL } from "drizzle-orm";
import { recordAudit } from "@/lib/audit";
import type { SessionUser } from "@/lib/auth/access";
import { hasRole } from "@/lib/auth/access";
import { AppError } from "@/lib/auth/app-error";
import { certificates, developerApps, environments, getDb, organisations } from "@/lib/db";
import { getCertificate, getCertificateLineage, listCertificates, remindersSentFor } from "./certificates";
import type { CertificateRecord } from "./records";
import { EXPIRY_STATES, type ExpiryState } from "./state";

/** A live certificate of this app and environment the user may renew, or null. */
export async function findRenewable(user: SessionUser, input: { id: string; appId: string; environmentKey: string }): Promise<CertificateRecord | null> {
  const c = await getCertificate(await getDb(), { viewer: user, id: input.id, now: new Date() }).catch(() => null);
  if (!c || c.appId !== input.appId || c.environmentKey !== input.environmentKey) return null;
  return ["scheduled", "active", "retiring"].includes(c.status) ? c : null;
}

export async function loadCertificatePage(user: SessionUser, id: string) {
  const db = await getDb();
  const now = new Date();
  const certificate = await getCertificate(db, { viewer: user, id, now });
  const [lineage, reminders] = await Promise.all([getCertificateLineage(db, { viewer: user, certificate, now }), remindersSentFor(db, certificate.id)]);
  const canRenew = user.memberships.some((m) => m.kind === "partner" && m.role === "partner" && m.organisationId === certificate.organisationId) && ["active", "retiring", "scheduled"].includes(certificate.status) && !certificate.successor;
  return { certificate, ...lineage, reminders, canRenew, now };
}

export type ExpiringFilters = {
  program?: string;
  environment?: string;
  organisation?: string;
  state?: ExpiryState;
  successor?: "yes" | "no";
};

/** Query-string filters, each validated; unknown values are dropped rather than failing the page. */
export function parseExpiringFilters(params: Record<string, string | string[] | undefined>): ExpiringFilters {
  const one = (k: string) => {
    const v = params[k];
    const s = Array.isArray(v) ? v[0] : v;
    return s && s.length <= 100 ? s : undefined;
  };
  const state = one("state");
  const successor = one("successor");
  return {
    program: one("program"),
    environment: one("environment"),
    organisation: one("organisation"),
    state: state && (EXPIRY_STATES as readonly string[]).includes(state) ? (state as ExpiryState) : undefined,
    successor: successor === "yes" || successor === "no" ? successor : undefined,
  };
}

function requireExpiringViewer(user: SessionUser): void {
  if (!hasRole(user, ["support", "admin"])) throw new AppError("FORBIDDEN", "The Expiring page is for developer support and administrators.");
}

/** Every live certificate (scheduled, active, retiring), fewest days left first, filtered. Support and admin only. */
export async function listExpiring(user: SessionUser, filters: ExpiringFilters): Promise<{ rows: CertificateRecord[]; options: { programs: string[]; environments: string[]; organisations: { id: string; name: string }[] } }> {
  requireExpiringViewer(user);
  const db = await getDb();
  const where: SQL[] = [inArray(certificates.status, ["scheduled", "active", "retiring"])];
  if (filters.program) where.push(eq(developerApps.programId, filters.program));
  if (filters.environment) where.push(eq(environments.key, filters.environment));
  if (filters.organisation && /^[0-9a-f-]{36}$/i.test(filters.organisation)) where.push(eq(certificates.organisationId, filters.organisation));
  let rows = await listCertificates(db, { viewer: user, now: new Date(), state: filters.state, where: and(...where) });
  if (filters.successor) rows = rows.filter((r) => (filters.successor === "yes" ? r.successor !== null : r.successor === null));
  const [programs, envs, orgs] = await Promise.all([
    db.selectDistinct({ id: developerApps.programId }).from(developerApps).orderBy(developerApps.programId),
    db.selectDistinct({ key: environments.key }).from(environments).orderBy(environments.key),
    db.select({ id: organisations.id, name: organisations.name }).from(organisations).where(eq(organisations.kind, "partner")).orderBy(organisations.name),
  ]);
  return { rows, options: { programs: programs.map((p) => p.id), environments: envs.map((e) => e.key), organisations: orgs } };
}

function csvCell(value: string | number | null): string {
  const s = value === null ? "" : String(value);
  // Formula injection: a subject starting with = + - @ would run in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The Expiring page as CSV; the export is an audit event (who exported what filters, how many rows). */
export async function exportExpiringCsv(user: SessionUser, filters: ExpiringFilters, meta: { ip?: string | null; userAgent?: string | null } = {}): Promise<{ filename: string; csv: string; rows: number }> {
  const { rows } = await listExpiring(user, filters);
  const header = ["organisation", "app", "program", "environment", "purpose", "subject", "serial", "not_after", "days_left", "state", "status", "successor", "reminders_sent"];
  const lines = [header.join(",")];
  for (const r of rows) {
    lines.push(
      [r.organisationName, r.appName, r.programId, r.environmentKey, r.purpose, r.subject, r.serialNumber, r.notAfter.toISOString(), r.expiry.daysLeft, r.expiry.state, r.status, r.successor ? r.successor.status : "", r.remindersSent.map((x) => x.days).join(" ")]
        .map(csvCell)
        .join(","),
    );
  }
  const db = await getDb();
  await recordAudit(db, {
    actorUserId: user.id,
    actorEmail: user.email,
    role: user.roles.join(","),
    action: "expiring.export",
    targetType: "certificates",
    outcome: "success",
    ip: meta.ip,
    userAgent: meta.userAgent,
    details: { filters, rows: rows.length },
  });
  return { filename: `certdesk-expiring-${new Date().toISOString().slice(0, 10)}.csv`, csv: lines.join("\r\n") + "\r\n", rows: rows.length };
}

/** Navigation badge: production and non-production certificates inside the urgent threshold with no successor. */
export async function urgentWithoutSuccessorCount(user: SessionUser): Promise<number> {
  if (!hasRole(user, ["support", "admin"])) return 0;
  const db = await getDb();
  const rows = await listCertificates(db, { viewer: user, now: new Date(), state: "urgent", where: inArray(certificates.status, ["scheduled", "active"]) });
  return rows.filter((r) => !r.successor).length;
}

