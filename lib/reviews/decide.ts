/**
 * The frame every review action shares: validate → authorize → act → audit, in ONE
 * transaction, with the submission row locked (SELECT … FOR UPDATE) so that two
 * reviewers deciding at the same moment are serialised: the second one sees the first
 * one's decision and is told so, instead of both being recorded. Refusals are audited
 * too, in their own transaction (the refused one rolled back).
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { organisations, reviews, submissions, users, type Database, type SubmissionStatus } from "@/lib/db";
import { recordAudit } from "@/lib/audit";
import { AppError, isAppError } from "@/lib/auth/app-error";
import type { SessionUser } from "@/lib/auth/access";
import type { RequestMeta } from "@/lib/submissions/actor";
import { assertIndependent, assertReviewer } from "./reviewer";

export type ReviewDeps = { db: Database; now?: () => Date };

export type ReviewActionInput = {
  reviewer: SessionUser;
  submissionId: string;
  meta?: RequestMeta;
};

export type LockedSubmission = typeof submissions.$inferSelect & { organisationName: string };

/** What the refused reviewer sees: the submission as it now is. */
export type CurrentState = {
  status: SubmissionStatus;
  decidedBy: string[];
  decidedAt: Date | null;
  approvals: number;
  approvalsRequired: number;
};

/** "Already decided": a CONFLICT carrying the current state for the page to show. */
export class AlreadyDecidedError extends AppError {
  readonly current: CurrentState;
  constructor(current: CurrentState) {
    super("CONFLICT", alreadyDecidedMessage(current));
    this.name = "AlreadyDecidedError";
    this.current = current;
  }
}

function names(list: string[]): string {
  if (list.length <= 1) return list[0] ?? "another reviewer";
  return `${list.slice(0, -1).join(", ")} and ${list.at(-1)}`;
}

export function alreadyDecidedMessage(c: CurrentState): string {
  const by = names(c.decidedBy);
  const when = c.decidedAt ? ` at ${c.decidedAt.toISOString().slice(0, 16).replace("T", " ")} UTC` : "";
  switch (c.status) {
    case "approved":
    case "scheduled":
    case "active":
    case "retired":
    case "revoked":
      return `This submission was already decided: now ${c.status === "approved" ? "approved" : `approved and ${c.status}`} by ${by}${when}. Your decision was not recorded.`;
    case "changes_requested":
      return `This submission was already decided: now changes requested by ${by}${when}. Your decision was not recorded.`;
    case "rejected":
      // Issue 16: an upload whose verdict has errors is rejected by the checks, with no reviewer.
      if (c.decidedBy.length === 0) return "This upload was rejected by the automatic checks (its verdict has errors) and never sent for review. Your decision was not recorded.";
      return `This submission was already decided: now rejected by ${by}${when}. Your decision was not recorded.`;
    case "withdrawn":
      return "This submission was withdrawn by the partner; there is nothing left to decide. Your decision was not recorded.";
    case "draft":
      return "This submission is a draft the partner has not sent for review. Your decision was not recorded.";
    case "superseded":
      return "This submission is a draft a newer upload superseded; it was never sent for review. Your decision was not recorded.";
    case "in_review":
      return `This submission changed while you were deciding (${c.approvals} of ${c.approvalsRequired} approvals now). Reload and decide again.`;
    default: {
      const never: never = c.status;
      throw new Error(`unknown status ${String(never)}`);
    }
  }
}

/**
 * The page's line for a submission no longer in review, e.g. "This submission is approved;
 * there is nothing to decide. Approved by Rita Reviewer and Ravi Reviewer at … UTC."
 * (The first sentence is stable: other journeys' browser tests read it.)
 */
export function decisionSummary(c: CurrentState): string {
  const by = names(c.decidedBy);
  const when = c.decidedAt ? ` at ${c.decidedAt.toISOString().slice(0, 16).replace("T", " ")} UTC` : "";
  const nothing = (state: string) => `This submission is ${state}; there is nothing to decide.`;
  switch (c.status) {
    case "approved":
      return `${nothing("approved")} Approved by ${by}${when}.`;
    case "scheduled":
    case "active":
    case "retired":
    case "revoked":
      return `${nothing(`approved and ${c.status}`)} Approved by ${by}${when}.`;
    case "changes_requested":
      return `${nothing("waiting for the partner's changes")} Changes requested by ${by}${when}; the corrected upload arrives as a new submission.`;
    case "rejected":
      if (c.decidedBy.length === 0) return `${nothing("rejected")} Rejected by the automatic checks at upload (the verdict has errors).`;
      return `${nothing("rejected")} Rejected by ${by}${when}.`;
    case "withdrawn":
      return nothing("withdrawn by the partner");
    case "draft":
      return nothing("a draft the partner has not sent for review");
    case "superseded":
      return nothing("a draft a newer upload superseded");
    case "in_review":
      return `In review: ${c.approvals} of ${c.approvalsRequired} approvals.`;
    default: {
      const never: never = c.status;
      throw new Error(`unknown status ${String(never)}`);
    }
  }
}

/** The decision(s) that led to the current status, with reviewer names. */
export async function currentState(db: Database, s: { id: string; status: SubmissionStatus; decidedAt: Date | null; approvalsRequired: number }): Promise<CurrentState> {
  const rows = await db
    .select({ decision: reviews.decision, name: users.name, createdAt: reviews.createdAt })
    .from(reviews)
    .innerJoin(users, eq(users.id, reviews.reviewerId))
    .where(eq(reviews.submissionId, s.id))
    .orderBy(asc(reviews.createdAt));
  const approvals = rows.filter((r) => r.decision === "approve");
  const last = (d: "request_changes" | "reject") => rows.filter((r) => r.decision === d).slice(-1);
  const deciding =
    s.status === "changes_requested" ? last("request_changes") : s.status === "rejected" ? last("reject") : s.status === "in_review" ? [] : approvals;
  return {
    status: s.status,
    decidedBy: deciding.map((r) => r.name),
    decidedAt: s.decidedAt,
    approvals: approvals.length,
    approvalsRequired: s.approvalsRequired,
  };
}

const uuid = z.uuid();

/** A comment a decision requires: trimmed, 1–4,000 characters. */
export function requireComment(comment: string | undefined | null, what: string): string {
  const text = (comment ?? "").trim();
  if (!text) throw new AppError("INVALID_INPUT", `A comment is required to ${what}: tell the partner what to change and why.`);
  if (text.length > 4_000) throw new AppError("INVALID_INPUT", "The comment is too long (at most 4,000 characters).");
  return text;
}

export type ActContext = { tx: Database; submission: LockedSubmission; now: Date };

/**
 * Runs one review action: authorization, the row lock, the in-review check, then `act`,
 * then the success audit event, all in one transaction. `validate` runs first and may
 * throw INVALID_INPUT. An AppError (refusal) is audited with outcome "refused".
 */
export async function runReviewAction<T>(
  deps: ReviewDeps,
  input: ReviewActionInput & {
    action: string;
    validate?: () => void;
    /**
     * `action` overrides the success event's action. `followUps`: further events of the same
     * act, recorded after it in the same transaction, each with its own action name (the
     * approval that completes a submission is "review.approve", then "submission.approve").
     */
    act: (ctx: ActContext) => Promise<{
      result: T;
      details: Record<string, unknown>;
      action?: string;
      targetType?: string;
      targetId?: string;
      followUps?: { action: string; details: Record<string, unknown> }[];
    }>;
  },
): Promise<T> {
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  const who = {
    actorUserId: input.reviewer.id,
    actorEmail: input.reviewer.email,
    role: input.reviewer.roles.join(","),
    ip: input.meta?.ip,
    userAgent: input.meta?.userAgent,
  };
  let organisationId: string | null = null;
  try {
    input.validate?.();
    // Before any lookup: a partner learns nothing about other tenants' submission ids.
    assertReviewer(input.reviewer);
    if (!uuid.safeParse(input.submissionId).success) throw new AppError("NOT_FOUND", "No such submission.");
    return await db.transaction(async (tx) => {
      // The lock is what makes concurrent decisions take turns (see the module comment).
      const [locked] = await tx.select().from(submissions).where(eq(submissions.id, input.submissionId)).for("update");
      if (!locked) throw new AppError("NOT_FOUND", "No such submission.");
      organisationId = locked.organisationId;
      const [org] = await tx.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, locked.organisationId));
      const submission = { ...locked, organisationName: org?.name ?? "" };
      assertIndependent(input.reviewer, submission);
      if (locked.status !== "in_review") throw new AlreadyDecidedError(await currentState(tx, locked));
      const { result, details, action, targetType, targetId, followUps } = await input.act({ tx, submission, now });
      await recordAudit(tx, {
        ...who,
        organisationId: locked.organisationId,
        action: action ?? input.action,
        targetType: targetType ?? "submission",
        targetId: targetId ?? locked.id,
        outcome: "success",
        at: now,
        details: { submissionId: locked.id, ...details },
      });
      for (const next of followUps ?? []) {
        await recordAudit(tx, { ...who, organisationId: locked.organisationId, action: next.action, targetType: "submission", targetId: locked.id, outcome: "success", at: now, details: { submissionId: locked.id, ...next.details } });
      }
      return result;
    });
  } catch (error) {
    if (isAppError(error)) {
      await recordAudit(db, {
        ...who,
        organisationId,
        action: input.action,
        targetType: "submission",
        targetId: uuid.safeParse(input.submissionId).success ? input.submissionId : null,
        outcome: "refused",
        at: now,
        details: { code: error.code, reason: error.message },
      });
    }
    throw error;
  }
}

/**
 * The state change itself, conditional on the version read under the lock: the lock
 * already serialises deciders, and this guard keeps a future caller that forgets the
 * lock from overwriting a decision silently.
 */
export async function changeStatus(
  tx: Database,
  s: { id: string; version: number },
  set: Partial<typeof submissions.$inferInsert>,
): Promise<{ version: number }> {
  const [row] = await tx
    .update(submissions)
    .set({ ...set, version: s.version + 1 })
    .where(and(eq(submissions.id, s.id), eq(submissions.version, s.version), inArray(submissions.status, ["in_review"])))
    .returning({ version: submissions.version });
  if (!row) throw new AppError("CONFLICT", "This submission changed while you were deciding. Reload and decide again.");
  return row;
}
