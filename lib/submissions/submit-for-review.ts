/**
 * A draft goes to the reviewers: only when no finding is an error, and after the
 * partner acknowledged every warning (each one by id, so a warning added since the page
 * was drawn is not acknowledged blindly). Checks across records run again, because
 * another organisation may have registered the key since the upload.
 */
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { findings, submissions, type SubmissionStatus } from "@/lib/db";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/auth/app-error";
import { getExampleProgram } from "@/lib/policy";
import { actsFor, auditActor, type Actor } from "./actor";
import type { SubmissionDeps } from "./create-submission";
import { crossRecordChecks } from "./cross-record-checks";
import { findProgram } from "./load-program";
import { loadSubmissionForActor } from "./load-submission";
import { auditRefusals } from "./audit-refusal";

export type SubmitForReviewInput = {
  actor: Actor;
  submissionId: string;
  /** Ids of the warning findings the partner acknowledged. */
  acknowledgedFindingIds: string[];
};

const idsSchema = z.array(z.uuid()).max(200);

export async function submitForReview(deps: Pick<SubmissionDeps, "db" | "now">, input: SubmitForReviewInput): Promise<{ id: string; status: SubmissionStatus }> {
  // Issue 10: a refused submission for review (another tenant's id, errors, wrong state) is audited too.
  return auditRefusals(deps.db, input.actor, { action: "submission.submit", targetType: "submission", targetId: input.submissionId }, () => submit(deps, input));
}

async function submit(deps: Pick<SubmissionDeps, "db" | "now">, input: SubmitForReviewInput): Promise<{ id: string; status: SubmissionStatus }> {
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  const ids = idsSchema.safeParse(input.acknowledgedFindingIds);
  if (!ids.success) throw new AppError("INVALID_INPUT", "The acknowledged warnings are not valid finding ids.");

  const loaded = await loadSubmissionForActor(db, input.actor, input.submissionId);
  const s = loaded.submission;
  if (!actsFor(input.actor, s.organisationId)) throw new AppError("FORBIDDEN", "Only the partner organisation's members can send its submissions for review.");
  // Issue 16: a rejected upload and a superseded draft are kept as records; say what to do instead.
  if (s.status === "rejected" && s.submittedAt === null) throw new AppError("CONFLICT", "This upload was rejected by the checks (its verdict has errors), so it cannot be sent for review. Fix the errors and upload a corrected chain as a new submission.");
  if (s.status === "superseded") throw new AppError("CONFLICT", "A newer upload superseded this draft, so it cannot be sent for review. Send the newer upload instead.");
  if (s.status !== "draft") throw new AppError("CONFLICT", `This submission is ${s.status.replace("_", " ")}, not a draft; only a draft can be sent for review.`);

  const rows = await db.select({ id: findings.id, code: findings.code, severity: findings.severity }).from(findings).where(eq(findings.submissionId, s.id));
  const errors = rows.filter((r) => r.severity === "error");
  if (errors.length || s.verdict !== "accepted") {
    throw new AppError("CONFLICT", `This submission has errors (${[...new Set(errors.map((e) => e.code))].join(", ") || "rejected"}); fix them and upload again.`);
  }
  const warnings = rows.filter((r) => r.severity === "warning");
  const missing = warnings.filter((w) => !ids.data.includes(w.id));
  if (missing.length) {
    throw new AppError("INVALID_INPUT", `Acknowledge each warning before sending: ${[...new Set(missing.map((m) => m.code))].join(", ")}.`);
  }

  // Again at submission: the key may have been registered elsewhere since the upload.
  if (s.leafSpkiSha256) {
    const program = (await findProgram(db, s.programId)) ?? getExampleProgram(s.programId);
    if (program) {
      const extra = await crossRecordChecks(db, {
        organisationId: s.organisationId,
        appId: s.appId,
        environmentId: s.environmentId,
        purpose: s.purpose,
        spkiSha256: s.leafSpkiSha256,
        program,
        excludeSubmissionId: s.id,
      });
      const blocking = extra.filter((f) => f.severity === "error");
      if (blocking.length) {
        throw new AppError("CONFLICT", blocking.map((f) => `${f.code}: ${f.message}`).join(" "));
      }
    }
  }

  const { via, ...who } = auditActor(input.actor);
  await db.transaction(async (tx) => {
    const [inReview] = await tx
      .select({ id: submissions.id })
      .from(submissions)
      .where(and(eq(submissions.appId, s.appId), eq(submissions.environmentId, s.environmentId), eq(submissions.purpose, s.purpose), eq(submissions.status, "in_review")))
      .limit(1);
    if (inReview) throw new AppError("CONFLICT", "Another submission for this app, environment and purpose is already in review. Withdraw it first.");
    // Optimistic concurrency: a double click, or a replacement upload in between, changes nothing twice.
    const [updated] = await tx
      .update(submissions)
      .set({ status: "in_review", submittedAt: now, updatedAt: now, version: s.version + 1 })
      .where(and(eq(submissions.id, s.id), eq(submissions.version, s.version), eq(submissions.status, "draft")))
      .returning({ id: submissions.id });
    if (!updated) throw new AppError("CONFLICT", "This submission changed in the meantime; reload the page.");
    if (warnings.length) {
      await tx
        .update(findings)
        .set({
          acknowledgedBy: input.actor.kind === "user" ? input.actor.user.id : input.actor.principal.createdBy,
          acknowledgedAt: now,
          acknowledgement: "Acknowledged by the partner before sending for review.",
        })
        .where(and(eq(findings.submissionId, s.id), inArray(findings.id, warnings.map((w) => w.id))));
    }
    await recordAudit(tx, {
      ...who,
      organisationId: s.organisationId,
      action: "submission.submit",
      targetType: "submission",
      targetId: s.id,
      outcome: "success",
      at: now,
      details: { ...via, acknowledgedWarnings: warnings.map((w) => w.code) },
    });
  });
  return { id: s.id, status: "in_review" };
}
