/**
 * Issue 16: a reviewer downloads what the partner uploaded (the original files, the
 * normalised chain, a CSR) from the review page. Only those who may read reviews (reviewers,
 * and admins overseeing them) may; support and partners of other organisations may not.
 * Every download is audited as "submission.file.download" with the reviewer and the file id
 * (by lib/submissions, the same event as a partner's download), and so is a refusal.
 */
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/auth/app-error";
import type { SessionUser } from "@/lib/auth/access";
import type { RequestMeta } from "@/lib/submissions/actor";
import type { SubmissionDeps } from "@/lib/submissions/create-submission";
import { downloadFile, type DownloadedFile } from "@/lib/submissions/download-file";
import { canReadReviews } from "./reviewer";

export async function downloadReviewFile(
  deps: Pick<SubmissionDeps, "db" | "storage">,
  input: { viewer: SessionUser; submissionId: string; fileId: string; meta?: RequestMeta },
): Promise<DownloadedFile> {
  if (!canReadReviews(input.viewer)) {
    await recordAudit(deps.db, {
      actorUserId: input.viewer.id,
      actorEmail: input.viewer.email,
      role: input.viewer.roles.join(","),
      ip: input.meta?.ip,
      userAgent: input.meta?.userAgent,
      action: "submission.file.download",
      targetType: "submission",
      targetId: input.submissionId.slice(0, 64),
      outcome: "refused",
      details: { via: "review", fileId: input.fileId.slice(0, 64), code: "FORBIDDEN" },
    });
    // The same answer as an unknown id: the review page's download URL tells nobody else anything.
    throw new AppError("NOT_FOUND", "No such submission.");
  }
  return downloadFile(deps, { actor: { kind: "user", user: input.viewer, meta: input.meta }, submissionId: input.submissionId, fileId: input.fileId });
}
