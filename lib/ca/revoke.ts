/**
 * Revocation at the CA: when a submission's certificate is revoked (the key-compromise action
 * and the other reasons of lib/scheduling), the certificates Certdesk issued for it are revoked
 * too, with the RFC 5280 reason, and their CA's CRL is marked stale so the CRL job republishes
 * it within a minute (or at once, when the caller can sign: {@link publishCaArtefacts}).
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { certificateAuthorities, issuedCertificates } from "@/lib/db";
import { crlReasonOf } from "./profile";

/** Runs inside the revocation's transaction. Returns the revoked serials and their CAs. */
export async function revokeIssuedForSubmission(
  tx: Database,
  input: { submissionId: string; reason: string; now: Date },
): Promise<{ serialNumbers: string[]; authorityIds: string[] }> {
  const revoked = await tx
    .update(issuedCertificates)
    .set({ status: "revoked", revokedAt: input.now, crlReason: crlReasonOf(input.reason) })
    .where(and(eq(issuedCertificates.submissionId, input.submissionId), eq(issuedCertificates.status, "issued")))
    .returning({ serialNumber: issuedCertificates.serialNumber, authorityId: issuedCertificates.authorityId });
  const authorityIds = [...new Set(revoked.map((r) => r.authorityId))];
  if (authorityIds.length) await tx.update(certificateAuthorities).set({ crlStale: true }).where(inArray(certificateAuthorities.id, authorityIds));
  return { serialNumbers: revoked.map((r) => r.serialNumber), authorityIds };
}
