/** The certificates Certdesk's CA issued for a submission, as the partner downloads them. */
import { asc, eq } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { caIssuances, issuedCertificates } from "@/lib/db";

export type IssuedCertificateView = {
  id: string;
  purpose: "mtls" | "signature";
  serialNumber: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  fingerprintSha256: string;
  pem: string;
  /** Leaf, issuing CA, root. */
  chainPem: string;
  status: "issued" | "revoked";
  revokedAt: Date | null;
};

/** Call only after the caller's access to the submission was checked (getSubmission does). */
export async function listIssuedCertificates(db: Database, submissionId: string): Promise<IssuedCertificateView[]> {
  const rows = await db
    .select({
      id: issuedCertificates.id,
      purpose: issuedCertificates.purpose,
      serialNumber: issuedCertificates.serialNumber,
      subject: issuedCertificates.subject,
      notBefore: issuedCertificates.notBefore,
      notAfter: issuedCertificates.notAfter,
      fingerprintSha256: issuedCertificates.fingerprintSha256,
      pem: issuedCertificates.pem,
      chainPem: issuedCertificates.chainPem,
      status: issuedCertificates.status,
      revokedAt: issuedCertificates.revokedAt,
    })
    .from(issuedCertificates)
    .where(eq(issuedCertificates.submissionId, submissionId))
    .orderBy(asc(issuedCertificates.purpose));
  return rows;
}

/** The issuance's state, for the page: pending (signing), issued, blocked (support alerted), or none. */
export async function issuanceStatus(db: Database, submissionId: string): Promise<"pending" | "issued" | "blocked" | null> {
  const [row] = await db.select({ status: caIssuances.status }).from(caIssuances).where(eq(caIssuances.submissionId, submissionId)).limit(1);
  return row?.status ?? null;
}

/** The API's `certificates` entries for issued certificates. */
export function issuedCertificateJson(c: IssuedCertificateView) {
  return {
    purpose: c.purpose,
    serialNumber: c.serialNumber,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    fingerprintSha256: c.fingerprintSha256,
    pem: c.pem,
    chainPem: c.chainPem,
    status: c.status,
  };
}
