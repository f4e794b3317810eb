/**
 * A reviewer acknowledges one warning, with a comment saying why it is acceptable.
 * Approval needs every warning acknowledged by a reviewer.
 */
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { findings, memberships, organisations } from "@/lib/db";
import { AppError } from "@/lib/auth/app-error";
import { requireComment, runReviewAction, type ReviewActionInput, type ReviewDeps } from "./decide";

export type AcknowledgeWarningInput = ReviewActionInput & { findingId: string; comment: string };

export async function acknowledgeWarning(deps: ReviewDeps, input: AcknowledgeWarningInput): Promise<{ findingId: string; code: string }> {
  let comment = "";
  return runReviewAction(deps, {
    ...input,
    action: "finding.acknowledge",
    validate: () => {
      if (!z.uuid().safeParse(input.findingId).success) throw new AppError("NOT_FOUND", "No such finding.");
      comment = requireComment(input.comment, "acknowledge a warning");
    },
    act: async ({ tx, submission: s, now }) => {
      // Scoped to the locked submission: a finding id from another submission is "not found".
      const [finding] = await tx
        .select()
        .from(findings)
        .where(and(eq(findings.id, input.findingId), eq(findings.submissionId, s.id)));
      if (!finding) throw new AppError("NOT_FOUND", "No such finding on this submission.");
      if (finding.severity !== "warning") {
        throw new AppError("INVALID_INPUT", finding.severity === "error" ? "Errors cannot be acknowledged; they block approval." : "Only warnings need an acknowledgement.");
      }
      if (finding.acknowledgedBy) {
        const [byReviewer] = await tx
          .select({ userId: memberships.userId })
          .from(memberships)
          .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
          .where(and(eq(memberships.userId, finding.acknowledgedBy), eq(memberships.role, "reviewer"), eq(organisations.kind, "provider")))
          .limit(1);
        if (byReviewer) throw new AppError("CONFLICT", `${finding.code} was already acknowledged by a reviewer: "${finding.acknowledgement ?? ""}".`);
      }
      // Replaces the partner's acknowledgement given at submission (that one stays in the audit trail).
      await tx
        .update(findings)
        .set({ acknowledgedBy: input.reviewer.id, acknowledgedAt: now, acknowledgement: comment })
        .where(eq(findings.id, finding.id));
      return { result: { findingId: finding.id, code: finding.code }, details: { findingId: finding.id, code: finding.code }, targetType: "finding", targetId: finding.id };
    },
  });
}
