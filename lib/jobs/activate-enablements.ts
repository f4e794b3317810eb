/**
 * The activation job: every minute (in-process locally, a scheduled Lambda on AWS).
 *
 *  1. materialises recurring windows ahead;
 *  2. activates the enablements whose window has opened (and immediate ones): the new
 *     certificate becomes active, the one it replaces goes "retiring" for the overlap;
 *  3. retires certificates whose overlap has ended; expires those past their not-after;
 *  4. opens/closes windows;
 *  5. republishes the trust store of every environment whose trusted set changed (and
 *     reconciles the others, so a publish that failed earlier is retried).
 *
 * Idempotent and safe to run twice at once: due enablements are claimed with
 * `FOR UPDATE SKIP LOCKED`, one per transaction, and every state change is a conditional
 * update (`WHERE status = …`), so a second runner finds nothing left to do. Publication
 * is serialised per environment and skipped when unchanged. Time comes from `now` only:
 * a run after an outage catches up on everything that fell due meanwhile.
 */
import { and, eq, inArray, lte, sql } from "drizzle-orm";
import { recordAudit } from "@/lib/audit";
import type { Database } from "@/lib/db";
import { certificates, developerApps, enablements, enablementWindows, environments, submissions } from "@/lib/db";
import { notify } from "@/lib/notifications/notify";
import { loadSchedulingSettings } from "@/lib/scheduling/settings";
import { environmentsToReconcile, publishTruststore, type PublishResult, type TruststoreScope } from "@/lib/scheduling/publish-truststore";
import { loadSchedulable } from "@/lib/scheduling/rules";
import { environmentLink } from "@/lib/scheduling/schedule-enablement";
import { materializeWindows } from "@/lib/scheduling/windows";
import { formatInZone, MS } from "@/lib/scheduling/time";
import type { Storage } from "@/lib/storage";
import { applyTruststoreVersions, type GatewayApplyReport } from "@/lib/gateway/apply-truststore-versions";
import { planActivationDue } from "@/lib/gateway/activation-due";
import type { GatewayTruststoreUpdater } from "@/lib/gateway/updater-types";

export type ActivationDeps = {
  db: Database;
  storage: Storage;
  now: Date;
  log?: (line: string, error?: unknown) => void;
  /** Issue 13: points API Gateway domains at each new trust store version (AWS); absent locally. */
  gateway?: GatewayTruststoreUpdater | null;
};

export type ActivationReport = {
  windowsCreated: number;
  activated: string[];
  failed: string[];
  retired: number;
  expired: number;
  windowsOpened: number;
  windowsClosed: number;
  published: { programId: string; environmentKey: string; version: number; cause: string }[];
  publishErrors: { programId: string; environmentKey: string }[];
  /** Issue 13: API Gateway domain updates (null: no updater in this runtime). */
  gateway: GatewayApplyReport | null;
};

const SYSTEM = { actorUserId: null, actorEmail: null, role: "system" } as const;
/** Enablements claimed per run; the rest wait a minute (bounds one run's duration). */
const MAX_PER_RUN = 200;

type Touched = Map<string, { scope: TruststoreScope; causes: string[] }>;

function touch(touched: Touched, scope: TruststoreScope, cause: string): void {
  const key = `${scope.programId}/${scope.environmentKey}`;
  // Only the two fields: callers pass richer rows, which must not leak into the report.
  const entry = touched.get(key) ?? { scope: { programId: scope.programId, environmentKey: scope.environmentKey }, causes: [] };
  entry.causes.push(cause);
  touched.set(key, entry);
}

export async function activateEnablements(deps: ActivationDeps): Promise<ActivationReport> {
  const { db, now } = deps;
  const log = deps.log ?? ((line: string, error?: unknown) => console.error(line, error ?? ""));
  const report: ActivationReport = { windowsCreated: 0, activated: [], failed: [], retired: 0, expired: 0, windowsOpened: 0, windowsClosed: 0, published: [], publishErrors: [], gateway: null };
  const touched: Touched = new Map();

  report.windowsCreated = (await materializeWindows(db, { now })).created;

  for (let i = 0; i < MAX_PER_RUN; i++) {
    const outcome = await activateNext(db, now, touched);
    if (outcome === null) break;
    (outcome.ok ? report.activated : report.failed).push(outcome.enablementId);
  }

  report.retired = await retireOverlaps(db, now, touched);
  report.expired = await expireCertificates(db, now, touched);

  const opened = await db
    .update(enablementWindows)
    .set({ status: "open" })
    .where(and(eq(enablementWindows.status, "planned"), lte(enablementWindows.startsAt, now), sql`${enablementWindows.endsAt} > ${now}`))
    .returning({ id: enablementWindows.id });
  const closed = await db
    .update(enablementWindows)
    .set({ status: "closed" })
    .where(and(inArray(enablementWindows.status, ["planned", "open"]), lte(enablementWindows.endsAt, now)))
    .returning({ id: enablementWindows.id });
  report.windowsOpened = opened.length;
  report.windowsClosed = closed.length;

  const scopes = new Map<string, { scope: TruststoreScope; causes: string[] }>(touched);
  for (const scope of await environmentsToReconcile(db)) {
    const key = `${scope.programId}/${scope.environmentKey}`;
    if (!scopes.has(key)) scopes.set(key, { scope, causes: ["reconcile"] });
  }
  for (const { scope, causes } of scopes.values()) {
    const cause = causes.join("; ").slice(0, 500);
    let result: PublishResult;
    try {
      result = await publishTruststore(db, deps.storage, { ...scope, now, cause });
    } catch (error) {
      // The database is right and S3 is behind: the next run's reconcile pass retries.
      log(`activate-enablements: publishing ${scope.programId}/${scope.environmentKey} failed; retried next run`, error);
      report.publishErrors.push(scope);
      continue;
    }
    if (result.published) report.published.push({ ...scope, version: result.version, cause });
  }
  // After the publications: point each gateway domain at the S3 version just written (and
  // at versions a revocation published meanwhile, or whose update failed last run).
  if (deps.gateway) report.gateway = await applyTruststoreVersions({ db, updater: deps.gateway, now, log });
  // Issue 13: tell the per-minute tick on AWS when to run next (S3 markers; it never opens the database).
  await planActivationDue({ db, storage: deps.storage, now }).catch((error: unknown) => log("activate-enablements: planning the next run's due markers failed; the daily run catches up", error));
  return report;
}

/** Claims one due enablement (SKIP LOCKED) and activates it in its own transaction; null when none is due. */
async function activateNext(db: Database, now: Date, touched: Touched): Promise<{ ok: boolean; enablementId: string } | null> {
  return db.transaction(async (tx) => {
    const claimed = await tx.execute<{ id: string }>(sql`
      select e.id from ${enablements} e
      left join ${enablementWindows} w on w.id = e.window_id
      where e.status = 'scheduled'
        and (e.window_id is null or (w.starts_at <= ${now} and w.status <> 'cancelled'))
      order by coalesce(w.starts_at, e.created_at), e.id
      limit 1
      for update of e skip locked`);
    const id = claimed.rows[0]?.id;
    if (!id) return null;
    const [e] = await tx.select().from(enablements).where(eq(enablements.id, id));
    const [window] = e!.windowId ? await tx.select().from(enablementWindows).where(eq(enablementWindows.id, e!.windowId)) : [];
    // Lock order everywhere: enablement, then submission (revocation takes them in the same
    // order), so a revocation racing this activation waits instead of deadlocking.
    const [locked] = await tx.select({ status: submissions.status }).from(submissions).where(eq(submissions.id, e!.submissionId)).for("update");
    const s = { ...(await loadSchedulable(tx, e!.submissionId)), submissionStatus: locked?.status ?? "withdrawn" };
    const scope = { programId: s.programId, environmentKey: s.environmentKey };
    const settings = await loadSchedulingSettings(tx, s.programId);

    // A certificate revoked, withdrawn or expired since it was booked must not go live.
    const problem =
      s.submissionStatus !== "scheduled"
        ? `the submission is ${s.submissionStatus}`
        : !s.leaf
          ? "the submission has no certificate"
          : s.leaf.notAfter <= now
            ? "the certificate has expired"
            : null;
    if (problem) {
      await tx.update(enablements).set({ status: "failed", reason: `not activated: ${problem}` }).where(and(eq(enablements.id, id), eq(enablements.status, "scheduled")));
      await recordAudit(tx, { ...SYSTEM, organisationId: s.organisationId, action: "enablement.activate", targetType: "enablement", targetId: id, outcome: "failure", at: now, details: { submissionId: s.submissionId, reason: problem } });
      await notify(tx, { roles: ["support"], kind: "enablement.failed", title: `${s.organisationName} ${s.appName} ${s.environmentLabel}: enablement not activated`, body: `The scheduled enablement was not activated: ${problem}.`, link: "/support" });
      return { ok: false, enablementId: id };
    }

    await tx.update(enablements).set({ status: "active", activatedAt: now }).where(and(eq(enablements.id, id), eq(enablements.status, "scheduled")));
    await tx.update(certificates).set({ status: "active", activatedAt: now }).where(and(eq(certificates.submissionId, s.submissionId), eq(certificates.status, "scheduled")));
    await tx.update(submissions).set({ status: "active", version: sql`${submissions.version} + 1`, updatedAt: now }).where(and(eq(submissions.id, s.submissionId), eq(submissions.status, "scheduled")));

    // Every other mTLS certificate in service for this app and environment is being replaced:
    // it stays trusted for the overlap (counted from now, the moment the new one is actually
    // trusted — after a missed run the partner still gets the full overlap).
    const retiresAt = new Date(now.getTime() + settings.overlapHours * MS.HOUR);
    const replacedSubmissions = await tx
      .selectDistinct({ id: certificates.submissionId })
      .from(certificates)
      .innerJoin(submissions, eq(submissions.id, certificates.submissionId))
      .where(
        and(
          eq(certificates.appId, s.appId),
          eq(certificates.environmentId, s.environmentId),
          eq(certificates.status, "active"),
          eq(submissions.purpose, "mtls"),
          sql`${certificates.submissionId} <> ${s.submissionId}`,
        ),
      );
    const replacedIds = replacedSubmissions.map((r) => r.id);
    if (replacedIds.length) {
      await tx
        .update(certificates)
        .set(settings.overlapHours > 0 ? { status: "retiring", retiresAt } : { status: "retired", retiresAt: now, retiredAt: now })
        .where(and(inArray(certificates.submissionId, replacedIds), eq(certificates.status, "active")));
      if (settings.overlapHours === 0) {
        await tx.update(submissions).set({ status: "retired", updatedAt: now }).where(and(inArray(submissions.id, replacedIds), eq(submissions.status, "active")));
      }
    }
    const late = window ? now.getTime() - window.startsAt.getTime() > 5 * MS.MINUTE : false;
    await recordAudit(tx, {
      ...SYSTEM,
      organisationId: s.organisationId,
      action: "enablement.activate",
      targetType: "enablement",
      targetId: id,
      outcome: "success",
      at: now,
      details: { submissionId: s.submissionId, windowId: window?.id ?? null, windowStartsAt: window?.startsAt ?? null, late, replacedSubmissions: replacedIds, retiresAt: replacedIds.length ? retiresAt : null },
    });
    await notify(tx, {
      organisationId: s.organisationId,
      kind: "enablement.activated",
      title: `${s.appName} ${s.environmentLabel}: certificate active`,
      body:
        `Your certificate ${s.leaf!.subject} is trusted by the gateway since ${formatInZone(now, settings.timeZone)}.` +
        (replacedIds.length ? ` The certificate it replaces stays trusted until ${formatInZone(retiresAt, settings.timeZone)}; switch your clients before then.` : ""),
      link: environmentLink(s),
      email: true,
    });
    touch(touched, scope, `activation of ${s.leaf!.subject} (${s.appName})`);
    return { ok: true, enablementId: id };
  });
}

async function scopesOf(db: Database, submissionIds: string[]): Promise<Map<string, TruststoreScope & { organisationId: string }>> {
  if (submissionIds.length === 0) return new Map();
  const rows = await db
    .select({ id: submissions.id, organisationId: submissions.organisationId, programId: developerApps.programId, environmentKey: environments.key })
    .from(submissions)
    .innerJoin(developerApps, eq(developerApps.id, submissions.appId))
    .innerJoin(environments, eq(environments.id, submissions.environmentId))
    .where(inArray(submissions.id, submissionIds));
  return new Map(rows.map((r) => [r.id, r]));
}

/** Retiring certificates whose overlap has ended leave; conditional, so two runners retire each once. */
async function retireOverlaps(db: Database, now: Date, touched: Touched): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(certificates)
      .set({ status: "retired", retiredAt: now })
      .where(and(eq(certificates.status, "retiring"), lte(certificates.retiresAt, now)))
      .returning({ submissionId: certificates.submissionId, role: certificates.role, subject: certificates.subject });
    const leaves = rows.filter((r) => r.role === "leaf");
    const ids = [...new Set(rows.map((r) => r.submissionId))];
    if (ids.length) await tx.update(submissions).set({ status: "retired", updatedAt: now }).where(and(inArray(submissions.id, ids), eq(submissions.status, "active")));
    const scopes = await scopesOf(tx, ids);
    for (const leaf of leaves) {
      const scope = scopes.get(leaf.submissionId)!;
      await recordAudit(tx, { ...SYSTEM, organisationId: scope.organisationId, action: "certificate.retire", targetType: "submission", targetId: leaf.submissionId, outcome: "success", at: now, details: { subject: leaf.subject, reason: "overlap ended" } });
      touch(touched, scope, `retirement of ${leaf.subject} (overlap ended)`);
    }
    return leaves.length;
  });
}

/** Certificates past their not-after leave the trust store at the next run. */
async function expireCertificates(db: Database, now: Date, touched: Touched): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(certificates)
      .set({ status: "expired" })
      .where(and(inArray(certificates.status, ["active", "retiring"]), lte(certificates.notAfter, now)))
      .returning({ submissionId: certificates.submissionId, role: certificates.role, subject: certificates.subject });
    const ids = [...new Set(rows.map((r) => r.submissionId))];
    const scopes = await scopesOf(tx, ids);
    // A submission whose leaf expired is out of service ("retired" is the submission's last state).
    const leafIds = [...new Set(rows.filter((r) => r.role === "leaf").map((r) => r.submissionId))];
    if (leafIds.length) await tx.update(submissions).set({ status: "retired", updatedAt: now }).where(and(inArray(submissions.id, leafIds), eq(submissions.status, "active")));
    for (const r of rows) {
      const scope = scopes.get(r.submissionId)!;
      await recordAudit(tx, { ...SYSTEM, organisationId: scope.organisationId, action: "certificate.expire", targetType: "submission", targetId: r.submissionId, outcome: "success", at: now, details: { subject: r.subject, role: r.role } });
      touch(touched, scope, `expiry of ${r.subject}`);
    }
    return rows.length;
  });
}
