/**
 * Emergency revocation: a partner (or support on their behalf) reports a key compromise.
 * The certificate stops being trusted at once — outside any window — the gateway trust
 * store is republished, the partner and support are notified, and all of it is audited.
 *
 * Windows exist to coordinate planned changes; a compromised key is an attacker's
 * credential, so waiting for the next window would be the wrong trade.
 */
import { and, eq, inArray } from "drizzle-orm";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/auth/app-error";
import type { Database } from "@/lib/db";
import { certificates, enablements, submissions } from "@/lib/db";
import { notify } from "@/lib/notifications/notify";
import type { Storage } from "@/lib/storage";
import { actsFor } from "@/lib/submissions/actor";
import { isScheduler, refuse, who, type Actor } from "./access";
import { revokeIssuedForSubmission } from "@/lib/ca/revoke";
import { publishTruststore, type PublishResult } from "./publish-truststore";
import { loadSchedulable, Refusal } from "./rules";
import { environmentLink } from "./schedule-enablement";
import { formatInZone } from "./time";

export const REVOCATION_REASONS = ["key-compromise", "ca-compromise", "superseded", "cessation-of-operation"] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

const REVOCABLE = ["approved", "scheduled", "active", "retiring"] as const;

export type RevokeResult = { submissionId: string; revokedCertificates: number; cancelledEnablements: number; publish: PublishResult | { published: false; error: string } };

/**
 * Revokes the certificate (its whole chain as submitted) of `submissionId`.
 * Partners may revoke their own organisation's certificates; support and admin any.
 * Other tenants' ids are answered as not found.
 */
export async function revokeCertificate(
  deps: { db: Database; storage: Storage; log?: (line: string, error?: unknown) => void },
  input: { actor: Actor; now: Date; submissionId: string; reason: RevocationReason; comment?: string },
): Promise<RevokeResult> {
  const { db } = deps;
  const action = "certificate.revoke";
  if (!REVOCATION_REASONS.includes(input.reason)) throw new AppError("INVALID_INPUT", `Choose a reason: ${REVOCATION_REASONS.join(", ")}.`);
  const comment = input.comment?.trim().slice(0, 1000) || undefined;
  let s: Awaited<ReturnType<typeof loadSchedulable>>;
  try {
    s = await loadSchedulable(db, input.submissionId);
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") {
      return refuse(db, { actor: input.actor, action, code: "NOT_FOUND", message: "That certificate does not exist.", targetType: "submission", targetId: input.submissionId, at: input.now });
    }
    throw error;
  }
  const allowed = isScheduler(input.actor) || actsFor(input.actor, s.organisationId);
  if (!allowed) {
    // Same answer as a missing id: a partner cannot probe other tenants' certificates.
    return refuse(db, { actor: input.actor, action, code: "NOT_FOUND", message: "That certificate does not exist.", targetType: "submission", targetId: input.submissionId, at: input.now });
  }
  const { fields, via } = who(input.actor);
  try {
    return await applyRevocation(deps, s, { now: input.now, reason: input.reason, reasonText: input.reason, comment, fields, via, action });
  } catch (error) {
    if (error instanceof Refusal) {
      return refuse(db, { actor: input.actor, action, code: error.code, message: error.message, targetType: "submission", targetId: s.submissionId, organisationId: s.organisationId, at: input.now });
    }
    throw error;
  }
}

/** What the daily re-check records as the reason when a CA revoked a live certificate (issue 15). */
export const CA_REVOKED_REASON = "revoked by its CA";

/**
 * Revocation on the CA's word (issue 15, lib/jobs/recheck-revocation): no user acts, so no
 * authorization applies; the same transaction, notifications and republication as a partner's
 * revocation. Returns null when the certificate is no longer revocable (already revoked or retired).
 */
export async function revokeRevokedByCa(
  deps: { db: Database; storage: Storage; log?: (line: string, error?: unknown) => void },
  input: { now: Date; submissionId: string; detail: string; job: string },
): Promise<RevokeResult | null> {
  const s = await loadSchedulable(deps.db, input.submissionId);
  try {
    return await applyRevocation(deps, s, {
      now: input.now,
      reason: "revoked-by-ca",
      reasonText: CA_REVOKED_REASON,
      comment: input.detail.slice(0, 1000),
      fields: { actorUserId: null, actorEmail: null, role: "system" },
      via: { via: "job", job: input.job },
      action: "certificate.revoke",
    });
  } catch (error) {
    if (error instanceof Refusal) return null;
    throw error;
  }
}

async function applyRevocation(
  deps: { db: Database; storage: Storage; log?: (line: string, error?: unknown) => void },
  s: Awaited<ReturnType<typeof loadSchedulable>>,
  input: { now: Date; reason: string; reasonText: string; comment?: string; fields: Record<string, unknown>; via: Record<string, unknown>; action: string },
): Promise<RevokeResult> {
  const { db, storage } = deps;
  const { fields, via, action, comment } = input;
  const outcome: { revokedCertificates: number; cancelledEnablements: number } = await db.transaction(async (tx) => {
      // Locks its scheduled enablements, then the submission — the activation job's order — so a
      // concurrent activation of the same certificate either finishes first or waits and sees "revoked".
      await tx.select({ id: enablements.id }).from(enablements).where(and(eq(enablements.submissionId, s.submissionId), eq(enablements.status, "scheduled"))).for("update");
      const [locked] = await tx.select({ status: submissions.status }).from(submissions).where(eq(submissions.id, s.submissionId)).for("update");
      const status = locked?.status ?? s.submissionStatus;
      if (!(REVOCABLE as readonly string[]).includes(status)) {
        throw new Refusal("CONFLICT", `This certificate is ${status.replace("_", " ")}; only an approved, scheduled or active certificate can be revoked.`);
      }
      const revoked = await tx
        .update(certificates)
        .set({ status: "revoked", revokedAt: input.now, revocationReason: comment ? `${input.reasonText}: ${comment}` : input.reasonText })
        .where(and(eq(certificates.submissionId, s.submissionId), inArray(certificates.status, ["pending", "approved", "scheduled", "active", "retiring"])))
        .returning({ id: certificates.id });
      const cancelled = await tx
        .update(enablements)
        .set({ status: "cancelled", reason: `certificate revoked (${input.reason})` })
        .where(and(eq(enablements.submissionId, s.submissionId), eq(enablements.status, "scheduled")))
        .returning({ id: enablements.id });
      await tx.update(submissions).set({ status: "revoked", version: s.submissionVersion + 1, updatedAt: input.now }).where(eq(submissions.id, s.submissionId));
      // Issue 12: certificates Certdesk's CA issued are revoked at the CA too (CRL republished by the CA job within a minute).
      const atCa = await revokeIssuedForSubmission(tx, { submissionId: s.submissionId, reason: input.reason, now: input.now });
      await recordAudit(tx, {
        ...fields,
        organisationId: s.organisationId,
        action,
        targetType: "submission",
        targetId: s.submissionId,
        outcome: "success",
        at: input.now,
        details: { ...via, reason: input.reason, comment: comment ?? null, fingerprintSha256: s.leaf?.fingerprintSha256 ?? null, from: status, certificates: revoked.length, cancelledEnablements: cancelled.length, ...(atCa.serialNumbers.length ? { revokedAtCa: atCa.serialNumbers } : {}) },
      });
      const title = `${s.appName} ${s.environmentLabel}: certificate revoked`;
      const body = `The certificate ${s.leaf?.subject ?? ""} was revoked ${formatInZone(input.now, "UTC")} (${input.reasonText}${comment ? `: ${comment}` : ""}) and is no longer trusted by the gateway. Upload a replacement with a NEW key.`;
      await notify(tx, { organisationId: s.organisationId, kind: "certificate.revoked", title, body, link: environmentLink(s), email: true });
      await notify(tx, { roles: ["support", "admin"], kind: "certificate.revoked", title: `${s.organisationName}: ${title}`, body, link: `/support`, email: true });
      return { revokedCertificates: revoked.length, cancelledEnablements: cancelled.length };
    });
  // Republished after the commit. If S3 fails now, the revocation still stands in the database
  // and the activation job's reconcile pass republishes within a minute.
  let publish: RevokeResult["publish"];
  try {
    publish = await publishTruststore(db, storage, { programId: s.programId, environmentKey: s.environmentKey, now: input.now, cause: `revocation of ${s.leaf?.subject ?? s.submissionId} (${input.reason})` });
  } catch (error) {
    (deps.log ?? console.error)(`revocation ${s.submissionId}: trust store not republished; the job will retry`, error);
    publish = { published: false, error: "The trust store could not be republished just now; the activation job retries within a minute." };
  }
  return { submissionId: s.submissionId, ...outcome, publish };
}
