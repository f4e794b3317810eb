/**
 * The "ready to schedule" list: approved mTLS certificates not yet booked, most urgent
 * first — the fewest days until the certificate each one replaces expires (a partner about
 * to lose access), then those replacing nothing, oldest approval first.
 */
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { certificates, developerApps, environments, organisations, submissions } from "@/lib/db";
import { requireScheduler, type Actor } from "./access";
import { daysBetween } from "./time";

export type ReadyItem = {
  submissionId: string;
  organisationId: string;
  organisationName: string;
  appId: string;
  appName: string;
  programId: string;
  environmentKey: string;
  environmentLabel: string;
  production: boolean;
  approvedAt: Date | null;
  leaf: { subject: string; notAfter: Date; fingerprintSha256: string };
  replaces: { certificateId: string; subject: string; notAfter: Date } | null;
  /** Whole days from `now` to the replaced certificate's expiry; null when it replaces nothing. */
  daysUntilReplacedExpires: number | null;
};

export async function listReadyToSchedule(db: Database, input: { actor: Actor; now: Date; programIds?: string[] }): Promise<ReadyItem[]> {
  await requireScheduler(db, input.actor, "enablement.list-ready", input.now);
  const rows = await db
    .select({
      submissionId: submissions.id,
      organisationId: submissions.organisationId,
      organisationName: organisations.name,
      appId: submissions.appId,
      appName: developerApps.name,
      programId: developerApps.programId,
      environmentId: submissions.environmentId,
      environmentKey: environments.key,
      environmentLabel: environments.label,
      production: environments.production,
      approvedAt: submissions.decidedAt,
      leafSubject: certificates.subject,
      leafNotAfter: certificates.notAfter,
      leafFingerprint: certificates.fingerprintSha256,
    })
    .from(submissions)
    .innerJoin(developerApps, eq(developerApps.id, submissions.appId))
    .innerJoin(organisations, eq(organisations.id, submissions.organisationId))
    .innerJoin(environments, eq(environments.id, submissions.environmentId))
    .innerJoin(certificates, and(eq(certificates.submissionId, submissions.id), eq(certificates.role, "leaf")))
    .where(and(eq(submissions.status, "approved"), eq(submissions.purpose, "mtls"), input.programIds ? inArray(developerApps.programId, input.programIds) : undefined))
    .orderBy(asc(submissions.decidedAt))
    .limit(500);
  const active = rows.length
    ? await db
        .select({ id: certificates.id, appId: certificates.appId, environmentId: certificates.environmentId, subject: certificates.subject, notAfter: certificates.notAfter })
        .from(certificates)
        .innerJoin(submissions, eq(submissions.id, certificates.submissionId))
        .where(
          and(
            eq(certificates.role, "leaf"),
            eq(certificates.status, "active"),
            eq(submissions.purpose, "mtls"),
            inArray(sql`(${certificates.appId}, ${certificates.environmentId})`, rows.map((r) => sql`(${r.appId}::uuid, ${r.environmentId}::uuid)`)),
          ),
        )
    : [];
  const inService = new Map<string, (typeof active)[number]>();
  for (const a of active) {
    const key = `${a.appId}/${a.environmentId}`;
    const seen = inService.get(key);
    // Several in service (mid-rotation): the soonest to expire is what the replacement races.
    if (!seen || a.notAfter < seen.notAfter) inService.set(key, a);
  }
  const items: ReadyItem[] = rows.map((r) => {
    const replaced = inService.get(`${r.appId}/${r.environmentId}`) ?? null;
    return {
      submissionId: r.submissionId,
      organisationId: r.organisationId,
      organisationName: r.organisationName,
      appId: r.appId,
      appName: r.appName,
      programId: r.programId,
      environmentKey: r.environmentKey,
      environmentLabel: r.environmentLabel,
      production: r.production,
      approvedAt: r.approvedAt,
      leaf: { subject: r.leafSubject, notAfter: r.leafNotAfter, fingerprintSha256: r.leafFingerprint },
      replaces: replaced ? { certificateId: replaced.id, subject: replaced.subject, notAfter: replaced.notAfter } : null,
      daysUntilReplacedExpires: replaced ? daysBetween(input.now, replaced.notAfter) : null,
    };
  });
  // Stable sort: within equal urgency the approval order from the query stays.
  return items.sort((a, b) => (a.daysUntilReplacedExpires ?? Infinity) - (b.daysUntilReplacedExpires ?? Infinity));
}
