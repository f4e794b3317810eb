/** Reject: final; the partner starts over with a new submission. A comment is required. */
import { reviews, type SubmissionStatus } from "@/lib/db";
import { announceDecision, resolveApprovalNeeded } from "./announce";
import { changeStatus, requireComment, runReviewAction, type ReviewActionInput, type ReviewDeps } from "./decide";

export type RejectInput = ReviewActionInput & { comment: string };

export async function rejectSubmission(deps: ReviewDeps, input: RejectInput): Promise<{ id: string; status: SubmissionStatus }> {
  let comment = "";
  return runReviewAction(deps, {
    ...input,
    action: "submission.reject",
    validate: () => {
      comment = requireComment(input.comment, "reject");
    },
    act: async ({ tx, submission: s, now }) => {
      const [review] = await tx
        .insert(reviews)
        .values({ submissionId: s.id, reviewerId: input.reviewer.id, decision: "reject", comment, createdAt: now })
        .returning({ id: reviews.id });
      await changeStatus(tx, s, { status: "rejected", decidedAt: now, updatedAt: now });
      await announceDecision(tx, s, "rejected", comment);
      await resolveApprovalNeeded(tx, s.id, now);
      return { result: { id: s.id, status: "rejected" }, details: { reviewId: review!.id, status: "rejected" } };
    },
  });
}
