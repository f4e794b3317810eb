/**
 * Issue 16: the order in which a partner should fix findings. Severity first (errors, then
 * warnings, then info), then the finding's category by rank: an upload that cannot be read, or a
 * chain from a CA the program refuses, makes every field-level finding moot, so those come first.
 * Within a category the engine's order stands (the rules registry order). The engine applies it to
 * every verdict (lib/policy/evaluate.ts); the portal and the API apply it again to stored findings,
 * so the CLI, the API and the portal list findings in the same order.
 */
import type { FindingCode, Severity } from "../pki/findings";

/** What a finding is about, in fix-first order. */
export const FINDING_CATEGORIES = [
  { id: "format", title: "Upload and format", why: "Nothing else can be judged until the files can be read (and a leaked private key comes before anything)." },
  { id: "trust", title: "Trust and issuer", why: "A chain from a CA the program refuses, or a revoked certificate, must be replaced whatever its fields say." },
  { id: "chain", title: "Chain structure", why: "Missing, extra or misordered certificates; the CSRs belonging together." },
  { id: "validity", title: "Validity", why: "Dates and lifetime of the client certificate." },
  { id: "key", title: "Keys and signatures", why: "Key algorithm and size, signature hashes." },
  { id: "fields", title: "Certificate fields", why: "Field-level rules: CA flag, key usage, EKU, subject and company name." },
  { id: "records", title: "Status and other records", why: "Revocation status to confirm, key reuse and certificates already in service." },
] as const;

export type FindingCategory = (typeof FINDING_CATEGORIES)[number]["id"];

/** Each code's category. A code not listed here is placed by its prefix ({@link categoryOf}). */
export const FINDING_CATEGORY: Partial<Record<FindingCode, FindingCategory>> = {
  PRIVATE_KEY_PRESENT: "format",
  ARCHIVE_UNSAFE: "format",
  UPLOAD_TOO_LARGE: "format",
  FORMAT_UNRECOGNIZED: "format",
  FORMAT_PEM_MALFORMED: "format",
  FORMAT_NOT_PEM: "format",
  FORMAT_NOT_ACCEPTED: "format",
  ARCHIVE_EMPTY: "format",
  CERTIFICATE_MALFORMED: "format",

  TRUST_SELF_SIGNED_REFUSED: "trust",
  TRUST_UNTRUSTED_ROOT: "trust",
  TRUST_ISSUER_REFUSED: "trust",
  SELF_SIGNED_ROLES_MIXED: "trust",
  PSD2_QWAC_REQUIRED: "trust",
  REVOKED: "trust",
  REVOCATION_REVOKED: "trust",

  CHAIN_NO_LEAF: "chain",
  CHAIN_MULTIPLE_LEAVES: "chain",
  CHAIN_INCOMPLETE: "chain",
  CHAIN_ROOT_MISSING: "chain",
  CHAIN_ROOT_INCLUDED: "chain",
  CHAIN_SIGNATURE_INVALID: "chain",
  CHAIN_ISSUER_NOT_CA: "chain",
  CHAIN_PATH_LENGTH: "chain",
  CHAIN_TOO_LONG: "chain",
  CHAIN_CERT_EXPIRED: "chain",
  CHAIN_CERT_NOT_YET_VALID: "chain",
  CHAIN_NAME_CONSTRAINTS: "chain",
  CHAIN_CRITICAL_EXTENSION: "chain",
  CHAIN_EKU: "chain",
  UNRELATED_CERTIFICATE: "chain",
  CHAIN_ORDER: "chain",
  DUPLICATE_CERTIFICATE: "chain",
  CHAIN_INTERMEDIATE_FETCHED: "chain",
  CSR_MISSING: "chain",
  CSR_SIGNATURE_INVALID: "chain",
  CSR_KEY_MISMATCH: "chain",

  LEAF_EXPIRED: "validity",
  LEAF_NOT_YET_VALID: "validity",
  LEAF_VALIDITY_OUT_OF_RANGE: "validity",
  LEAF_EXPIRES_SOON: "validity",

  KEY_ALGORITHM_NOT_ALLOWED: "key",
  KEY_TOO_SMALL: "key",
  KEY_SIZE_UNEXPECTED: "key",
  SIGNATURE_ALGORITHM_WEAK: "key",
  SIGNATURE_ALGORITHM_NOT_ALLOWED: "key",
  KEY_REUSED_ACROSS_PURPOSES: "key",

  LEAF_IS_CA: "fields",
  LEAF_EKU_CLIENT_AUTH: "fields",
  LEAF_KEY_USAGE: "fields",
  LEAF_NAME_MISMATCH: "fields",
  SUBJECT_COMPANY_NAME: "fields",
  CSR_SUBJECT_FIELD: "fields",

  REVOCATION_UNKNOWN: "records",
  KEY_REUSED: "records",
  KEY_REUSED_ACROSS_ENVIRONMENTS: "records",
  KEY_REUSED_ACROSS_PARTNERS: "records",
  CERT_ALREADY_ACTIVE: "records",
};

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
const CATEGORY_RANK = new Map<string, number>(FINDING_CATEGORIES.map((c, i) => [c.id, i]));

const BY_PREFIX: readonly (readonly [string, FindingCategory])[] = [
  ["FORMAT_", "format"],
  ["ARCHIVE_", "format"],
  ["TRUST_", "trust"],
  ["CHAIN_", "chain"],
  ["POLICY_", "chain"],
  ["CSR_", "chain"],
  ["KEY_", "key"],
  ["SIGNATURE_", "key"],
  ["LEAF_", "fields"],
];

/** A code's category: listed in {@link FINDING_CATEGORY}, else by its prefix (CHAIN_…, LEAF_…), else "records". */
export function categoryOf(code: string): FindingCategory {
  const listed = (FINDING_CATEGORY as Record<string, FindingCategory | undefined>)[code];
  return listed ?? BY_PREFIX.find(([prefix]) => code.startsWith(prefix))?.[1] ?? "records";
}

/** The rank of a code's category (0 = fix first). */
export function findingRank(code: string): number {
  return CATEGORY_RANK.get(categoryOf(code))!;
}

/**
 * Findings in fix-first order: errors before warnings before info, then by category rank; a stable
 * sort, so findings of one category keep the order they came in.
 *
 * @example
 * orderFindings([{ code: "SUBJECT_COMPANY_NAME", severity: "error" }, { code: "TRUST_ISSUER_REFUSED", severity: "error" }])
 * // → TRUST_ISSUER_REFUSED first
 */
export function orderFindings<T extends { code: string; severity: Severity }>(findings: readonly T[]): T[] {
  return findings
    .map((f, i) => ({ f, i, s: SEVERITY_RANK[f.severity] ?? 3, r: findingRank(f.code) }))
    .sort((a, b) => a.s - b.s || a.r - b.r || a.i - b.i)
    .map((x) => x.f);
}
