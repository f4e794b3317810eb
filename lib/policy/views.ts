/**
 * The slice of certificate and CSR inspection the rules read. `inspect.ts` fills it
 * from lib/pki, so a change in pki's shapes touches one adapter, not every rule.
 */
import type { Finding } from "../pki/findings";

export type KeyView = {
  /** "RSA" | "EC" | "Ed25519" | "Ed448" | "DSA" | other, as reported. */
  algorithm: string;
  /** Bits: modulus for RSA, field size for EC. */
  size?: number;
  /** "P-256" | "P-384" | "P-521" | other. */
  curve?: string;
};

export type CertView = {
  der: Uint8Array;
  subject: string;
  issuer: string;
  commonNames: string[];
  organizations: string[];
  issuerCommonNames: string[];
  issuerOrganizations: string[];
  organizationIdentifier?: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  publicKey: KeyView;
  signatureAlgorithm: { name: string; hash?: string };
  isCa: boolean;
  /** Key usage names (`digitalSignature`, `keyCertSign`…); undefined when the extension is absent. */
  keyUsage?: string[];
  /** EKU OIDs; undefined when the extension is absent. */
  extendedKeyUsage?: string[];
  fingerprintSha256: string;
  spkiSha256: string;
  selfIssued: boolean;
  selfSigned: boolean;
  psd2?: { roles: string[]; ncaName?: string; ncaId?: string };
  /** Everything pki reported, for the verdict's chain (JSON-safe). */
  info: Record<string, unknown>;
};

export type CsrView = {
  der: Uint8Array;
  subject: string;
  /** Attribute short name (C, ST, L, O, OU, CN, emailAddress) → values. */
  attributes: Record<string, string[]>;
  publicKey: KeyView;
  signatureAlgorithm?: { name: string; hash?: string };
  signatureValid: boolean;
  spkiSha256: string;
  info: Record<string, unknown>;
};

export type PathOutcome = {
  ok: boolean;
  /** SHA-256 fingerprints of the certificates on the path, leaf first, anchor last when reached. */
  path: CertView[];
  /** pki's findings; `certificate.position` indexes `[leaf, ...intermediates]` as passed. */
  findings: Finding[];
};
