/**
 * One submission as its page and the API show it: status with its timeline, findings,
 * files (metadata only: contents go through download-file, authorised and audited),
 * certificate metadata and reviewers' comments.
 */
import { issuanceStatus, listIssuedCertificates } from "@/lib/ca/issued";
import { and, asc, eq, inArray, or, sql } from "drizzle-orm";
import type { SubmissionStatus } from "@/lib/db";
import { auditEvents, certificates, findings, reviews, submissionFiles, users } from "@/lib/db";
import type { Actor } from "./actor";
import type { SubmissionDeps } from "./create-submission";
import { loadSubmissionForActor } from "./load-submission";
import { auditRefusals } from "./audit-refusal";
import { safeDisplayName } from "./stored-files";

/** The stages a submission goes through, in order, as the timeline draws them. */
export const TIMELINE_STAGES = ["submitted", "in_review", "changes_requested", "approved", "scheduled", "active", "retired", "revoked"] as const;
export type TimelineStage = (typeof TIMELINE_STAGES)[number];

export const STAGE_LABELS: Record<TimelineStage, string> = {
  submitted: "Submitted",
  in_review: "In review",
  changes_requested: "Changes requested",
  approved: "Approved",
  scheduled: "Scheduled",
  active: "Active",
  retired: "Retired",
  revoked: "Revoked",
};

/** The audit actions that mark a stage, and what they read as on the timeline. */
const EVENT_LABELS: Record<string, string> = {
  "submission.create": "Uploaded",
  "submission.submit": "Sent for review",
  "submission.withdraw": "Withdrawn",
  "submission.approve": "Approved",
  "submission.request_changes": "Changes requested",
  "submission.reject": "Rejected",
  "submission.schedule": "Scheduled",
  "submission.activate": "Active",
  "submission.retire": "Retired",
  "submission.revoke": "Revoked",
  "enablement.schedule": "Enablement scheduled",
  "enablement.activate": "Active on the gateway",
  "certificate.issue": "Certificates issued by Certdesk",
  "certificate.revoke": "Revoked",
  "certificate.revoked_upstream": "Revoked by its CA (daily revocation check)",
  "certificate.retire": "Retired",
  "certificate.expire": "Expired",
  "certificate.reminder": "Expiry reminder sent",
  "certificate.expiry_notice": "Expired: calls with it now fail",
  "certificate.renewal": "Renewal submitted (successor)",
  "review.approve": "Approved by a reviewer",
  "review.request_changes": "Changes requested by a reviewer",
  "review.reject": "Rejected by a reviewer",
};

/** Which stages a status has reached; `current` is where it stands now. */
export function stagesFor(status: SubmissionStatus): { stage: TimelineStage; state: "done" | "current" | "upcoming" | "skipped" }[] {
  const reached = (() => {
    switch (status) {
      case "draft":
        return { done: [] as TimelineStage[], current: undefined };
      case "in_review":
        return { done: ["submitted"] as TimelineStage[], current: "in_review" as const };
      case "changes_requested":
        return { done: ["submitted", "in_review"] as TimelineStage[], current: "changes_requested" as const };
      case "approved":
        return { done: ["submitted", "in_review"] as TimelineStage[], current: "approved" as const };
      case "rejected":
      case "withdrawn":
        return { done: ["submitted"] as TimelineStage[], current: undefined };
      case "scheduled":
        return { done: ["submitted", "in_review", "approved"] as TimelineStage[], current: "scheduled" as const };
      case "active":
        return { done: ["submitted", "in_review", "approved", "scheduled"] as TimelineStage[], current: "active" as const };
      case "retired":
        return { done: ["submitted", "in_review", "approved", "scheduled", "active"] as TimelineStage[], current: "retired" as const };
      case "revoked":
        return { done: ["submitted", "in_review", "approved", "scheduled", "active"] as TimelineStage[], current: "revoked" as const };
      default: {
        const never: never = status;
        throw new Error(`unknown status ${String(never)}`);
      }
    }
  })();
  const last = reached.current ?? reached.done.at(-1);
  const lastIndex = last ? TIMELINE_STAGES.indexOf(last) : -1;
  return TIMELINE_STAGES.map((stage, i) => {
    if (stage === reached.current) return { stage, state: "current" };
    if (reached.done.includes(stage)) return { stage, state: "done" };
    return { stage, state: i < lastIndex ? "skipped" : "upcoming" };
  });
}

export async function getSubmission(deps: Pick<SubmissionDeps, "db">, input: { actor: Actor; submissionId: string }) {
  const { db } = deps;
  // Issue 10: a read of another tenant's (or a made-up) id is a 404 and an audit event.
  const loaded = await auditRefusals(db, input.actor, { action: "submission.read", targetType: "submission", targetId: input.submissionId, codes: ["NOT_FOUND"] }, () =>
    loadSubmissionForActor(db, input.actor, input.submissionId),
  );
  const s = loaded.submission;
  const [findingRows, fileRows, certRows, reviewRows, events] = await Promise.all([
    db.select().from(findings).where(eq(findings.submissionId, s.id)),
    db
      .select({ id: submissionFiles.id, kind: submissionFiles.kind, name: submissionFiles.name, size: submissionFiles.size, sha256: submissionFiles.sha256, createdAt: submissionFiles.createdAt })
      .from(submissionFiles)
      .where(eq(submissionFiles.submissionId, s.id))
      .orderBy(asc(submissionFiles.createdAt), asc(submissionFiles.name)),
    db
      .select({
        id: certificates.id,
        position: certificates.position,
        role: certificates.role,
        subject: certificates.subject,
        issuer: certificates.issuer,
        serialNumber: certificates.serialNumber,
        notBefore: certificates.notBefore,
        notAfter: certificates.notAfter,
        fingerprintSha256: certificates.fingerprintSha256,
        spkiSha256: certificates.spkiSha256,
        keyAlgorithm: certificates.keyAlgorithm,
        keySize: certificates.keySize,
        status: certificates.status,
      })
      .from(certificates)
      .where(eq(certificates.submissionId, s.id))
      .orderBy(asc(certificates.position)),
    db
      .select({ id: reviews.id, decision: reviews.decision, comment: reviews.comment, createdAt: reviews.createdAt, reviewerName: users.name })
      .from(reviews)
      .innerJoin(users, eq(users.id, reviews.reviewerId))
      .where(eq(reviews.submissionId, s.id))
      .orderBy(asc(reviews.createdAt)),
    db
      .select({ seq: auditEvents.seq, at: auditEvents.at, action: auditEvents.action, actorEmail: auditEvents.actorEmail })
      .from(auditEvents)
      .where(
        and(
          // Scheduling events target the enablement and name the submission in their details (lib/scheduling).
          or(and(eq(auditEvents.targetType, "submission"), eq(auditEvents.targetId, s.id)), and(eq(auditEvents.targetType, "enablement"), sql`${auditEvents.details}->>'submissionId' = ${s.id}`)),
          eq(auditEvents.outcome, "success"),
          inArray(auditEvents.action, Object.keys(EVENT_LABELS)),
        ),
      )
      .orderBy(asc(auditEvents.seq)),
  ]);
  const severityOrder = { error: 0, warning: 1, info: 2 } as const;
  // Issue 12: what Certdesk's CA signed for a CSR submission (empty before issuance).
  const [issued, issuance] = s.kind === "csr" ? await Promise.all([listIssuedCertificates(db, s.id), issuanceStatus(db, s.id)]) : [[], null];
  return {
    id: s.id,
    status: s.status,
    verdict: s.verdict,
    kind: s.kind,
    purpose: s.purpose,
    program: { id: s.programId, version: s.programVersion },
    organisation: { id: s.organisationId, name: loaded.organisationName },
    app: { id: s.appId, name: loaded.appName },
    environment: { id: s.environmentId, key: loaded.environmentKey, label: loaded.environmentLabel, production: loaded.environmentProduction },
    approvalsRequired: s.approvalsRequired,
    createdAt: s.createdAt,
    submittedAt: s.submittedAt,
    decidedAt: s.decidedAt,
    leaf: s.leafFingerprint ? { subject: s.leafSubject, fingerprintSha256: s.leafFingerprint, spkiSha256: s.leafSpkiSha256, notAfter: s.leafNotAfter } : null,
    findings: findingRows
      .map((f) => ({
        id: f.id,
        code: f.code,
        severity: f.severity,
        certificate: f.position !== null ? { position: f.position, subject: f.subject } : null,
        message: f.message,
        fix: f.fix,
        acknowledgedAt: f.acknowledgedAt,
      }))
      .sort((a, b) => severityOrder[a.severity] - severityOrder[b.severity]),
    // Served names without invisible characters, also for rows stored before they were stripped on upload.
    files: fileRows.map((f) => ({ ...f, name: safeDisplayName(f.name) })),
    certificates: certRows,
    issued,
    issuance,
    reviews: reviewRows,
    stages: stagesFor(s.status),
    timeline: events.map((e) => ({ at: e.at, action: e.action, label: EVENT_LABELS[e.action] ?? e.action })),
  };
}

export type SubmissionView = Awaited<ReturnType<typeof getSubmission>>;
