/**
 * Everything a reviewer weighs on one submission: the engine's findings (with their
 * acknowledgements), the chain, what changes against the certificate in service for the
 * same app and environment, the partner's history, the reviews so far, and the audit trail.
 */
import { and, asc, desc, eq, inArray, isNotNull, ne, or } from "drizzle-orm";
import { z } from "zod";
import {
  auditEvents,
  certificates,
  developerApps,
  environments,
  findings,
  memberships,
  organisations,
  reviews,
  submissionFiles,
  submissions,
  users,
  type Database,
} from "@/lib/db";
import { AppError, isAppError } from "@/lib/auth/app-error";
import type { SessionUser } from "@/lib/auth/access";
import { ageBadge, businessDaysBetween, type AgeBadge } from "./business-days";
import { reviewTargets } from "./programs";
import { currentState, decisionSummary } from "./decide";
import { loadExpirySettings } from "@/lib/expiry/records";
import { expiryOf } from "@/lib/expiry/state";
import { assertCanReadReviews, assertIndependent, assertReviewer } from "./reviewer";
import { latestRevocationCheck } from "@/lib/revocation/records";
import { safeDisplayName } from "@/lib/submissions/stored-files";
import { orderFindings } from "@/lib/policy/finding-order";

export type ChainCertificate = {
  id: string;
  position: number;
  role: "leaf" | "intermediate" | "root";
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  fingerprintSha256: string;
  spkiSha256: string;
  keyAlgorithm: string;
  keySize: number | null;
  status: string;
};

export type ComparisonRow = { field: "subject" | "issuer" | "key" | "keyAlgorithm" | "notBefore" | "notAfter"; label: string; active: string; proposed: string; changed: boolean };

const certColumns = {
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
};

/** Field by field: what the proposed leaf changes against the one in service. */
export function compareLeaves(active: ChainCertificate, proposed: ChainCertificate): ComparisonRow[] {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const key = (c: ChainCertificate) => `${c.keyAlgorithm}${c.keySize ? ` ${c.keySize}` : ""}`;
  const rows: Omit<ComparisonRow, "changed">[] = [
    { field: "subject", label: "Subject", active: active.subject, proposed: proposed.subject },
    { field: "issuer", label: "Issuer", active: active.issuer, proposed: proposed.issuer },
    { field: "key", label: "Public key (SPKI SHA-256)", active: active.spkiSha256, proposed: proposed.spkiSha256 },
    { field: "keyAlgorithm", label: "Key algorithm", active: key(active), proposed: key(proposed) },
    { field: "notBefore", label: "Valid from", active: day(active.notBefore), proposed: day(proposed.notBefore) },
    { field: "notAfter", label: "Valid until", active: day(active.notAfter), proposed: day(proposed.notAfter) },
  ];
  return rows.map((r) => ({ ...r, changed: r.active !== r.proposed }));
}

/**
 * The review page's data. Staff only (reviewers and admins); `canDecide` says whether
 * the viewer may take decisions on it, and if not, why.
 */
export async function getReview(db: Database, input: { viewer: SessionUser; submissionId: string; now?: Date }) {
  assertCanReadReviews(input.viewer);
  if (!z.uuid().safeParse(input.submissionId).success) throw new AppError("NOT_FOUND", "No such submission.");
  const now = input.now ?? new Date();
  const [s] = await db
    .select({
      submission: submissions,
      organisationName: organisations.name,
      companyName: organisations.companyName,
      organizationIdentifier: organisations.organizationIdentifier,
      appName: developerApps.name,
      environmentKey: environments.key,
      environmentLabel: environments.label,
      production: environments.production,
      createdByName: users.name,
      createdByEmail: users.email,
    })
    .from(submissions)
    .innerJoin(organisations, eq(organisations.id, submissions.organisationId))
    .innerJoin(developerApps, eq(developerApps.id, submissions.appId))
    .innerJoin(environments, eq(environments.id, submissions.environmentId))
    .leftJoin(users, eq(users.id, submissions.createdBy))
    .where(eq(submissions.id, input.submissionId));
  if (!s) throw new AppError("NOT_FOUND", "No such submission.");
  const sub = s.submission;

  const reviewerIds = new Set(
    (
      await db
        .select({ userId: memberships.userId })
        .from(memberships)
        .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
        .where(and(eq(memberships.role, "reviewer"), eq(organisations.kind, "provider")))
    ).map((r) => r.userId),
  );

  const findingRows = await db
    .select({ finding: findings, acknowledgedByName: users.name })
    .from(findings)
    .leftJoin(users, eq(users.id, findings.acknowledgedBy))
    .where(eq(findings.submissionId, sub.id))
    .orderBy(asc(findings.position), asc(findings.code));
  // Issue 16: the fix-first order of lib/policy (severity, then category), as the partner and the CLI see it.
  const findingList = orderFindings(
    findingRows.map(({ finding, acknowledgedByName }) => ({
      ...finding,
      acknowledgedByName,
      acknowledgedByReviewer: !!finding.acknowledgedBy && reviewerIds.has(finding.acknowledgedBy),
    })),
  );

  // Issue 16: what the partner uploaded (and what Certdesk derived from it), for download (lib/reviews/download-file.ts).
  const files = (
    await db
      .select({ id: submissionFiles.id, kind: submissionFiles.kind, name: submissionFiles.name, size: submissionFiles.size, sha256: submissionFiles.sha256 })
      .from(submissionFiles)
      .where(eq(submissionFiles.submissionId, sub.id))
      .orderBy(asc(submissionFiles.createdAt), asc(submissionFiles.name))
  ).map((f) => ({ ...f, name: safeDisplayName(f.name) }));

  const chain: ChainCertificate[] = await db.select(certColumns).from(certificates).where(eq(certificates.submissionId, sub.id)).orderBy(asc(certificates.position));

  // The leaf in service for the same app, environment and purpose.
  const [activeLeaf] = await db
    .select({ ...certColumns, submissionId: certificates.submissionId })
    .from(certificates)
    .innerJoin(submissions, eq(submissions.id, certificates.submissionId))
    .where(
      and(
        eq(certificates.appId, sub.appId),
        eq(certificates.environmentId, sub.environmentId),
        eq(certificates.role, "leaf"),
        eq(certificates.status, "active"),
        eq(submissions.purpose, sub.purpose),
        ne(certificates.submissionId, sub.id),
      ),
    )
    .orderBy(desc(certificates.activatedAt))
    .limit(1);
  const proposedLeaf = chain.find((c) => c.role === "leaf");
  // Issue 14: the certificate in service with its expiry state (word + days left), and whether this submission renews it explicitly.
  const activeExpiry = activeLeaf
    ? expiryOf({ notAfter: activeLeaf.notAfter, now: new Date(), settings: (await loadExpirySettings(db, [sub.programId])).get(sub.programId)! })
    : null;
  const comparison =
    activeLeaf && activeExpiry
      ? { active: activeLeaf, rows: proposedLeaf ? compareLeaves(activeLeaf, proposedLeaf) : [], activeExpiry, renews: sub.replacesCertificateId === activeLeaf.id }
      : null;

  const reviewList = await db
    .select({ id: reviews.id, decision: reviews.decision, comment: reviews.comment, createdAt: reviews.createdAt, reviewerId: reviews.reviewerId, reviewerName: users.name })
    .from(reviews)
    .innerJoin(users, eq(users.id, reviews.reviewerId))
    .where(eq(reviews.submissionId, sub.id))
    .orderBy(asc(reviews.createdAt));
  const approvals = reviewList.filter((r) => r.decision === "approve");

  const history = await db
    .select({
      id: submissions.id,
      status: submissions.status,
      kind: submissions.kind,
      appName: developerApps.name,
      environmentLabel: environments.label,
      leafSubject: submissions.leafSubject,
      submittedAt: submissions.submittedAt,
      createdAt: submissions.createdAt,
      decidedAt: submissions.decidedAt,
    })
    .from(submissions)
    .innerJoin(developerApps, eq(developerApps.id, submissions.appId))
    .innerJoin(environments, eq(environments.id, submissions.environmentId))
    .where(and(eq(submissions.organisationId, sub.organisationId), ne(submissions.id, sub.id), isNotNull(submissions.submittedAt)))
    .orderBy(desc(submissions.createdAt))
    .limit(25);

  // The resubmission thread both ways: the one this answers (and what was asked), and any answer to it.
  const supersedes = sub.supersedesId
    ? (
        await db
          .select({ id: submissions.id, status: submissions.status, submittedAt: submissions.submittedAt })
          .from(submissions)
          .where(and(eq(submissions.id, sub.supersedesId), eq(submissions.organisationId, sub.organisationId)))
      )[0] ?? null
    : null;
  const requested = supersedes
    ? (
        await db
          .select({ comment: reviews.comment, reviewerName: users.name, createdAt: reviews.createdAt })
          .from(reviews)
          .innerJoin(users, eq(users.id, reviews.reviewerId))
          .where(and(eq(reviews.submissionId, supersedes.id), eq(reviews.decision, "request_changes")))
          .orderBy(desc(reviews.createdAt))
          .limit(1)
      )[0] ?? null
    : null;
  const supersededBy = await db.select({ id: submissions.id, status: submissions.status }).from(submissions).where(eq(submissions.supersedesId, sub.id));

  const findingIds = findingList.map((f) => f.id);
  const audit = await db
    .select({
      seq: auditEvents.seq,
      at: auditEvents.at,
      actorEmail: auditEvents.actorEmail,
      action: auditEvents.action,
      outcome: auditEvents.outcome,
      targetType: auditEvents.targetType,
      details: auditEvents.details,
    })
    .from(auditEvents)
    .where(
      or(
        and(eq(auditEvents.targetType, "submission"), eq(auditEvents.targetId, sub.id)),
        findingIds.length ? and(eq(auditEvents.targetType, "finding"), inArray(auditEvents.targetId, findingIds)) : undefined,
      ),
    )
    .orderBy(asc(auditEvents.seq))
    .limit(500);

  const target = (await reviewTargets(db, [sub.programId])).get(sub.programId) ?? 2;
  const ageBusinessDays = sub.submittedAt ? businessDaysBetween(sub.submittedAt, sub.decidedAt ?? now) : 0;
  const badge: AgeBadge = ageBadge(ageBusinessDays, target);

  // Why the viewer cannot decide (shown instead of the forms); the actions check again.
  let cannotDecide: string | null = null;
  try {
    assertReviewer(input.viewer);
    assertIndependent(input.viewer, { createdBy: sub.createdBy, organisationId: sub.organisationId, organisationName: s.organisationName });
    if (sub.status !== "in_review") cannotDecide = decisionSummary(await currentState(db, sub));
  } catch (error) {
    if (!isAppError(error)) throw error;
    cannotDecide = error.message;
  }
  const approveBlockers = [
    ...(findingList.some((f) => f.severity === "error") || sub.verdict !== "accepted" ? ["Errors block approval."] : []),
    ...findingList.filter((f) => f.severity === "warning" && !f.acknowledgedByReviewer).map((f) => `Acknowledge warning ${f.code}.`),
    ...(approvals.some((a) => a.reviewerId === input.viewer.id) ? ["You already approved; a different reviewer must give the next approval."] : []),
  ];

  return {
    submission: sub,
    organisation: { id: sub.organisationId, name: s.organisationName, companyName: s.companyName, organizationIdentifier: s.organizationIdentifier },
    app: { id: sub.appId, name: s.appName },
    environment: { key: s.environmentKey, label: s.environmentLabel, production: s.production },
    createdBy: s.createdByName ? { name: s.createdByName, email: s.createdByEmail } : null,
    findings: findingList,
    chain,
    files,
    comparison,
    reviews: reviewList,
    approvals: approvals.length,
    history,
    supersedes: supersedes ? { ...supersedes, requested } : null,
    supersededBy,
    audit,
    age: { businessDays: ageBusinessDays, target, badge },
    cannotDecide,
    approveBlockers,
    /** Issue 15: the latest live revocation check of the leaf (at upload or by the daily re-check). */
    revocation: await latestRevocationCheck(db, sub.id),
  };
}

export type ReviewView = Awaited<ReturnType<typeof getReview>>;
