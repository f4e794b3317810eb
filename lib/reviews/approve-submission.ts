/**
 * Approve: one reviewer's approval. The submission becomes approved when it has as many
 * approvals from different reviewers as it requires (two in production by default).
 * Errors block approval; every warning needs a reviewer's acknowledgement first.
 */
import { and, eq, inArray } from "drizzle-orm";
import { certificates, findings, memberships, organisations, reviews, type SubmissionStatus } from "@/lib/db";
import { AppError } from "@/lib/auth/app-error";
import { markIssuancePending } from "@/lib/ca/issue-certificates";
import { announceApprovalNeeded, announceDecision, resolveApprovalNeeded } from "./announce";
import { changeStatus, runReviewAction, type ReviewActionInput, type ReviewDeps } from "./decide";

export type ApproveInput = ReviewActionInput & { comment?: string };
export type ApproveResult = { id: string; status: SubmissionStatus; approvals: number; approvalsRequired: number };

/**
 * `issue` (issue 12): signs the certificates of an approved CSR submission under a
 * provider-ca program right after the approval commits. Without it (or when it fails) the
 * pending issuance recorded by the approval is picked up by the CA job.
 */
export async function approveSubmission(deps: ReviewDeps & { issue?: (submissionId: string) => Promise<unknown> }, input: ApproveInput): Promise<ApproveResult> {
  const result = await approveOnly(deps, input);
  if (result.status === "approved" && deps.issue) {
    await deps.issue(result.id).catch((error: unknown) => console.error(`approval ${result.id}: issuance deferred to the CA job`, error instanceof Error ? error.message : ""));
  }
  return result;
}

async function approveOnly(deps: ReviewDeps, input: ApproveInput): Promise<ApproveResult> {
  const comment = input.comment?.trim().slice(0, 4_000) || null;
  return runReviewAction(deps, {
    ...input,
    // Issue 16 item 10: one name per event. "review.approve" is this reviewer's approval (every
    // one, and a refused attempt); "submission.approve" is the submission becoming approved,
    // written once, after the approval that completes it.
    action: "review.approve",
    act: async ({ tx, submission: s, now }) => {
      const rows = await tx
        .select({ id: findings.id, code: findings.code, severity: findings.severity, acknowledgedBy: findings.acknowledgedBy })
        .from(findings)
        .where(eq(findings.submissionId, s.id));
      const errors = rows.filter((f) => f.severity === "error");
      if (errors.length || s.verdict !== "accepted") {
        const codes = [...new Set(errors.map((e) => e.code))].join(", ") || "verdict rejected";
        throw new AppError("CONFLICT", `Errors block approval (${codes}); request changes or reject instead.`);
      }
      // A partner's own acknowledgement (given when sending for review) is not enough: a reviewer must weigh each warning.
      const warnings = rows.filter((f) => f.severity === "warning");
      const ackers = [...new Set(warnings.map((w) => w.acknowledgedBy).filter((id): id is string => !!id))];
      const reviewerAckers = new Set(
        ackers.length
          ? (
              await tx
                .select({ userId: memberships.userId })
                .from(memberships)
                .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
                .where(and(inArray(memberships.userId, ackers), eq(memberships.role, "reviewer"), eq(organisations.kind, "provider")))
            ).map((r) => r.userId)
          : [],
      );
      const unacknowledged = warnings.filter((w) => !w.acknowledgedBy || !reviewerAckers.has(w.acknowledgedBy));
      if (unacknowledged.length) {
        throw new AppError(
          "INVALID_INPUT",
          `Acknowledge each warning with a comment before approving: ${[...new Set(unacknowledged.map((w) => w.code))].join(", ")}.`,
        );
      }

      const approvers = (
        await tx.select({ reviewerId: reviews.reviewerId }).from(reviews).where(and(eq(reviews.submissionId, s.id), eq(reviews.decision, "approve")))
      ).map((r) => r.reviewerId);
      if (approvers.includes(input.reviewer.id)) {
        throw new AppError("FORBIDDEN", "You already approved this submission; the next approval must come from a different reviewer (four eyes).");
      }
      await tx.insert(reviews).values({ submissionId: s.id, reviewerId: input.reviewer.id, decision: "approve", comment, createdAt: now });
      const approvals = approvers.length + 1;
      const complete = approvals >= s.approvalsRequired;
      if (complete) {
        await changeStatus(tx, s, { status: "approved", decidedAt: now, updatedAt: now });
        await tx
          .update(certificates)
          .set({ status: "approved" })
          .where(and(eq(certificates.submissionId, s.id), eq(certificates.status, "pending")));
        // Issue 12: a CSR under a provider-ca program is signed by Certdesk's CA once approved.
        await markIssuancePending(tx, s, now);
        await announceDecision(tx, s, "approved", comment ?? undefined);
        await resolveApprovalNeeded(tx, s.id, now);
      } else {
        await changeStatus(tx, s, { updatedAt: now });
        await announceApprovalNeeded(tx, s, { by: input.reviewer.id, approvals });
      }
      const status: SubmissionStatus = complete ? "approved" : "in_review";
      return {
        result: { id: s.id, status, approvals, approvalsRequired: s.approvalsRequired },
        details: { approvals, approvalsRequired: s.approvalsRequired, status, acknowledgedWarnings: warnings.map((w) => w.code) },
        // The partner's timeline reads "submission.approve" as the submission being approved.
        followUps: complete ? [{ action: "submission.approve", details: { status, approverIds: [...approvers, input.reviewer.id] } }] : [],
      };
    },
  });
}
