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
import { addBusinessDays, formatInZone, localDate, MS } from "./time";

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

/** Every rule for putting `s` into window `w`; throws a {@link Refusal} naming the first one broken. */
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
  const { s, window: w, replaced, settings, now } = input;
  const when = `the window of ${formatInZone(w.startsAt, input.viewerTimeZone, { year: false })}`;
  if (w.programId !== s.programId || w.environmentKey !== s.environmentKey) {
    throw new Refusal("INVALID_INPUT", `${when} is for ${w.programId} ${w.environmentKey}, not for ${s.appName}'s ${s.environmentLabel}.`);
  }
  if (w.status !== "planned") throw new Refusal("CONFLICT", `${capitalise(when)} is ${w.status}; choose a planned window.`);
  if (w.startsAt <= now) throw new Refusal("CONFLICT", `${capitalise(when)} has already opened; choose a later window.`);

  const blackouts = await loadBlackoutDates(tx, s);
  const day = localDate(w.startsAt, settings.timeZone);
  if (blackouts.has(day)) throw new Refusal("CONFLICT", `${capitalise(when)} falls on a blackout date (${day}: ${blackouts.get(day)}).`);

  if (s.production) {
    if (!s.approvedAt) throw new Refusal("CONFLICT", `${s.appName}'s certificate has no approval date; it cannot be scheduled for production.`);
    const earliest = addBusinessDays(localDate(s.approvedAt, settings.timeZone), settings.productionLeadBusinessDays, new Set(blackouts.keys()));
    if (day < earliest) {
      throw new Refusal(
        "CONFLICT",
        `${capitalise(when)} is too soon: production enablement needs ${settings.productionLeadBusinessDays} business day${settings.productionLeadBusinessDays === 1 ? "" : "s"} after approval (approved ${localDate(s.approvedAt, settings.timeZone)}); the earliest date is ${earliest}.`,
      );
    }
  }

  if (replaced) {
    const latest = new Date(replaced.notAfter.getTime() - settings.expiryMarginDays * MS.DAY);
    if (w.startsAt > latest) {
      throw new Refusal(
        "CONFLICT",
        `${capitalise(when)} is too late: the certificate it replaces (${replaced.subject}) expires ${formatInZone(replaced.notAfter, input.viewerTimeZone)}, and the replacement must be live ${settings.expiryMarginDays} days before, by ${formatInZone(latest, input.viewerTimeZone)}.`,
      );
    }
  }
  if (s.leaf && s.leaf.notAfter <= w.endsAt) {
    throw new Refusal("CONFLICT", `${capitalise(when)} is too late: the new certificate itself expires ${formatInZone(s.leaf.notAfter, input.viewerTimeZone)}.`);
  }

  const [{ booked } = { booked: 0 }] = await tx
    .select({ booked: sql<number>`count(*)::int` })
    .from(enablements)
    .where(
      and(
        eq(enablements.windowId, w.id),
        inArray(enablements.status, ["scheduled", "active"]),
        input.excludeEnablementId ? ne(enablements.id, input.excludeEnablementId) : undefined,
      ),
    );
  if (booked >= w.capacity) throw new Refusal("CONFLICT", `${capitalise(when)} is full (${booked} of ${w.capacity}).`);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
