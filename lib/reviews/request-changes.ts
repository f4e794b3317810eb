/**
 * Request changes: the partner must upload a corrected chain or CSR; that new submission
 * links back to this one (`supersedesId`, set by lib/submissions/create-submission). A comment is required.
 */
import { reviews, type SubmissionStatus } from "@/lib/db";
import { announceDecision, resolveApprovalNeeded } from "./announce";
import { changeStatus, requireComment, runReviewAction, type ReviewActionInput, type ReviewDeps } from "./decide";

export type RequestChangesInput = ReviewActionInput & { comment: string };

export async function requestChanges(deps: ReviewDeps, input: RequestChangesInput): Promise<{ id: string; status: SubmissionStatus }> {
  let comment = "";
  return runReviewAction(deps, {
    ...input,
    action: "submission.request_changes",
    validate: () => {
      comment = requireComment(input.comment, "request changes");
    },
    act: async ({ tx, submission: s, now }) => {
      const [review] = await tx
        .insert(reviews)
        .values({ submissionId: s.id, reviewerId: input.reviewer.id, decision: "request_changes", comment, createdAt: now })
        .returning({ id: reviews.id });
      await changeStatus(tx, s, { status: "changes_requested", decidedAt: now, updatedAt: now });
      await announceDecision(tx, s, "changes_requested", comment);
      await resolveApprovalNeeded(tx, s.id, now);
      return { result: { id: s.id, status: "changes_requested" }, details: { reviewId: review!.id, status: "changes_requested" } };
    },
  });
}
