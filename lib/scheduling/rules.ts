/**
 * The scheduling rules, shared by schedule and reschedule. Each refusal is a sentence a
 * support engineer can act on, naming the window in the viewer's zone.
 */
import { and, desc, eq, inArray, ne, sql } from "drizzle-orm";
import { AppError, type AppErrorCode } from "@/lib/auth/app-error";
import type { Database } from "@/lib/db";
import { certificates, developerApps, enablements, enablementWindows, environments, organisations, submissions } from "@/lib/db";
import type { SchedulingSettings } from "./settings";
import { loadBlackoutDates } from "./windows";
import { checkEligibility, type EligibilityCertificate } from "./eligibility";

/** An expected refusal raised inside a transaction; audited by the caller after the rollback. */
export class Refusal extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "Refusal";
  }
}

export type Schedulable = {
  submissionId: string;
  submissionStatus: string;
  submissionVersion: number;
  organisationId: string;
  organisationName: string;
  appId: string;
  appName: string;
  programId: string;
  environmentId: string;
  environmentKey: string;
  environmentLabel: string;
  production: boolean;
  approvedAt: Date | null;
  purpose: "mtls" | "signature";
  leaf: { id: string; subject: string; notBefore: Date; notAfter: Date; fingerprintSha256: string } | null;
};

/** The submission with everything the rules read; NOT_FOUND for an unknown id. */
export async function loadSchedulable(db: Database, submissionId: string): Promise<Schedulable> {
  if (!/^[0-9a-f-]{36}$/i.test(submissionId)) throw new AppError("NOT_FOUND", "That submission does not exist.");
  const [s] = await db
    .select({
      submissionId: submissions.id,
      submissionStatus: submissions.status,
      submissionVersion: submissions.version,
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
      purpose: submissions.purpose,
    })
    .from(submissions)
    .innerJoin(developerApps, eq(developerApps.id, submissions.appId))
    .innerJoin(organisations, eq(organisations.id, submissions.organisationId))
    .innerJoin(environments, eq(environments.id, submissions.environmentId))
    .where(eq(submissions.id, submissionId))
    .limit(1);
  if (!s) throw new AppError("NOT_FOUND", "That submission does not exist.");
  const [leaf] = await db
    .select({ id: certificates.id, subject: certificates.subject, notBefore: certificates.notBefore, notAfter: certificates.notAfter, fingerprintSha256: certificates.fingerprintSha256 })
    .from(certificates)
    .where(and(eq(certificates.submissionId, s.submissionId), eq(certificates.role, "leaf")))
    .limit(1);
  return { ...s, leaf: leaf ?? null };
}

export type ReplacedCertificate = { id: string; submissionId: string; subject: string; notAfter: Date };

/** The leaf in service for the same app and environment that the new certificate will replace. */
export async function findReplacedCertificate(db: Database, s: Pick<Schedulable, "appId" | "environmentId" | "submissionId">): Promise<ReplacedCertificate | null> {
  // Issue 14: a renewal names the certificate it replaces (submissions.replaces_certificate_id);
  // when that one is still in service it is the one the overlap and the expiry margin are about.
  const [linked] = await db
    .select({ id: certificates.id, submissionId: certificates.submissionId, subject: certificates.subject, notAfter: certificates.notAfter })
    .from(submissions)
    .innerJoin(certificates, eq(certificates.id, submissions.replacesCertificateId))
    .where(and(eq(submissions.id, s.submissionId), eq(certificates.appId, s.appId), eq(certificates.environmentId, s.environmentId), eq(certificates.status, "active")))
    .limit(1);
  if (linked) return linked;
  const [row] = await db
    .select({ id: certificates.id, submissionId: certificates.submissionId, subject: certificates.subject, notAfter: certificates.notAfter })
    .from(certificates)
    .innerJoin(submissions, eq(submissions.id, certificates.submissionId))
    .where(
      and(
        eq(certificates.appId, s.appId),
        eq(certificates.environmentId, s.environmentId),
        eq(certificates.role, "leaf"),
        eq(certificates.status, "active"),
        eq(submissions.purpose, "mtls"),
        ne(certificates.submissionId, s.submissionId),
      ),
    )
    .orderBy(desc(certificates.activatedAt))
    .limit(1);
  return row ?? null;
}

/** The certificate already booked (scheduled) for the same app environment, if any: one booking at a time. */
export async function findPendingBooking(db: Database, s: Pick<Schedulable, "appId" | "environmentId">): Promise<{ submissionId: string; subject: string; startsAt: Date | null } | null> {
  const [pending] = await db
    .select({ submissionId: submissions.id, subject: certificates.subject, startsAt: enablementWindows.startsAt })
    .from(enablements)
    .innerJoin(submissions, eq(submissions.id, enablements.submissionId))
    .innerJoin(certificates, and(eq(certificates.submissionId, submissions.id), eq(certificates.role, "leaf")))
    .leftJoin(enablementWindows, eq(enablementWindows.id, enablements.windowId))
    .where(and(eq(submissions.appId, s.appId), eq(submissions.environmentId, s.environmentId), eq(enablements.status, "scheduled")))
    .limit(1);
  return pending ?? null;
}

export type LockedWindow = typeof enablementWindows.$inferSelect;

/**
 * Locks the window row (FOR UPDATE) so the capacity count below cannot be raced by a
 * concurrent booking: the second booker waits here until the first commits, then counts it.
 */
export async function lockWindow(tx: Database, windowId: string): Promise<LockedWindow> {
  if (!/^[0-9a-f-]{36}$/i.test(windowId)) throw new Refusal("NOT_FOUND", "That window does not exist.");
  const [w] = await tx.select().from(enablementWindows).where(eq(enablementWindows.id, windowId)).for("update");
  if (!w) throw new Refusal("NOT_FOUND", "That window does not exist.");
  return w;
}

/** The facts {@link checkEligibility} reads about a loaded submission. */
export function eligibilityCertificate(s: Schedulable): EligibilityCertificate {
  return {
    appName: s.appName,
    programId: s.programId,
    environmentKey: s.environmentKey,
    environmentLabel: s.environmentLabel,
    production: s.production,
    approvedAt: s.approvedAt,
    leafNotAfter: s.leaf?.notAfter ?? null,
  };
}

/** Counts the window's seats taken (scheduled or active), leaving out the enablement being moved. */
export async function countBooked(tx: Database, windowId: string, excludeEnablementId?: string): Promise<number> {
  const [{ booked } = { booked: 0 }] = await tx
    .select({ booked: sql<number>`count(*)::int` })
    .from(enablements)
    .where(and(eq(enablements.windowId, windowId), inArray(enablements.status, ["scheduled", "active"]), excludeEnablementId ? ne(enablements.id, excludeEnablementId) : undefined));
  return booked;
}

/**
 * Every rule for putting `s` into window `w` ({@link checkEligibility}, the same function the
 * support page greys windows out with); throws a {@link Refusal} naming the first one broken.
 * Called with the window row locked, so the seat count cannot be raced.
 */
export async function checkWindowRules(
  tx: Database,
  input: {
    s: Schedulable;
    window: LockedWindow;
    replaced: ReplacedCertificate | null;
    settings: SchedulingSettings;
    now: Date;
    viewerTimeZone: string;
    /** Reschedule: the enablement being moved does not count against the capacity. */
    excludeEnablementId?: string;
  },
): Promise<void> {
  const { s, window: w } = input;
  const blackouts = await loadBlackoutDates(tx, s);
  const booked = await countBooked(tx, w.id, input.excludeEnablementId);
  const verdict = checkEligibility(
    { certificate: eligibilityCertificate(s), replaced: input.replaced, settings: input.settings, blackouts, now: input.now, viewerTimeZone: input.viewerTimeZone },
    { programId: w.programId, environmentKey: w.environmentKey, status: w.status, startsAt: w.startsAt, endsAt: w.endsAt, capacity: w.capacity, booked },
  );
  if (!verdict.eligible) throw new Refusal(verdict.code, verdict.message);
}

