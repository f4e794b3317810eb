/** The reviewers' domain: queue, review page data, decisions (one file each), audit search. */
export { listQueue, parseQueueFilters, queueSearchParams, queueFilterOptions, QUEUE_STATUSES, QUEUE_SORTS, DEFAULT_QUEUE_FILTERS } from "./list-queue";
export type { QueueFilters, QueueItem, QueuePage, QueueStatus, QueueSort } from "./list-queue";
export { getReview, compareLeaves } from "./get-review";
export type { ReviewView, ChainCertificate, ComparisonRow } from "./get-review";
export { approveSubmission } from "./approve-submission";
export type { ApproveInput, ApproveResult } from "./approve-submission";
export { requestChanges } from "./request-changes";
export { rejectSubmission } from "./reject-submission";
export { acknowledgeWarning } from "./acknowledge-warning";
export { decideSubmission, parseDecision, commentRequired, DECISION_OUTCOMES } from "./decide-submission";
export type { DecisionResult, DecisionFields, DecisionFieldErrors, DecisionOutcome } from "./decide-submission";
export { downloadReviewFile } from "./download-file";
export { subjectHeadline } from "./subject";
export { AlreadyDecidedError, alreadyDecidedMessage, decisionSummary, currentState } from "./decide";
export type { ReviewDeps, ReviewActionInput, CurrentState } from "./decide";
export { isReviewer, canReadReviews } from "./reviewer";
export { businessDaysBetween, ageCutoff, ageBadge } from "./business-days";
export type { AgeBadge } from "./business-days";
