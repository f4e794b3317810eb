/**
 * Issue 16: the review page's one decision form — approve, request changes or reject —
 * validated here (not in app/) so that the page, tests and any future API share one rule:
 * an outcome must be chosen, and requesting changes or rejecting needs a comment for the
 * partner. The decision itself is taken by the command of that outcome.
 */
import { approveSubmission, type ApproveResult } from "./approve-submission";
import type { ReviewActionInput, ReviewDeps } from "./decide";
import { rejectSubmission } from "./reject-submission";
import { requestChanges } from "./request-changes";
import type { DecisionFields } from "./decision-rules";

export { commentRequired, parseDecision, DECISION_OUTCOMES } from "./decision-rules";
export type { DecisionFields, DecisionFieldErrors, DecisionOutcome, ParsedDecision } from "./decision-rules";

export type DecisionResult =
  | { outcome: "approve"; approval: ApproveResult }
  | { outcome: "request_changes" | "reject"; id: string };

/**
 * Takes one reviewer's decision. Validation, authorization, four-eyes and the audit trail are
 * those of the outcome's own command (approve-submission, request-changes, reject-submission).
 */
export async function decideSubmission(
  deps: ReviewDeps & { issue?: (submissionId: string) => Promise<unknown> },
  input: ReviewActionInput & DecisionFields,
): Promise<DecisionResult> {
  const { outcome, comment, ...rest } = input;
  switch (outcome) {
    case "approve":
      return { outcome, approval: await approveSubmission(deps, { ...rest, comment }) };
    case "request_changes":
      return { outcome, id: (await requestChanges(deps, { ...rest, comment })).id };
    case "reject":
      return { outcome, id: (await rejectSubmission(deps, { ...rest, comment })).id };
    default: {
      const never: never = outcome;
      throw new Error(`unknown outcome ${String(never)}`);
    }
  }
}
