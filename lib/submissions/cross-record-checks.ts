/**
 * Checks that need other records, run when an upload becomes a submission:
 * the same key already registered elsewhere, or the same certificate already active here.
 *
 * Only submissions a partner has sent (in review or further along) count as registering
 * a key. A draft does not: certificates are public, so counting drafts would let anyone
 * "squat" another organisation's key by uploading its certificate without sending it.
 */
import { and, eq, inArray, ne } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { certificates, developerApps, environments, issuedCertificates, submissions, type SubmissionStatus } from "@/lib/db";
import type { Finding, FindingSubject } from "@/lib/pki";
import type { Program } from "@/lib/policy";

/** Statuses in which a submission's key is registered. */
export const REGISTERED_STATUSES: readonly SubmissionStatus[] = ["in_review", "changes_requested", "approved", "scheduled", "active"];

export type CrossRecordInput = {
  organisationId: string;
  appId: string;
  environmentId: string;
  purpose: string;
  /** SPKI SHA-256 of the leaf (or the CSR): the key's identity. */
  spkiSha256: string;
  /** Leaf certificate fingerprint; absent for a CSR. */
  fingerprintSha256?: string;
  certificate?: FindingSubject;
  program: Program;
  /** A submission to leave out (the one being checked again at submit time). */
  excludeSubmissionId?: string;
  /** CSR uploads: the SPKI SHA-256 of every CSR (KEY_REUSED compares each with the active certificates). */
  csrSpkiSha256s?: string[];
};

export async function crossRecordChecks(db: Database, input: CrossRecordInput): Promise<Finding[]> {
  const found: Finding[] = [];
  const where = [eq(submissions.leafSpkiSha256, input.spkiSha256), inArray(submissions.status, [...REGISTERED_STATUSES])];
  if (input.excludeSubmissionId) where.push(ne(submissions.id, input.excludeSubmissionId));
  const others = await db
    .select({
      id: submissions.id,
      organisationId: submissions.organisationId,
      appId: submissions.appId,
      environmentId: submissions.environmentId,
      purpose: submissions.purpose,
      appName: developerApps.name,
      environmentLabel: environments.label,
    })
    .from(submissions)
    .innerJoin(developerApps, eq(developerApps.id, submissions.appId))
    .innerJoin(environments, eq(environments.id, submissions.environmentId))
    .where(and(...where))
    .limit(50);
  const about = input.certificate ? { certificate: input.certificate } : {};

  if (others.some((o) => o.organisationId !== input.organisationId)) {
    // Never name the other organisation or its app: that would leak another tenant's data.
    found.push({
      code: "KEY_REUSED_ACROSS_PARTNERS",
      severity: "error",
      ...about,
      message: "This key is already registered to another organisation. A key identifies one partner; it cannot be shared.",
      fix: "Generate a new key pair for this app and request a certificate for it: openssl genrsa -out client.key 2048 && openssl req -new -key client.key -out client.csr",
    });
  }
  const own = others.filter((o) => o.organisationId === input.organisationId);
  const otherPurpose = own.filter((o) => o.purpose !== input.purpose);
  if (otherPurpose.length > 0) {
    found.push({
      code: "KEY_REUSED_ACROSS_PURPOSES",
      severity: "error",
      ...about,
      message: `This key is already registered for ${[...new Set(otherPurpose.map((o) => o.purpose))].join(", ")}; each purpose needs its own key.`,
      fix: "Generate a separate key pair for this purpose and send its certificate or CSR.",
    });
  }
  const otherEnvironment = own.filter((o) => o.appId === input.appId && o.environmentId !== input.environmentId && o.purpose === input.purpose);
  const reuse = input.program.rules.keyReuseAcrossEnvironments;
  if (otherEnvironment.length > 0 && reuse !== "allowed") {
    const labels = [...new Set(otherEnvironment.map((o) => o.environmentLabel))].join(", ");
    found.push({
      code: "KEY_REUSED_ACROSS_ENVIRONMENTS",
      severity: reuse === "error" ? "error" : "warning",
      ...about,
      message: `This key is also registered for ${otherEnvironment[0]!.appName} in ${labels}. ${reuse === "error" ? "This program requires" : "This program recommends"} a separate key per environment.`,
      fix: "Generate a separate key pair for this environment so that a leak in one does not expose the other.",
    });
  }

  if (input.csrSpkiSha256s?.length) {
    // Issue 12 (003: "different keys"): a renewal needs a new key. Compared with the app
    // environment's active certificates: the gateway's (certificates) and those Certdesk's CA
    // issued for either purpose (issued_certificates of an active submission).
    const keys = [...new Set(input.csrSpkiSha256s)];
    const [activeLeaf] = await db
      .select({ id: certificates.id })
      .from(certificates)
      .where(and(inArray(certificates.spkiSha256, keys), eq(certificates.appId, input.appId), eq(certificates.environmentId, input.environmentId), eq(certificates.role, "leaf"), inArray(certificates.status, ["active", "retiring"])))
      .limit(1);
    const [activeIssued] = activeLeaf
      ? [activeLeaf]
      : await db
          .select({ id: issuedCertificates.id })
          .from(issuedCertificates)
          .innerJoin(submissions, eq(submissions.id, issuedCertificates.submissionId))
          .where(and(inArray(issuedCertificates.spkiSha256, keys), eq(issuedCertificates.appId, input.appId), eq(issuedCertificates.environmentId, input.environmentId), eq(issuedCertificates.status, "issued"), eq(submissions.status, "active")))
          .limit(1);
    if (activeIssued) {
      found.push({
        code: "KEY_REUSED",
        severity: "error",
        ...about,
        message: "This CSR's key is the key of the certificate currently active for this app and environment. A renewed certificate needs a new key.",
        fix: "Generate a new key pair and a new CSR from it: openssl genrsa -out new.key 2048 && openssl req -new -key new.key -out new.csr",
      });
    }
  }

  if (input.fingerprintSha256) {
    // Issue 14 (renewal): a new certificate for the key of the one in service here. The same
    // code as issue 12's CSR check; its severity is the program's (expiry.keyReuse: warning by
    // default, error where the text asks for distinct keys, 003).
    const [sameKey] = await db
      .select({ id: certificates.id })
      .from(certificates)
      .where(
        and(
          eq(certificates.spkiSha256, input.spkiSha256),
          ne(certificates.fingerprintSha256, input.fingerprintSha256),
          eq(certificates.appId, input.appId),
          eq(certificates.environmentId, input.environmentId),
          eq(certificates.role, "leaf"),
          inArray(certificates.status, ["active", "retiring"]),
        ),
      )
      .limit(1);
    if (sameKey) {
      const severity = (input.program as { expiry?: { keyReuse?: "warning" | "error" } }).expiry?.keyReuse ?? "warning";
      found.push({
        code: "KEY_REUSED",
        severity,
        ...about,
        message: `This certificate has the key of the certificate currently active for this app and environment. ${severity === "error" ? "This program requires" : "This program recommends"} a new key for a renewal.`,
        fix: "Generate a new key pair, get a certificate for it, and send that: openssl genrsa -out new.key 2048 && openssl req -new -key new.key -out new.csr",
      });
    }
  }

  if (input.fingerprintSha256) {
    const [active] = await db
      .select({ id: certificates.id })
      .from(certificates)
      .where(
        and(
          eq(certificates.fingerprintSha256, input.fingerprintSha256),
          eq(certificates.appId, input.appId),
          eq(certificates.environmentId, input.environmentId),
          eq(certificates.role, "leaf"),
          eq(certificates.status, "active"),
        ),
      )
      .limit(1);
    if (active) {
      found.push({
        code: "CERT_ALREADY_ACTIVE",
        severity: "info",
        ...about,
        message: "This certificate is already active for this app and environment.",
        fix: "Nothing to do unless you meant to send a renewed certificate.",
      });
    }
  }
  return found;
}
