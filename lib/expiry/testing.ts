/**
 * Test helpers for lib/expiry: leaf certificates inserted straight into the states the
 * expiry job reads (the job only reads metadata, never certificate bytes), under an app of
 * a fresh program whose `expiry` settings the test chooses.
 */
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { certificates, programs, submissions, type CertificateStatus, type SubmissionStatus } from "@/lib/db";
import { createTestApp, type TestApp } from "@/lib/scheduling/testing";
import { DAY_MS } from "./state";

export async function createExpiryTestApp(db: Database, input: { organisationId: string; expiry?: Record<string, unknown>; scheduling?: Record<string, unknown> }): Promise<TestApp> {
  const app = await createTestApp(db, { organisationId: input.organisationId, scheduling: input.scheduling });
  const [row] = await db.select({ definition: programs.definition }).from(programs).where(eq(programs.id, app.programId));
  await db
    .update(programs)
    .set({ definition: { ...(row!.definition as object), ...(input.expiry ? { expiry: input.expiry } : {}) } })
    .where(eq(programs.id, app.programId));
  return app;
}

/** A submission with one leaf certificate row; dates relative to `now` in days. */
export async function insertLeaf(
  db: Database,
  input: {
    app: TestApp;
    organisationId: string;
    environment?: "stage" | "production";
    now: Date;
    /** Days from now to not-after (negative: already expired). */
    expiresInDays: number;
    /** Whole validity in days (not-before = not-after − validity). */
    validityDays?: number;
    status?: CertificateStatus;
    submissionStatus?: SubmissionStatus;
    createdAt?: Date;
    replacesCertificateId?: string;
    subject?: string;
  },
): Promise<{ submissionId: string; certificateId: string }> {
  const environmentId = input.app.environments[input.environment ?? "stage"];
  const notAfter = new Date(input.now.getTime() + input.expiresInDays * DAY_MS);
  const notBefore = new Date(notAfter.getTime() - (input.validityDays ?? 365) * DAY_MS);
  const status = input.status ?? "active";
  const fingerprint = randomBytes(32).toString("hex");
  const subject = input.subject ?? `CN=${randomBytes(3).toString("hex")}.acme.test, O=Acme Payments Ltd`;
  const [s] = await db
    .insert(submissions)
    .values({
      organisationId: input.organisationId,
      appId: input.app.appId,
      environmentId,
      kind: "chain",
      status: input.submissionStatus ?? (status === "active" || status === "retiring" ? "active" : status === "expired" ? "retired" : status === "pending" ? "in_review" : status === "scheduled" ? "scheduled" : "approved"),
      verdict: "accepted",
      programId: input.app.programId,
      programVersion: 1,
      leafFingerprint: fingerprint,
      leafSubject: subject,
      leafNotAfter: notAfter,
      replacesCertificateId: input.replacesCertificateId ?? null,
      submittedAt: input.createdAt ?? input.now,
      createdAt: input.createdAt ?? input.now,
    })
    .returning({ id: submissions.id });
  const [c] = await db
    .insert(certificates)
    .values({
      submissionId: s!.id,
      organisationId: input.organisationId,
      appId: input.app.appId,
      environmentId,
      position: 0,
      role: "leaf",
      subject,
      issuer: "CN=Test CA, O=Test",
      serialNumber: randomBytes(8).toString("hex"),
      notBefore,
      notAfter,
      fingerprintSha256: fingerprint,
      spkiSha256: randomBytes(32).toString("hex"),
      keyAlgorithm: "RSA",
      keySize: 2048,
      pem: "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
      status,
      activatedAt: status === "active" || status === "retiring" || status === "expired" ? notBefore : null,
    })
    .returning({ id: certificates.id });
  return { submissionId: s!.id, certificateId: c!.id };
}
