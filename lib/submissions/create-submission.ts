/**
 * An upload for one developer app, environment and purpose becomes a submission:
 * validate → authorize → check → (refuse | store encrypted files → one transaction of
 * rows + audit event). Used by the portal (a draft) and the partner API (sent for review).
 *
 * Issue 16, "nothing vanishes": every stored upload keeps its own record and URL. An upload whose
 * verdict has errors is stored as `rejected` (the partner can read and download it later); one
 * without errors is a `draft` until sent. A new draft (or one sent for review) supersedes the
 * earlier draft of the same slot: that one becomes `superseded`, kept with its files, never
 * deleted. A rejected upload supersedes nothing (the earlier draft stays sendable).
 */
import { randomUUID } from "node:crypto";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/lib/db";
import { certificates, findings as findingsTable, submissionFiles, submissions, type SubmissionStatus } from "@/lib/db";
import { recordAudit, type AuditEventInput } from "@/lib/audit";
import { AppError } from "@/lib/auth/app-error";
import { toPem, type Finding } from "@/lib/pki";
import { approvalsRequired, type Verdict } from "@/lib/policy";
import type { UploadedFile } from "@/lib/intake";
import type { Storage } from "@/lib/storage";
import { actsFor, auditActor, type Actor } from "./actor";
import { auditRefusals } from "./audit-refusal";
import { checkUploadForTarget, partnerOf, resolveTarget, type UploadTarget } from "./check-upload-for-app";
import { recordRevocationCheck } from "@/lib/revocation/records";
import { loadProgramForApp } from "./load-program";
import { resolveRenewalLink } from "@/lib/expiry/renewal";
import { describeBytes, MAX_FILES, MAX_UPLOAD_BYTES, PURPOSES, type Purpose } from "./limits";
import { deleteObjects, pathCertificates, plannedFiles, writeFiles, type WrittenFile } from "./stored-files";
import { orderFindings } from "@/lib/policy/finding-order";

export type SubmissionDeps = { db: Database; storage: Storage; now?: () => Date };

export type CreateSubmissionInput = {
  actor: Actor;
  appId: string;
  environmentKey: string;
  purpose?: string;
  files: UploadedFile[];
  /** Client-chosen: the same key (per organisation) always answers with the same submission. */
  idempotencyKey?: string | null;
  /** Send for review at once (the API). Only a verdict without errors is sent; warnings count as acknowledged by the sender. */
  submit?: boolean;
  /** Issue 14: the live certificate this upload renews ("Renew"); else the one in service for the slot, if any. */
  replacesCertificateId?: string | null;
};

export type SubmissionRef = { id: string; status: SubmissionStatus };

export type CreateSubmissionResult =
  /** Stored: a draft, `rejected` when the verdict has errors, or in review when `submit` was asked. `supersededDraftIds`: earlier drafts of the slot this one took the place of (kept, now `superseded`). */
  | { outcome: "created"; submission: SubmissionRef; verdict: Verdict; supersededDraftIds?: string[] }
  /** The idempotency key was seen before: that submission, unchanged (its verdict from the stored findings). */
  | { outcome: "existing"; submission: SubmissionRef; verdict: Pick<Verdict, "verdict" | "findings" | "chain"> }
  /** A private key or an unsafe archive: nothing was stored. */
  | { outcome: "refused"; verdict: Verdict }
  /** `submit` was asked but the verdict has errors: nothing was stored (the API's published 422 contract). */
  | { outcome: "rejected"; verdict: Verdict };

const idempotencyKeySchema = z
  .string()
  .trim()
  .min(8, "The idempotency key must be 8 to 200 printable characters.")
  .max(200, "The idempotency key must be 8 to 200 printable characters.")
  .regex(/^[\x21-\x7e]+$/, "The idempotency key must be 8 to 200 printable characters.");

/** Validation at the boundary; each failure is a message the partner can act on. */
export function validateUpload(input: { files: UploadedFile[]; purpose?: string }): Purpose {
  if (input.files.length === 0) throw new AppError("INVALID_INPUT", "Choose at least one file: the certificate chain, a .zip of it, or a CSR.");
  if (input.files.length > MAX_FILES) throw new AppError("INVALID_INPUT", `At most ${MAX_FILES} files can be uploaded at once; ${input.files.length} were sent. Put them in one .zip or send only the chain.`);
  const total = input.files.reduce((n, f) => n + f.bytes.byteLength, 0);
  if (total > MAX_UPLOAD_BYTES) {
    throw new AppError("PAYLOAD_TOO_LARGE", `The upload is ${describeBytes(total)}; at most ${describeBytes(MAX_UPLOAD_BYTES)} is accepted. A certificate chain is a few kilobytes: send only the certificates or the CSR.`);
  }
  const purpose = input.purpose ?? "mtls";
  if (!(PURPOSES as readonly string[]).includes(purpose)) throw new AppError("INVALID_INPUT", `Unknown purpose "${purpose.slice(0, 40)}"; use one of: ${PURPOSES.join(", ")}.`);
  return purpose as Purpose;
}

/** Authorize: the app is visible to the actor (else NOT_FOUND) and the actor acts for its organisation (staff only look). */
export async function authorizeUpload(db: Database, actor: Actor, ref: { appId: string; environmentKey: string }): Promise<UploadTarget> {
  // Issue 10: an upload to another tenant's (or a made-up) app, or by staff, is audited as refused.
  const found = await auditRefusals(db, actor, { action: "submission.create", targetType: "developer_app", targetId: ref.appId, codes: ["NOT_FOUND", "FORBIDDEN"] }, async () => {
    const target = await resolveTarget(db, actor, ref);
    if (!actsFor(actor, target.app.organisationId)) throw new AppError("FORBIDDEN", "Only the partner organisation's members can upload certificates for this app.");
    return target;
  });
  const [program, partner] = await Promise.all([loadProgramForApp(db, found.app.programId), partnerOf(db, found.app.organisationId)]);
  return { ...found, program, partner };
}

async function findByIdempotencyKey(db: Database, organisationId: string, key: string) {
  const [row] = await db
    .select({ id: submissions.id, status: submissions.status, verdict: submissions.verdict, appId: submissions.appId, environmentId: submissions.environmentId })
    .from(submissions)
    .where(and(eq(submissions.organisationId, organisationId), eq(submissions.idempotencyKey, key)))
    .limit(1);
  return row;
}

/** The stored findings as the verdict's findings (for an idempotent replay). */
export async function storedFindings(db: Database, submissionId: string): Promise<Finding[]> {
  const rows = await db.select().from(findingsTable).where(eq(findingsTable.submissionId, submissionId)).orderBy(findingsTable.position);
  return orderFindings(rows).map((r) => ({
    code: r.code as Finding["code"],
    severity: r.severity,
    ...(r.position !== null && r.subject !== null ? { certificate: { position: r.position, subject: r.subject } } : {}),
    message: r.message,
    ...(r.fix ? { fix: r.fix } : {}),
  }));
}

function uniqueViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}

/** Serialises uploads for one app, environment and purpose (the "one open submission" rule) across servers. */
async function lockSlot(tx: Database, slot: { appId: string; environmentId: string; purpose: string }): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`certdesk.slot:${slot.appId}:${slot.environmentId}:${slot.purpose}`}, 0))`);
}

const IN_REVIEW_MESSAGE = "A submission for this app, environment and purpose is in review. Withdraw it first, or wait for the reviewers' decision.";

export async function createSubmission(deps: SubmissionDeps, input: CreateSubmissionInput): Promise<CreateSubmissionResult> {
  const { db, storage } = deps;
  const now = deps.now?.() ?? new Date();
  // validate
  const purpose = validateUpload(input);
  const idempotencyKey = input.idempotencyKey == null || input.idempotencyKey === "" ? undefined : idempotencyKeySchema.safeParse(input.idempotencyKey);
  if (idempotencyKey && !idempotencyKey.success) throw new AppError("INVALID_INPUT", idempotencyKey.error.issues[0]!.message);
  const key = idempotencyKey?.data;

  // authorize
  const target = await authorizeUpload(db, input.actor, { appId: input.appId, environmentKey: input.environmentKey });
  const scope = { organisationId: target.app.organisationId, appId: target.app.id, environmentId: target.environment.id };
  const { via, ...who } = auditActor(input.actor);
  const auditBase = { ...who, organisationId: scope.organisationId };

  if (key) {
    const existing = await findByIdempotencyKey(db, scope.organisationId, key);
    if (existing) return replay(db, existing, scope);
  }

  // act: the engine, at the time read here
  const replacesCertificateId = await resolveRenewalLink(db, { ...scope, purpose, replacesCertificateId: input.replacesCertificateId });
  const checked = await checkUploadForTarget(db, { target, files: input.files, purpose, now });
  const { verdict } = checked;
  const codes = [...new Set(verdict.findings.map((f) => f.code))];

  if (verdict.refused) {
    // Nothing of the upload is stored; the event says THAT a key (or an unsafe archive) was refused, never what it was.
    const keyRefused = verdict.findings.some((f) => f.code === "PRIVATE_KEY_PRESENT");
    await recordAudit(db, {
      ...auditBase,
      action: keyRefused ? "submission.key_refused" : "upload.refused",
      targetType: "environment",
      targetId: scope.environmentId,
      outcome: "refused",
      details: { ...via, appId: scope.appId, purpose, codes, files: input.files.length },
    });
    return { outcome: "refused", verdict };
  }
  const hasErrorFindings = verdict.findings.some((f) => f.severity === "error");
  if (input.submit && hasErrorFindings) {
    await recordAudit(db, {
      ...auditBase,
      action: "submission.create",
      targetType: "environment",
      targetId: scope.environmentId,
      outcome: "refused",
      details: { ...via, appId: scope.appId, purpose, codes, reason: "verdict has errors" },
    });
    return { outcome: "rejected", verdict };
  }

  // Quick answer before any storage work; the transaction checks again under the lock.
  await assertSlotOpen(db, { ...scope, purpose });

  const submissionId = randomUUID();
  const fileScope = { ...scope, submissionId };
  let written: WrittenFile[];
  try {
    written = await writeFiles(storage, fileScope, plannedFiles(input.files, verdict, checked.items));
  } catch (error) {
    await auditFailure(db, auditBase, scope, "storage");
    throw new AppError("UNAVAILABLE", "Your files could not be stored just now, so nothing was kept. Try again in a moment.", { cause: error });
  }

  // Issue 16: a portal (or API draft) upload with errors is rejected by the checks, and kept.
  const status: SubmissionStatus = input.submit ? "in_review" : hasErrorFindings ? "rejected" : "draft";
  const subject = checked.subject;
  const path = pathCertificates(verdict, checked.items);
  let superseded: string[] = [];
  try {
    await db.transaction(async (tx) => {
      await lockSlot(tx, { appId: scope.appId, environmentId: scope.environmentId, purpose });
      if (key) {
        // Checked again under the lock: a concurrent twin (double click) may have committed meanwhile,
        // and replacing its draft would leave two "created" answers for one key.
        const twin = await findByIdempotencyKey(tx, scope.organisationId, key);
        if (twin) throw new ReplayInstead(twin);
      }
      await assertSlotOpen(tx, { ...scope, purpose });
      // A rejected upload cannot be sent, so it leaves the slot's draft alone.
      if (status !== "rejected") superseded = await supersedeDrafts(tx, { ...scope, purpose }, { by: submissionId, now, who: auditBase, via });
      // The upload answers the reviewers' latest "changes requested" for this slot, if any.
      const [answered] = await tx
        .select({ id: submissions.id })
        .from(submissions)
        .where(and(eq(submissions.appId, scope.appId), eq(submissions.environmentId, scope.environmentId), eq(submissions.purpose, purpose), eq(submissions.status, "changes_requested")))
        .orderBy(desc(submissions.updatedAt))
        .limit(1);
      await tx.insert(submissions).values({
        id: submissionId,
        organisationId: scope.organisationId,
        appId: scope.appId,
        environmentId: scope.environmentId,
        purpose,
        kind: subject.kind,
        status,
        verdict: verdict.verdict,
        programId: target.program.id,
        programVersion: target.program.version,
        createdBy: input.actor.kind === "user" ? input.actor.user.id : input.actor.principal.createdBy,
        idempotencyKey: key ?? null,
        supersedesId: answered?.id ?? null,
        replacesCertificateId,
        approvalsRequired: approvalsRequired(target.program, target.environment.key),
        leafFingerprint: subject.fingerprintSha256 ?? null,
        leafSpkiSha256: subject.spkiSha256 ?? null,
        leafSubject: subject.subject ?? null,
        leafNotAfter: subject.notAfter ?? null,
        submittedAt: input.submit ? now : null,
        decidedAt: status === "rejected" ? now : null,
        createdAt: now,
        updatedAt: now,
      });
      if (written.length) await tx.insert(submissionFiles).values(written.map((w) => ({ ...w, submissionId, createdAt: now })));
      // Issue 15: what the CA said about the leaf at upload, for the reviewer's page.
      if (checked.revocation) await recordRevocationCheck(tx, { submissionId, check: checked.revocation, trigger: "upload" });
      if (verdict.findings.length) {
        const acknowledged = input.submit && input.actor.kind === "token" ? input.actor.principal : undefined;
        await tx.insert(findingsTable).values(
          verdict.findings.map((f) => ({
            submissionId,
            code: f.code,
            severity: f.severity,
            position: f.certificate?.position ?? null,
            subject: f.certificate?.subject ?? null,
            message: f.message,
            fix: f.fix ?? null,
            // Sent through the API: the sender acknowledged the warnings by sending (docs/api.md says so).
            ...(f.severity === "warning" && acknowledged
              ? { acknowledgedBy: acknowledged.createdBy, acknowledgedAt: now, acknowledgement: `Sent for review through API token ${acknowledged.tokenPrefix}…` }
              : {}),
          })),
        );
      }
      if (path.length) {
        await tx.insert(certificates).values(
          path.map((p, position) => certificateRow(p, { ...fileScope, position })),
        );
      }
      await recordAudit(tx, {
        ...auditBase,
        action: "submission.create",
        targetType: "submission",
        targetId: submissionId,
        outcome: "success",
        at: now,
        details: { ...via, appId: scope.appId, environmentId: scope.environmentId, purpose, status, verdict: verdict.verdict, codes, files: written.length, ...(superseded.length ? { supersededDraftIds: superseded } : {}), ...(replacesCertificateId ? { replacesCertificateId } : {}) },
      });
      if (replacesCertificateId) {
        // Issue 14: the renewed certificate's timeline shows that a successor was submitted.
        const [renewed] = await tx.select({ submissionId: certificates.submissionId }).from(certificates).where(eq(certificates.id, replacesCertificateId));
        if (renewed) {
          await recordAudit(tx, { ...auditBase, action: "certificate.renewal", targetType: "submission", targetId: renewed.submissionId, outcome: "success", at: now, details: { ...via, certificateId: replacesCertificateId, successorSubmissionId: submissionId } });
        }
      }
    });
  } catch (error) {
    await deleteObjects(storage, written.map((w) => w.objectKey));
    if (error instanceof ReplayInstead) return replay(db, error.existing, scope);
    if (key && uniqueViolation(error)) {
      // Two requests with the same key raced; the other one won. Answer with its submission.
      const existing = await findByIdempotencyKey(db, scope.organisationId, key);
      if (existing) return replay(db, existing, scope);
    }
    if (error instanceof AppError) throw error;
    await auditFailure(db, auditBase, scope, "database");
    throw new AppError("UNAVAILABLE", "Your submission could not be saved just now, so nothing was kept. Try again in a moment.", { cause: error });
  }
  return { outcome: "created", submission: { id: submissionId, status }, verdict, ...(superseded.length ? { supersededDraftIds: superseded } : {}) };
}

type ExistingSubmission = { id: string; status: SubmissionStatus; verdict: "accepted" | "rejected"; appId: string; environmentId: string };

/** Aborts the transaction when the idempotency key turned out to be taken by a concurrent request. */
class ReplayInstead extends Error {
  constructor(readonly existing: ExistingSubmission) {
    super("idempotent replay");
  }
}

async function replay(
  db: Database,
  existing: ExistingSubmission,
  scope: { appId: string; environmentId: string },
): Promise<CreateSubmissionResult> {
  if (existing.appId !== scope.appId || existing.environmentId !== scope.environmentId) {
    throw new AppError("CONFLICT", "This idempotency key was already used for another app or environment. Use a new key for each upload.");
  }
  return { outcome: "existing", submission: { id: existing.id, status: existing.status }, verdict: { verdict: existing.verdict, findings: await storedFindings(db, existing.id), chain: [] } };
}

async function assertSlotOpen(db: Database, slot: { appId: string; environmentId: string; purpose: Purpose }): Promise<void> {
  const [inReview] = await db
    .select({ id: submissions.id })
    .from(submissions)
    .where(and(eq(submissions.appId, slot.appId), eq(submissions.environmentId, slot.environmentId), eq(submissions.purpose, slot.purpose), eq(submissions.status, "in_review")))
    .limit(1);
  if (inReview) throw new AppError("CONFLICT", IN_REVIEW_MESSAGE);
}

/** The slot's unsent drafts, which a new upload would supersede (the upload page says so before the upload). */
export async function draftsInSlot(db: Database, slot: { appId: string; environmentId: string; purpose: Purpose }): Promise<{ id: string; createdAt: Date; leafSubject: string | null }[]> {
  return db
    .select({ id: submissions.id, createdAt: submissions.createdAt, leafSubject: submissions.leafSubject })
    .from(submissions)
    .where(and(eq(submissions.appId, slot.appId), eq(submissions.environmentId, slot.environmentId), eq(submissions.purpose, slot.purpose), eq(submissions.status, "draft")))
    .orderBy(desc(submissions.createdAt));
}

/**
 * Issue 16: an unsent draft is superseded by the new upload, never deleted: its record, files
 * and findings stay readable at its URL, marked superseded, with an audit event naming its successor.
 */
async function supersedeDrafts(
  tx: Database,
  slot: { appId: string; environmentId: string; purpose: Purpose },
  input: { by: string; now: Date; who: Omit<AuditEventInput, "action" | "outcome">; via: Record<string, unknown> },
): Promise<string[]> {
  const drafts = await draftsInSlot(tx, slot);
  if (drafts.length === 0) return [];
  const ids = drafts.map((d) => d.id);
  await tx
    .update(submissions)
    .set({ status: "superseded", updatedAt: input.now, decidedAt: input.now, version: sql`${submissions.version} + 1` })
    .where(and(inArray(submissions.id, ids), eq(submissions.status, "draft")));
  for (const id of ids) {
    await recordAudit(tx, { ...input.who, action: "submission.supersede", targetType: "submission", targetId: id, outcome: "success", at: input.now, details: { ...input.via, supersededById: input.by } });
  }
  return ids;
}

/** The certificates row of one path certificate; `pending` until the submission is decided (issued ones start `approved`). */
export function certificateRow(
  p: ReturnType<typeof pathCertificates>[number],
  scope: { organisationId: string; appId: string; environmentId: string; submissionId: string; position: number },
  status: "pending" | "approved" = "pending",
): typeof certificates.$inferInsert {
  const d = p.entry.details;
  const text = (k: string) => (typeof d[k] === "string" ? (d[k] as string) : "");
  const key = (d.publicKey ?? {}) as { algorithm?: unknown; size?: unknown };
  return {
    submissionId: scope.submissionId,
    organisationId: scope.organisationId,
    appId: scope.appId,
    environmentId: scope.environmentId,
    position: scope.position,
    role: p.role,
    subject: p.entry.subject,
    issuer: text("issuer"),
    serialNumber: text("serialNumber"),
    notBefore: new Date(text("notBefore")),
    notAfter: new Date(text("notAfter")),
    fingerprintSha256: text("fingerprintSha256"),
    spkiSha256: text("spkiSha256"),
    keyAlgorithm: typeof key.algorithm === "string" ? key.algorithm : "unknown",
    keySize: typeof key.size === "number" ? key.size : null,
    pem: toPem(p.der),
    status,
  };
}

async function auditFailure(db: Database, base: Record<string, unknown>, scope: { appId: string; environmentId: string }, stage: "storage" | "database"): Promise<void> {
  try {
    await recordAudit(db, { ...(base as object), action: "submission.create", targetType: "environment", targetId: scope.environmentId, outcome: "failure", details: { appId: scope.appId, stage } });
  } catch (error) {
    // The audit write failing too (database down) must not hide the partner's clear error.
    console.error("audit: could not record a failed submission", error instanceof Error ? error.message : error);
  }
}
