/** The partner takes a submission back while it is in review (or discards a draft); reviewers then stop seeing it. */
import { and, eq } from "drizzle-orm";
import { submissions, type SubmissionStatus } from "@/lib/db";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/auth/app-error";
import { actsFor, auditActor, type Actor } from "./actor";
import type { SubmissionDeps } from "./create-submission";
import { loadSubmissionForActor } from "./load-submission";
import { auditRefusals } from "./audit-refusal";
import { resolveApprovalNeeded } from "@/lib/reviews/announce";

const WITHDRAWABLE: readonly SubmissionStatus[] = ["draft", "in_review"];

export async function withdrawSubmission(deps: Pick<SubmissionDeps, "db" | "now">, input: { actor: Actor; submissionId: string }): Promise<{ id: string; status: SubmissionStatus }> {
  // Issue 10: a refused withdrawal (another tenant's id, wrong state) is audited too.
  return auditRefusals(deps.db, input.actor, { action: "submission.withdraw", targetType: "submission", targetId: input.submissionId }, () => withdraw(deps, input));
}

async function withdraw(deps: Pick<SubmissionDeps, "db" | "now">, input: { actor: Actor; submissionId: string }): Promise<{ id: string; status: SubmissionStatus }> {
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  const loaded = await loadSubmissionForActor(db, input.actor, input.submissionId);
  const s = loaded.submission;
  if (!actsFor(input.actor, s.organisationId)) throw new AppError("FORBIDDEN", "Only the partner organisation's members can withdraw its submissions.");
  if (!WITHDRAWABLE.includes(s.status)) throw new AppError("CONFLICT", `This submission is ${s.status.replace("_", " ")}; only a draft or a submission in review can be withdrawn.`);
  const { via, ...who } = auditActor(input.actor);
  await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(submissions)
      .set({ status: "withdrawn", updatedAt: now, decidedAt: now, version: s.version + 1 })
      .where(and(eq(submissions.id, s.id), eq(submissions.version, s.version)))
      .returning({ id: submissions.id });
    if (!updated) throw new AppError("CONFLICT", "This submission changed in the meantime; reload the page.");
    await recordAudit(tx, {
      ...who,
      organisationId: s.organisationId,
      action: "submission.withdraw",
      targetType: "submission",
      targetId: s.id,
      outcome: "success",
      at: now,
      details: { ...via, from: s.status },
    });
    // Issue 16: nobody needs to give this submission its second approval any more.
    await resolveApprovalNeeded(tx, s.id, now);
  });
  return { id: s.id, status: "withdrawn" };
}
