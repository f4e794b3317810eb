/**
 * Certdesk PKI layer: certificate and CSR inspection, path building and validation.
 * Pure: time (`at`) and the WebCrypto provider come in as parameters.
 */
import { createHash } from "node:crypto";
import { type ParsedCertificate, isSelfIssued, namesEqual, parseCertificate } from "./certificate";
import { bytesEqual } from "./der";
import { verifyCertificateSignature } from "./signature";

export {
  CertificateParseError,
  nameToString,
  parseCertificate,
  pemBlocks,
  pemToDer,
  toPem,
  type GeneralName,
  type ParsedCertificate,
  type ParsedName,
} from "./certificate";
export { parseCrl, type ParsedCrl } from "./crl";
export { LruCache } from "./lru";
export {
  certificateIdentity,
  describeCertificate,
  fingerprintSha256,
  inspectCertificate,
  inspectCsr,
  type CertificateIdentity,
  type CertificateInfo,
  type CsrInfo,
  type Psd2Info,
  type Psd2Role,
  type PublicKeyInfo,
  type QcStatementsInfo,
  type SanEntry,
  type SignatureAlgorithmInfo,
  type SubjectAttributes,
} from "./inspect";
export { dnsNameMatches, leafMatchesPeerName, parseIp, type PeerName } from "./names";
export { publicTrustAnchors } from "./node-roots";
export {
  validatePath,
  type CertificateInput,
  type PathResult,
  type RevocationStatus,
  type StatusChecker,
  type StatusSubject,
  type ValidatePathOptions,
  type ValidationProfile,
} from "./validate";
export { ANY_POLICY, type PolicyInputs } from "./policy-tree";
export { FINDING_CODES, hasErrors, isFindingCode, type Finding, type FindingCode, type FindingSubject, type Severity } from "./findings";

/**
 * SHA-256 of the SubjectPublicKeyInfo: the key's identity across certificates (lowercase hex).
 * Equal to `CsrInfo.spkiSha256` of the CSR the certificate was issued for.
 *
 * @example
 * spkiSha256(certPem) === (await inspectCsr(csrPem)).spkiSha256; // same key?
 */
export function spkiSha256(input: string | Uint8Array): string {
  return createHash("sha256").update(parseCertificate(input).spki).digest("hex");
}

/**
 * Whether `issuer` issued `child`: names chain, key identifiers (when both present) agree, and
 * `child`'s signature verifies with `issuer`'s key. Signature only — no dates, no CA checks.
 * Never throws; unreadable input is `false`.
 *
 * @example
 * if (await isIssuerOf(uploaded[1], uploaded[0])) { ... } // upload is in leaf-first order
 */
export async function isIssuerOf(issuer: string | Uint8Array, child: string | Uint8Array, crypto: Crypto = globalThis.crypto): Promise<boolean> {
  let i: ParsedCertificate;
  let c: ParsedCertificate;
  try {
    i = parseCertificate(issuer);
    c = parseCertificate(child);
  } catch {
    return false;
  }
  if (!namesEqual(c.issuer, i.subject)) return false;
  if (c.authorityKeyId && i.subjectKeyId && !bytesEqual(c.authorityKeyId, i.subjectKeyId)) return false;
  return (await verifyCertificateSignature(c, i, crypto)).ok;
}

/**
 * Whether a certificate is self-signed: self-issued and its signature verifies with its own key.
 *
 * @example
 * await isSelfSigned(pem); // true for a root or a self-signed client certificate
 */
export async function isSelfSigned(input: string | Uint8Array, crypto: Crypto = globalThis.crypto): Promise<boolean> {
  try {
    const c = parseCertificate(input);
    return isSelfIssued(c) && (await verifyCertificateSignature(c, c, crypto)).ok;
  } catch {
    return false;
  }
}
