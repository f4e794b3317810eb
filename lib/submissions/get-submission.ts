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
import { orderFindings } from "@/lib/policy/finding-order";

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
  "submission.supersede": "Superseded by a newer upload",
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

/** Which stages a status has reached; `current` is where it stands now. `submitted`: it was sent for review once (a rejected upload may never have been). */
export function stagesFor(status: SubmissionStatus, submitted = true): { stage: TimelineStage; state: "done" | "current" | "upcoming" | "skipped" }[] {
  const reached = (() => {
    switch (status) {
      case "draft":
      case "superseded":
        return { done: [] as TimelineStage[], current: undefined };
      case "in_review":
        return { done: ["submitted"] as TimelineStage[], current: "in_review" as const };
      case "changes_requested":
        return { done: ["submitted", "in_review"] as TimelineStage[], current: "changes_requested" as const };
      case "approved":
        return { done: ["submitted", "in_review"] as TimelineStage[], current: "approved" as const };
      case "rejected":
      case "withdrawn":
        return { done: submitted ? (["submitted"] as TimelineStage[]) : [], current: undefined };
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

export type PathStep = { label: string; state: "done" | "current" | "next" };
/** Issue 16: the status bar — where this submission has been, where it stands, and only the steps it can still take. */
export type SubmissionPath = { steps: PathStep[]; next: string };

/**
 * The path one submission can still take from its status: a rejected upload shows
 * "Uploaded → Rejected by the checks" and "upload a corrected chain", not every state a
 * submission can ever reach. `submitted`: it was sent for review once.
 */
export function pathFor(status: SubmissionStatus, submitted: boolean): SubmissionPath {
  const done = (...labels: string[]): PathStep[] => labels.map((label) => ({ label, state: "done" }));
  const current = (label: string): PathStep => ({ label, state: "current" });
  const next = (...labels: string[]): PathStep[] => labels.map((label) => ({ label, state: "next" }));
  const reviewed = submitted ? done("Uploaded", "In review") : done("Uploaded");
  switch (status) {
    case "draft":
      return {
        steps: [...done("Uploaded"), current("Draft"), ...next("In review", "Approved", "Active")],
        next: "Send it for review. A newer upload for this environment and purpose supersedes this draft (it stays listed, marked superseded).",
      };
    case "rejected":
      return submitted
        ? { steps: [...reviewed, current("Rejected by the reviewers")], next: "Upload a corrected chain (or CSR) as a new submission; the reviewers' comments below say what to change." }
        : { steps: [...done("Uploaded"), current("Rejected by the checks")], next: "Fix the errors under Findings and upload a corrected chain (or CSR) as a new submission. This upload stays here as a record." };
    case "superseded":
      return { steps: [...done("Uploaded", "Draft"), current("Superseded")], next: "Nothing more happens to this draft: a newer upload took its place. Continue with that one." };
    case "withdrawn":
      return { steps: [...reviewed, current("Withdrawn")], next: "Nothing more happens to this submission. Upload again when you are ready." };
    case "in_review":
      return {
        steps: [...done("Uploaded"), current("In review"), ...next("Approved", "Scheduled", "Active")],
        next: "The reviewers approve it, request changes or reject it. You can withdraw it while it is in review.",
      };
    case "changes_requested":
      return { steps: [...reviewed, current("Changes requested")], next: "Upload a corrected chain (or CSR): it becomes a new submission that answers the reviewers' comments." };
    case "approved":
      return { steps: [...reviewed, current("Approved"), ...next("Scheduled", "Active")], next: "Developer support schedules its enablement on the gateway." };
    case "scheduled":
      return { steps: [...reviewed, ...done("Approved"), current("Scheduled"), ...next("Active")], next: "It becomes active on the gateway at the booked time." };
    case "active":
      return { steps: [...reviewed, ...done("Approved", "Scheduled"), current("Active")], next: "It stays active until it expires, a renewal replaces it or it is revoked. Renew it before it expires." };
    case "retired":
      return { steps: [...reviewed, ...done("Approved", "Scheduled", "Active"), current("Retired")], next: "Nothing more happens to this submission: a renewal or a newer certificate replaced it." };
    case "revoked":
      return { steps: [...reviewed, ...done("Approved", "Scheduled", "Active"), current("Revoked")], next: "Nothing more happens to this submission. Upload a replacement made from a new key." };
    default: {
      const never: never = status;
      throw new Error(`unknown status ${String(never)}`);
    }
  }
}

/** Issue 16: the draft this one took the place of, or the upload that took this draft's place (from the audit trail). */
async function supersession(db: Pick<SubmissionDeps, "db">["db"], submissionId: string): Promise<{ supersededBy: string | null; superseded: string[] }> {
  const rows = await db
    .select({ action: auditEvents.action, details: auditEvents.details })
    .from(auditEvents)
    .where(and(eq(auditEvents.targetType, "submission"), eq(auditEvents.targetId, submissionId), eq(auditEvents.outcome, "success"), inArray(auditEvents.action, ["submission.create", "submission.supersede"])));
  const text = (v: unknown) => (typeof v === "string" ? v : null);
  const details = (r: (typeof rows)[number]) => (r.details ?? {}) as Record<string, unknown>;
  const by = rows.filter((r) => r.action === "submission.supersede").map((r) => text(details(r).supersededById)).find(Boolean) ?? null;
  const created = rows.find((r) => r.action === "submission.create");
  const list = created ? details(created).supersededDraftIds : undefined;
  return { supersededBy: by, superseded: Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : [] };
}

export async function getSubmission(deps: Pick<SubmissionDeps, "db">, input: { actor: Actor; submissionId: string }) {
  const { db } = deps;
  // Issue 10: a read of another tenant's (or a made-up) id is a 404 and an audit event.
  const loaded = await auditRefusals(db, input.actor, { action: "submission.read", targetType: "submission", targetId: input.submissionId, codes: ["NOT_FOUND"] }, () =>
    loadSubmissionForActor(db, input.actor, input.submissionId),
  );
  const s = loaded.submission;
  const [findingRows, fileRows, certRows, reviewRows, events, links] = await Promise.all([
    // Issue 16: shown in the fix-first order the engine gave them (rows come back in the order they were written).
    db.select().from(findings).where(eq(findings.submissionId, s.id)).then((rows) => orderFindings(rows)),
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
    supersession(db, s.id),
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
    stages: stagesFor(s.status, s.submittedAt !== null),
    path: pathFor(s.status, s.submittedAt !== null),
    supersededBy: links.supersededBy,
    supersedes: links.superseded,
    timeline: events.map((e) => ({ at: e.at, action: e.action, label: EVENT_LABELS[e.action] ?? e.action })),
  };
}

export type SubmissionView = Awaited<ReturnType<typeof getSubmission>>;
