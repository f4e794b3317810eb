/**
 * Leaf certificates as the expiry job, the certificate pages and the partner API read
 * them: with their app, environment, program settings, successor and reminders sent.
 *
 * A certificate's successor is a submission in review, approved, scheduled or active that
 * renews it: explicitly (`submissions.replaces_certificate_id`, set by "Renew"), or, for
 * uploads made without the Renew button, any later submission for the same app,
 * environment and purpose that names no other certificate.
 */
import { and, asc, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { certificateReminders, certificates, developerApps, environments, organisations, programs, submissions } from "@/lib/db";
import { expiryOf, expirySettingsFrom, type ExpirySettings, type ExpiryState } from "./state";

export const SUCCESSOR_STATUSES = ["in_review", "approved", "scheduled", "active"] as const;
/** Leaf certificates that are (or are about to be) in service. */
export const LIVE_CERTIFICATE_STATUSES = ["scheduled", "active", "retiring"] as const;

export type CertificateRecord = {
  id: string;
  submissionId: string;
  organisationId: string;
  organisationName: string;
  appId: string;
  appName: string;
  programId: string;
  environmentKey: string;
  environmentLabel: string;
  production: boolean;
  purpose: "mtls" | "signature";
  subject: string;
  issuer: string;
  serialNumber: string;
  fingerprintSha256: string;
  spkiSha256: string;
  notBefore: Date;
  notAfter: Date;
  status: (typeof certificates.$inferSelect)["status"];
  activatedAt: Date | null;
  retiresAt: Date | null;
  /** The certificate this one's submission renewed (explicit link), if any. */
  predecessorId: string | null;
  successor: { submissionId: string; status: string; certificateId: string | null } | null;
  remindersSent: { days: number; sentAt: Date }[];
  settings: ExpirySettings;
  expiry: { state: ExpiryState; daysLeft: number };
};

const baseColumns = {
  id: certificates.id,
  submissionId: certificates.submissionId,
  organisationId: certificates.organisationId,
  organisationName: organisations.name,
  appId: certificates.appId,
  appName: developerApps.name,
  programId: developerApps.programId,
  environmentKey: environments.key,
  environmentLabel: environments.label,
  production: environments.production,
  purpose: submissions.purpose,
  submissionCreatedAt: submissions.createdAt,
  predecessorId: submissions.replacesCertificateId,
  subject: certificates.subject,
  issuer: certificates.issuer,
  serialNumber: certificates.serialNumber,
  fingerprintSha256: certificates.fingerprintSha256,
  spkiSha256: certificates.spkiSha256,
  notBefore: certificates.notBefore,
  notAfter: certificates.notAfter,
  status: certificates.status,
  activatedAt: certificates.activatedAt,
  retiresAt: certificates.retiresAt,
};

/** Newest stored version of each program → its expiry settings. */
export async function loadExpirySettings(db: Database, programIds: string[]): Promise<Map<string, ExpirySettings>> {
  const ids = [...new Set(programIds)];
  const out = new Map<string, ExpirySettings>();
  if (!ids.length) return out;
  const rows = await db
    .selectDistinctOn([programs.id], { id: programs.id, definition: programs.definition })
    .from(programs)
    .where(inArray(programs.id, ids))
    .orderBy(programs.id, desc(programs.version));
  for (const r of rows) out.set(r.id, expirySettingsFrom(r.definition));
  for (const id of ids) if (!out.has(id)) out.set(id, expirySettingsFrom(undefined));
  return out;
}

/**
 * Successors of the given leaf certificates (see the module comment), newest first per
 * certificate. `statuses` narrows which successor states count.
 */
export async function findSuccessors(
  db: Database,
  certificateIds: string[],
  statuses: readonly string[] = SUCCESSOR_STATUSES,
): Promise<Map<string, { submissionId: string; status: string; certificateId: string | null }>> {
  const out = new Map<string, { submissionId: string; status: string; certificateId: string | null }>();
  if (!certificateIds.length) return out;
  const result = await db.execute<{ cert_id: string; submission_id: string; status: string; leaf_id: string | null }>(sql`
    select distinct on (c.id) c.id as cert_id, s2.id as submission_id, s2.status, leaf.id as leaf_id
    from ${certificates} c
    join ${submissions} s on s.id = c.submission_id
    join ${submissions} s2 on s2.id <> s.id
      and s2.status in (${sql.join(statuses.map((st) => sql`${st}`), sql`, `)})
      and (s2.replaces_certificate_id = c.id
        or (s2.replaces_certificate_id is null and s2.app_id = c.app_id and s2.environment_id = c.environment_id
            and s2.purpose = s.purpose and s2.created_at > s.created_at))
    left join ${certificates} leaf on leaf.submission_id = s2.id and leaf.role = 'leaf'
    where c.id in (${sql.join(certificateIds.map((id) => sql`${id}::uuid`), sql`, `)})
    order by c.id, s2.created_at desc`);
  for (const r of result.rows) out.set(r.cert_id, { submissionId: r.submission_id, status: r.status, certificateId: r.leaf_id });
  return out;
}

export async function remindersOf(db: Database, certificateIds: string[]): Promise<Map<string, { days: number; sentAt: Date }[]>> {
  const out = new Map<string, { days: number; sentAt: Date }[]>();
  if (!certificateIds.length) return out;
  const rows = await db
    .select({ certificateId: certificateReminders.certificateId, days: certificateReminders.days, sentAt: certificateReminders.sentAt })
    .from(certificateReminders)
    .where(inArray(certificateReminders.certificateId, certificateIds))
    .orderBy(asc(certificateReminders.sentAt), desc(certificateReminders.days));
  for (const r of rows) {
    const list = out.get(r.certificateId) ?? [];
    list.push({ days: r.days, sentAt: r.sentAt });
    out.set(r.certificateId, list);
  }
  return out;
}

/**
 * Leaf certificates matching `where` (over certificates, submissions, apps, environments,
 * organisations), completed with settings, expiry state, successor and reminders.
 * Callers scope `where` to the viewer's organisations: this function does not authorise.
 */
export async function loadCertificateRecords(db: Database, input: { where?: SQL; now: Date; limit?: number }): Promise<CertificateRecord[]> {
  const rows = await db
    .select(baseColumns)
    .from(certificates)
    .innerJoin(submissions, eq(submissions.id, certificates.submissionId))
    .innerJoin(developerApps, eq(developerApps.id, certificates.appId))
    .innerJoin(environments, eq(environments.id, certificates.environmentId))
    .innerJoin(organisations, eq(organisations.id, certificates.organisationId))
    .where(and(eq(certificates.role, "leaf"), input.where))
    .orderBy(asc(certificates.notAfter), asc(certificates.id))
    .limit(Math.min(Math.max(input.limit ?? 1_000, 1), 5_000));
  const ids = rows.map((r) => r.id);
  const [settings, successors, reminders] = await Promise.all([
    loadExpirySettings(db, rows.map((r) => r.programId)),
    findSuccessors(db, ids),
    remindersOf(db, ids),
  ]);
  return rows.map((r) => {
    const s = settings.get(r.programId)!;
    const { submissionCreatedAt: _created, ...rest } = r;
    void _created;
    return {
      ...rest,
      settings: s,
      successor: successors.get(r.id) ?? null,
      remindersSent: (reminders.get(r.id) ?? []).filter((x) => x.days > 0),
      expiry: expiryOf({ notAfter: r.notAfter, now: input.now, settings: s }),
    };
  });
}
