/**
 * The finding vocabulary shared by intake, path validation and program rules.
 *
 * Codes are a closed union and stable forever: partners script against them
 * (`--json`, the partner API). Add codes; never rename or reuse one.
 * `docs/findings.md` documents each code once.
 */

export const FINDING_CODES = [
  // Intake and format
  "FORMAT_UNRECOGNIZED",
  "FORMAT_PEM_MALFORMED",
  "FORMAT_NOT_PEM",
  "FORMAT_NOT_ACCEPTED",
  "UPLOAD_TOO_LARGE",
  "PRIVATE_KEY_PRESENT",
  "ARCHIVE_UNSAFE",
  "ARCHIVE_EMPTY",
  "CERTIFICATE_MALFORMED",
  "DUPLICATE_CERTIFICATE",
  "UNRELATED_CERTIFICATE",
  // Chain
  "CHAIN_ORDER",
  "CHAIN_INCOMPLETE",
  "CHAIN_ROOT_MISSING",
  "CHAIN_ROOT_INCLUDED",
  "CHAIN_MULTIPLE_LEAVES",
  "CHAIN_NO_LEAF",
  "CHAIN_SIGNATURE_INVALID",
  "CHAIN_ISSUER_NOT_CA",
  "CHAIN_PATH_LENGTH",
  "CHAIN_TOO_LONG",
  "CHAIN_CERT_EXPIRED",
  "CHAIN_CERT_NOT_YET_VALID",
  "CHAIN_NAME_CONSTRAINTS",
  "CHAIN_CRITICAL_EXTENSION",
  "CHAIN_EKU",
  // Certificate policies, RFC 5280 §6.1 (issue 17)
  "POLICY_REQUIRED_EXPLICIT",
  "POLICY_NOT_ACCEPTED",
  "POLICY_MAPPING_INVALID",
  // Trust
  "TRUST_SELF_SIGNED_REFUSED",
  "TRUST_UNTRUSTED_ROOT",
  "TRUST_ISSUER_REFUSED",
  "SELF_SIGNED_ROLES_MIXED",
  // Leaf and keys
  "LEAF_EXPIRED",
  "LEAF_NOT_YET_VALID",
  "LEAF_EXPIRES_SOON",
  "LEAF_VALIDITY_OUT_OF_RANGE",
  "LEAF_EKU_CLIENT_AUTH",
  "LEAF_KEY_USAGE",
  "LEAF_IS_CA",
  "LEAF_NAME_MISMATCH",
  "KEY_ALGORITHM_NOT_ALLOWED",
  "KEY_TOO_SMALL",
  "KEY_SIZE_UNEXPECTED",
  "SIGNATURE_ALGORITHM_WEAK",
  "SIGNATURE_ALGORITHM_NOT_ALLOWED",
  "SUBJECT_COMPANY_NAME",
  "PSD2_QWAC_REQUIRED",
  "REVOKED",
  "REVOCATION_UNKNOWN",
  // Live revocation and AIA fetching (issue 15)
  "REVOCATION_REVOKED",
  "CHAIN_INTERMEDIATE_FETCHED",
  // CSRs
  "CSR_SIGNATURE_INVALID",
  "CSR_SUBJECT_FIELD",
  "CSR_KEY_MISMATCH",
  // Across records
  "KEY_REUSED_ACROSS_PURPOSES",
  "KEY_REUSED_ACROSS_ENVIRONMENTS",
  "KEY_REUSED_ACROSS_PARTNERS",
  "CERT_ALREADY_ACTIVE",
  // Issue 12: a renewal CSR with the key of the certificate it should replace
  "KEY_REUSED",
  // Submission completeness (appended by lib/policy)
  "CSR_MISSING",
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

/** `error` blocks submission; `warning` needs a reviewer's acknowledgement; `info` is for the record. */
export type Severity = "error" | "warning" | "info";

/** Which uploaded item a finding concerns, as the partner can recognise it. */
export type FindingSubject = {
  /** 0-based position of the certificate (or CSR) in the upload, in the order it was read. */
  position: number;
  /** RFC 4514 subject DN, e.g. `CN=Acme Payments Client, O=Acme Payments Ltd`. */
  subject: string;
  /** Where it came from: file name, and the entry path inside an archive. */
  source?: string;
};

export type Finding = {
  code: FindingCode;
  severity: Severity;
  certificate?: FindingSubject;
  /** Plain-language statement of what is wrong, specific to this upload. */
  message: string;
  /** What to do about it, often an `openssl` command. */
  fix?: string;
};

export function isFindingCode(value: string): value is FindingCode {
  return (FINDING_CODES as readonly string[]).includes(value);
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === "error");
}
