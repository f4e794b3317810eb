/**
 * Issue 16: the rules of the review page's one decision form, pure (no database, no server),
 * so the form in the browser and the server action apply the same ones: an outcome must be
 * chosen, and requesting changes or rejecting needs a comment the partner will read.
 */
import { z } from "zod";

export const DECISION_OUTCOMES = ["approve", "request_changes", "reject"] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/** Whether the outcome needs a comment (what the partner must change, or why it is refused). */
export function commentRequired(outcome: DecisionOutcome): boolean {
  return outcome !== "approve";
}

export const COMMENT_MAX = 4_000;

export type DecisionFields = { outcome: DecisionOutcome; comment: string };
export type DecisionFieldErrors = Partial<Record<keyof DecisionFields, string>>;
export type ParsedDecision = { ok: true; value: DecisionFields } | { ok: false; fieldErrors: DecisionFieldErrors };

/**
 * Reads the decision form's fields (strings from FormData, or anything else) into a decision,
 * or says per field what is wrong, in words a reviewer can act on.
 *
 * @example
 * parseDecision({ outcome: "reject", comment: "" })
 * // → { ok: false, fieldErrors: { comment: "Say why it is rejected: the partner reads this comment." } }
 */
export function parseDecision(input: { outcome?: unknown; comment?: unknown }): ParsedDecision {
  const { outcome, comment } = input;
  const fieldErrors: DecisionFieldErrors = {};
  const chosen = z.enum(DECISION_OUTCOMES).safeParse(outcome);
  if (!chosen.success) fieldErrors.outcome = "Choose an outcome: approve, request changes or reject.";
  const text = typeof comment === "string" ? comment.trim() : "";
  if (comment !== undefined && comment !== null && typeof comment !== "string") fieldErrors.comment = "The comment must be text.";
  else if (text.length > COMMENT_MAX) fieldErrors.comment = `The comment is too long (${text.length.toLocaleString("en-GB")} characters; at most 4,000).`;
  else if (chosen.success && commentRequired(chosen.data) && !text) {
    fieldErrors.comment =
      chosen.data === "reject" ? "Say why it is rejected: the partner reads this comment." : "Say what the partner must change: they read this comment.";
  }
  if (!chosen.success || fieldErrors.comment) return { ok: false, fieldErrors };
  return { ok: true, value: { outcome: chosen.data, comment: text } };
}
