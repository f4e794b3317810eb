/** How the partner API shows records: metadata only, never file contents or object keys. */
import { issuedCertificateJson } from "@/lib/ca/issued";
import type { SubmissionView } from "../get-submission";

export function submissionJson(v: SubmissionView) {
  return {
    id: v.id,
    status: v.status,
    verdict: v.verdict,
    kind: v.kind,
    purpose: v.purpose,
    program: v.program,
    app: v.app,
    environment: { key: v.environment.key, label: v.environment.label, production: v.environment.production },
    createdAt: v.createdAt,
    submittedAt: v.submittedAt,
    decidedAt: v.decidedAt,
    approvalsRequired: v.approvalsRequired,
    findings: v.findings.map((f) => ({ id: f.id, code: f.code, severity: f.severity, certificate: f.certificate, message: f.message, fix: f.fix, acknowledgedAt: f.acknowledgedAt })),
    // A CSR submission's certificates are the ones Certdesk's CA issued (issue 12): [] until issued.
    certificates: v.kind === "csr" ? v.issued.map(issuedCertificateJson) : v.certificates.map((c) => ({
      position: c.position,
      role: c.role,
      subject: c.subject,
      issuer: c.issuer,
      serialNumber: c.serialNumber,
      notBefore: c.notBefore,
      notAfter: c.notAfter,
      fingerprintSha256: c.fingerprintSha256,
      spkiSha256: c.spkiSha256,
      keyAlgorithm: c.keyAlgorithm,
      keySize: c.keySize,
      status: c.status,
    })),
    files: v.files.map((f) => ({ id: f.id, kind: f.kind, name: f.name, size: f.size, sha256: f.sha256 })),
    reviews: v.reviews.map((r) => ({ decision: r.decision, comment: r.comment, createdAt: r.createdAt })),
    timeline: v.timeline,
    stages: v.stages,
  };
}
