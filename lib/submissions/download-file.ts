/**
 * A stored file, decrypted for someone allowed to see the submission. Every download is
 * audited (who read which file of whose submission), and so is a refused one.
 */
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { submissionFiles } from "@/lib/db";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/auth/app-error";
import { auditActor, type Actor } from "./actor";
import type { SubmissionDeps } from "./create-submission";
import { loadSubmissionForActor } from "./load-submission";
import { contextFor, safeDisplayName, type FileKind } from "./stored-files";

export type DownloadedFile = { name: string; kind: FileKind; bytes: Uint8Array; contentType: string };

export async function downloadFile(deps: SubmissionDeps, input: { actor: Actor; submissionId: string; fileId: string }): Promise<DownloadedFile> {
  const { db, storage } = deps;
  const { via, ...who } = auditActor(input.actor);
  let loaded;
  try {
    loaded = await loadSubmissionForActor(db, input.actor, input.submissionId);
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") {
      await recordAudit(db, { ...who, action: "submission.file.download", targetType: "submission", targetId: input.submissionId.slice(0, 64), outcome: "refused", details: { ...via, fileId: input.fileId.slice(0, 64) } });
    }
    throw error;
  }
  const s = loaded.submission;
  if (!z.uuid().safeParse(input.fileId).success) throw new AppError("NOT_FOUND", "No such file.");
  const [file] = await db
    .select()
    .from(submissionFiles)
    .where(and(eq(submissionFiles.id, input.fileId), eq(submissionFiles.submissionId, s.id)))
    .limit(1);
  if (!file) throw new AppError("NOT_FOUND", "No such file.");
  const bytes = await storage.getDecrypted({
    key: file.objectKey,
    context: { ...contextFor({ organisationId: s.organisationId, appId: s.appId, environmentId: s.environmentId, submissionId: s.id }, file.kind), sha256: file.sha256 },
  });
  await recordAudit(db, {
    ...who,
    organisationId: s.organisationId,
    action: "submission.file.download",
    targetType: "submission",
    targetId: s.id,
    outcome: "success",
    details: { ...via, fileId: file.id, kind: file.kind, size: file.size },
  });
  // Names stored before invisible characters were stripped are cleaned again on the way out (Content-Disposition).
  return { name: safeDisplayName(file.name), kind: file.kind, bytes, contentType: file.kind === "normalised-chain" ? "application/x-pem-file" : "application/octet-stream" };
}
