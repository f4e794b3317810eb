/**
 * Inspection: certificates and CSRs → plain, JSON-serialisable facts for the portal, the
 * CLI and program rules. Inspection never judges; validation and policy do.
 */
import * as nodeCrypto from "node:crypto";
import {
  CertificateParseError,
  type GeneralName,
  OID,
  type ParsedCertificate,
  type ParsedName,
  attributeName,
  isSelfIssued,
  nameToString,
  parseCertificate,
  parseGeneralName,
  parseName,
  pemToDer,
} from "./certificate";
import { children, content, decodeString, DerError, expectTag, oidAt, readTlv, toHex, whole } from "./der";
import { SIGNATURE_ALGORITHMS, curveOf, selfSignatureAsGiven, verifySignature } from "./signature";

export type SubjectAttributes = {
  CN?: string;
  O?: string;
  OU?: string;
  C?: string;
  ST?: string;
  L?: string;
  emailAddress?: string;
  /** 2.5.4.97, e.g. `PSDGB-FCA-123456` (ETSI EN 319 412-1). */
  organizationIdentifier?: string;
  serialNumber?: string;
};

export type PublicKeyInfo = {
  /** "RSA" | "RSA-PSS" | "EC" | "Ed25519" | "Ed448" | "X25519" | "X448" | "DSA", else the SPKI algorithm OID. */
  algorithm: string;
  /** Bits: RSA modulus size, EC curve size, 256 for Ed25519, 456 for Ed448, DSA p size. 0 when unknown. */
  size: number;
  curve?: string;
};

export type SignatureAlgorithmInfo = { oid: string; name: string; hash?: string };

export type Psd2Role = { oid: string; name: string };

/** ETSI TS 119 495 PSD2 attributes, with the qualified-certificate statements that accompany them. */
export type Psd2Info = {
  roles: Psd2Role[];
  ncaName: string;
  /** e.g. `GB-FCA`, `NL-DNB`. */
  ncaId: string;
  /** QcCompliance (0.4.0.1862.1.1) present: an EU qualified certificate. */
  qcCompliance: boolean;
  /** QcType OIDs (0.4.0.1862.1.6.3 = web, i.e. QWAC; .2 = eseal). */
  qcTypes: string[];
};

export type QcStatementsInfo = {
  qcCompliance: boolean;
  /** QcType OIDs (0.4.0.1862.1.6.x: 1 esign, 2 eseal, 3 web). */
  qcTypes: string[];
  statementOids: string[];
  psd2?: Omit<Psd2Info, "qcCompliance" | "qcTypes">;
  /** The extension is present but could not be decoded fully. */
  malformed?: boolean;
};

export type SanEntry = { kind: GeneralName["kind"]; value: string };

/** Everything a reviewer or rule needs to know about one certificate. Dates are ISO strings. */
export type CertificateInfo = {
  version: number;
  subject: string;
  subjectAttributes: SubjectAttributes;
  issuer: string;
  issuerAttributes: SubjectAttributes;
  /** Lowercase hex of the serial INTEGER's content octets. */
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  sans: SanEntry[];
  publicKey: PublicKeyInfo;
  signatureAlgorithm: SignatureAlgorithmInfo;
  basicConstraints?: { ca: boolean; pathLength?: number; critical: boolean };
  keyUsage?: string[];
  /** OIDs. */
  extendedKeyUsage?: string[];
  subjectKeyIdentifier?: string;
  authorityKeyIdentifier?: string;
  crlUrls: string[];
  ocspUrls: string[];
  caIssuersUrls: string[];
  policies: string[];
  /** SHA-256 of the DER, lowercase hex without colons. */
  fingerprintSha256: string;
  /** SHA-256 of the SubjectPublicKeyInfo DER: the key's identity across certificates and CSRs. */
  spkiSha256: string;
  selfIssued: boolean;
  /** Self-issued and its signature verifies with its own key. */
  selfSigned: boolean;
  qcStatements?: QcStatementsInfo;
  psd2?: Psd2Info;
  extensions: { oid: string; critical: boolean }[];
  criticalExtensions: string[];
};

const SPKI_ALGS: Record<string, string> = {
  "1.2.840.113549.1.1.1": "RSA",
  "1.2.840.113549.1.1.10": "RSA-PSS",
  "1.2.840.10045.2.1": "EC",
  "1.3.101.112": "Ed25519",
  "1.3.101.113": "Ed448",
  "1.3.101.110": "X25519",
  "1.3.101.111": "X448",
  "1.2.840.10040.4.1": "DSA",
};

function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

/** Key algorithm and size from SPKI parts. Never throws. */
export function publicKeyInfo(spkiAlgOid: string, spkiAlgParams: Uint8Array, publicKeyBits: Uint8Array): PublicKeyInfo {
  const algorithm = SPKI_ALGS[spkiAlgOid] ?? spkiAlgOid;
  try {
    switch (algorithm) {
      case "RSA":
      case "RSA-PSS": {
        const seq = readTlv(publicKeyBits, 0);
        const n = content(publicKeyBits, expectTag(children(publicKeyBits, seq)[0], 0x02, "modulus"));
        return { algorithm, size: bitLength(n) };
      }
      case "EC": {
        const curve = curveOf(spkiAlgParams);
        if (curve) return { algorithm, size: curve.name === "P-521" ? 521 : curve.size * 8, curve: curve.name };
        const t = readTlv(spkiAlgParams, 0);
        const oid = t.tag === 0x06 ? oidAt(spkiAlgParams, t) : "explicit parameters";
        return { algorithm, size: publicKeyBits.length > 1 ? ((publicKeyBits.length - 1) / 2) * 8 : 0, curve: oid };
      }
      case "Ed25519":
        return { algorithm, size: 256 };
      case "Ed448":
        return { algorithm, size: 456 };
      case "X25519":
        return { algorithm, size: 256 };
      case "X448":
        return { algorithm, size: 448 };
      case "DSA": {
        const seq = readTlv(spkiAlgParams, 0);
        const p = content(spkiAlgParams, expectTag(children(spkiAlgParams, seq)[0], 0x02, "p"));
        return { algorithm, size: bitLength(p) };
      }
      default:
        return { algorithm, size: 0 };
    }
  } catch {
    return { algorithm, size: 0 };
  }
}

export function signatureAlgorithmInfo(oid: string): SignatureAlgorithmInfo {
  const known = SIGNATURE_ALGORITHMS[oid];
  return known ? { oid, name: known.name, ...(known.hash ? { hash: known.hash } : {}) } : { oid, name: oid };
}

const WANTED_ATTRIBUTES: ReadonlySet<string> = new Set(["CN", "O", "OU", "C", "ST", "L", "emailAddress", "organizationIdentifier", "serialNumber"]);

function attributes(name: ParsedName): SubjectAttributes {
  const out: SubjectAttributes = {};
  const wanted = WANTED_ATTRIBUTES;
  for (const rdn of name.rdns)
    for (const a of rdn) {
      const key = attributeName(a.oid);
      // First occurrence wins; multi-valued OUs are rare and the full DN string keeps them all.
      if (wanted.has(key) && out[key as keyof SubjectAttributes] === undefined) out[key as keyof SubjectAttributes] = a.value;
    }
  return out;
}

// One-shot crypto.hash (Node ≥ 20.12) skips creating a Hash object per digest; engines allows 20.9.
const oneShotHash = typeof nodeCrypto.hash === "function" ? nodeCrypto.hash : undefined;

function sha256Hex(bytes: Uint8Array): string {
  if (oneShotHash) return oneShotHash("sha256", bytes, "hex");
  return nodeCrypto.createHash("sha256").update(bytes).digest("hex");
}

function accessUrls(value: Uint8Array): { ocsp: string[]; caIssuers: string[] } {
  const out = { ocsp: [] as string[], caIssuers: [] as string[] };
  const seq = readTlv(value, 0);
  for (const ad of children(value, seq)) {
    const [m, loc] = children(value, ad);
    const method = oidAt(value, m!);
    const gn = parseGeneralName(value, loc!);
    if (gn.kind !== "URI") continue;
    if (method === "1.3.6.1.5.5.7.48.1") out.ocsp.push(gn.value);
    else if (method === "1.3.6.1.5.5.7.48.2") out.caIssuers.push(gn.value);
  }
  return out;
}

function crlUrls(value: Uint8Array): string[] {
  const urls: string[] = [];
  for (const dp of children(value, readTlv(value, 0))) {
    for (const f of children(value, dp)) {
      if (f.tag !== 0xa0) continue; // distributionPoint
      for (const dpn of children(value, f)) {
        if (dpn.tag !== 0xa0) continue; // fullName
        for (const gnTlv of children(value, dpn)) {
          const gn = parseGeneralName(value, gnTlv);
          if (gn.kind === "URI") urls.push(gn.value);
        }
      }
    }
  }
  return urls;
}

function policies(value: Uint8Array): string[] {
  return children(value, readTlv(value, 0)).map((pi) => oidAt(value, children(value, pi)[0]!));
}

/** Decodes qcStatements (RFC 3739 / ETSI EN 319 412-5) including the PSD2 statement (ETSI TS 119 495). */
export function decodeQcStatements(value: Uint8Array): QcStatementsInfo {
  const info: QcStatementsInfo = { qcCompliance: false, qcTypes: [], statementOids: [] };
  try {
    for (const st of children(value, expectTag(readTlv(value, 0), 0x30, "QCStatements"))) {
      const [oidTlv, infoTlv] = children(value, st);
      const oid = oidAt(value, expectTag(oidTlv, 0x06, "statementId"));
      info.statementOids.push(oid);
      if (oid === "0.4.0.1862.1.1") info.qcCompliance = true;
      else if (oid === "0.4.0.1862.1.6" && infoTlv) {
        for (const t of children(value, infoTlv)) if (t.tag === 0x06) info.qcTypes.push(oidAt(value, t));
      } else if (oid === "0.4.0.19495.2" && infoTlv) {
        const [rolesTlv, ncaNameTlv, ncaIdTlv] = children(value, expectTag(infoTlv, 0x30, "PSD2QcType"));
        const roles: Psd2Role[] = children(value, expectTag(rolesTlv, 0x30, "RolesOfPSP")).map((r) => {
          const [roid, rname] = children(value, r);
          return { oid: oidAt(value, expectTag(roid, 0x06, "roleOfPspOid")), name: rname ? decodeString(value, rname) : "" };
        });
        info.psd2 = {
          roles,
          ncaName: ncaNameTlv ? decodeString(value, ncaNameTlv) : "",
          ncaId: ncaIdTlv ? decodeString(value, ncaIdTlv) : "",
        };
      }
    }
  } catch {
    info.malformed = true;
  }
  return info;
}

const selfSignedCache = new WeakMap<ParsedCertificate, boolean>();

/**
 * Builds {@link CertificateInfo} from an already parsed certificate. Never throws.
 *
 * @example
 * const info = describeCertificate(parseCertificate(pem));
 * `known.selfSigned` lets a caller that already verified the self-signature (with WebCrypto) skip the sync check.
 */
export function describeCertificate(cert: ParsedCertificate, known: { selfSigned?: boolean } = {}): CertificateInfo {
  const selfIssued = isSelfIssued(cert);
  let selfSigned = known.selfSigned ?? selfSignedCache.get(cert);
  if (selfSigned === undefined) {
    selfSigned = selfIssued && selfSignatureAsGiven(cert);
    selfSignedCache.set(cert, selfSigned);
  }
  // A parsed certificate is immutable, so its description is too: a CA certificate is described
  // once per process, not once per upload (policy, path building and anchors each ask). Callers
  // get their own top-level object.
  let base = described.get(cert);
  if (!base) {
    base = describe(cert, selfIssued, selfSigned);
    described.set(cert, base);
  }
  return base.selfSigned === selfSigned ? { ...base } : { ...base, selfSigned };
}

const described = new WeakMap<ParsedCertificate, CertificateInfo>();

function describe(cert: ParsedCertificate, selfIssued: boolean, selfSigned: boolean): CertificateInfo {
  const m = cert.extensionMap;
  const safe = <T>(oid: string, fn: (v: Uint8Array) => T): T | undefined => {
    const e = m.get(oid);
    if (!e) return undefined;
    try {
      return fn(e.value);
    } catch {
      return undefined;
    }
  };
  const aia = safe(OID.authorityInfoAccess, accessUrls) ?? { ocsp: [], caIssuers: [] };
  const qc = safe(OID.qcStatements, decodeQcStatements);
  const bc = cert.basicConstraints;
  return {
    version: cert.version,
    subject: nameToString(cert.subject),
    subjectAttributes: attributes(cert.subject),
    issuer: nameToString(cert.issuer),
    issuerAttributes: attributes(cert.issuer),
    serialNumber: toHex(cert.serial),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    sans: (cert.sans ?? []).map((s) => ({ kind: s.kind, value: s.value })),
    publicKey: publicKeyInfo(cert.spkiAlgOid, cert.spkiAlgParams, cert.publicKeyBits),
    signatureAlgorithm: signatureAlgorithmInfo(cert.sigAlgOid),
    ...(bc ? { basicConstraints: { ...bc, critical: m.get(OID.basicConstraints)!.critical } } : {}),
    ...(cert.keyUsage ? { keyUsage: [...cert.keyUsage] } : {}),
    ...(cert.extendedKeyUsage ? { extendedKeyUsage: [...cert.extendedKeyUsage] } : {}),
    ...(cert.subjectKeyId ? { subjectKeyIdentifier: toHex(cert.subjectKeyId) } : {}),
    ...(cert.authorityKeyId ? { authorityKeyIdentifier: toHex(cert.authorityKeyId) } : {}),
    crlUrls: safe(OID.crlDistributionPoints, crlUrls) ?? [],
    ocspUrls: aia.ocsp,
    caIssuersUrls: aia.caIssuers,
    policies: safe(OID.certificatePolicies, policies) ?? [],
    fingerprintSha256: sha256Hex(cert.der),
    spkiSha256: sha256Hex(cert.spki),
    selfIssued,
    selfSigned,
    ...(qc ? { qcStatements: qc } : {}),
    ...(qc?.psd2 ? { psd2: { ...qc.psd2, qcCompliance: qc.qcCompliance, qcTypes: qc.qcTypes } } : {}),
    extensions: cert.extensions.map((e) => ({ oid: e.oid, critical: e.critical })),
    criticalExtensions: cert.extensions.filter((e) => e.critical).map((e) => e.oid),
  };
}

/**
 * Inspects a certificate given as PEM text or DER/PEM bytes.
 * Throws {@link CertificateParseError} for input that is not a readable certificate.
 *
 * @example
 * const info = inspectCertificate(pem);
 * info.subjectAttributes.O;          // "Acme Payments Ltd"
 * info.psd2?.roles.map((r) => r.name); // ["PSP_AI"]
 */
export function inspectCertificate(input: string | Uint8Array): CertificateInfo {
  return describeCertificate(parseCertificate(input));
}

/** What identifies a certificate as a trust anchor: the {@link CertificateInfo} fields of that name. */
export type CertificateIdentity = Pick<CertificateInfo, "subject" | "fingerprintSha256" | "spkiSha256">;

/**
 * The identity fields of {@link inspectCertificate} without the rest of the description (and
 * without its self-signature check): what an index of trust anchors needs.
 * Throws {@link CertificateParseError} like {@link inspectCertificate}.
 *
 * @example
 * certificateIdentity(rootPem).fingerprintSha256 === inspectCertificate(rootPem).fingerprintSha256; // true
 */
export function certificateIdentity(input: string | Uint8Array | ParsedCertificate): CertificateIdentity {
  const cert = typeof input === "string" || input instanceof Uint8Array ? parseCertificate(input) : input;
  const known = described.get(cert);
  if (known) return { subject: known.subject, fingerprintSha256: known.fingerprintSha256, spkiSha256: known.spkiSha256 };
  return { subject: nameToString(cert.subject), fingerprintSha256: sha256Hex(cert.der), spkiSha256: sha256Hex(cert.spki) };
}

/**
 * SHA-256 of DER bytes (or the DER inside PEM), lowercase hex without colons.
 *
 * @example
 * fingerprintSha256(pem); // "9f86d081884c7d65…" (64 hex digits), as `openssl x509 -fingerprint -sha256` without colons
 */
export function fingerprintSha256(input: string | Uint8Array): string {
  return sha256Hex(pemToDer(input, ["CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE", "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST", "X509 CRL"]));
}

// ---- CSRs ----

export type CsrInfo = {
  subject: string;
  subjectAttributes: SubjectAttributes;
  publicKey: PublicKeyInfo;
  signatureAlgorithm: SignatureAlgorithmInfo;
  /** The self-signature really verified with the CSR's own key. */
  signatureValid: boolean;
  spkiSha256: string;
  /** From the extensionRequest attribute. */
  requestedExtensions: { oid: string; critical: boolean }[];
  sans: SanEntry[];
  extendedKeyUsage?: string[];
};

/**
 * Inspects a PKCS#10 CSR and verifies its self-signature.
 * Throws {@link CertificateParseError} for unreadable input.
 *
 * @example
 * const csr = await inspectCsr(pem);
 * if (!csr.signatureValid) reject("CSR_SIGNATURE_INVALID");
 */
export async function inspectCsr(input: string | Uint8Array, crypto: Crypto = globalThis.crypto): Promise<CsrInfo> {
  let der: Uint8Array;
  try {
    // Labels matter: a file may carry a private key block before the request, and that must never be parsed as one.
    der = pemToDer(input, ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"]);
  } catch (e) {
    throw e instanceof CertificateParseError ? e : new CertificateParseError("unreadable CSR", { cause: e });
  }
  try {
    const outer = expectTag(readTlv(der, 0), 0x30, "CertificationRequest");
    const [infoTlv, algTlv, sigTlv] = children(der, outer);
    const info = children(der, expectTag(infoTlv, 0x30, "CertificationRequestInfo"));
    const subject = parseName(der, expectTag(info[1], 0x30, "subject"));
    const spkiTlv = expectTag(info[2], 0x30, "subjectPKInfo");
    const [spkiAlg, spkBits] = children(der, spkiTlv);
    const spkiAlgParts = children(der, expectTag(spkiAlg, 0x30, "algorithm"));
    const spkiAlgOid = oidAt(der, spkiAlgParts[0]!);
    const spkiAlgParams = spkiAlgParts[1] ? whole(der, spkiAlgParts[1]) : new Uint8Array(0);
    const algParts = children(der, expectTag(algTlv, 0x30, "signatureAlgorithm"));
    const sigAlgOid = oidAt(der, algParts[0]!);
    const sigAlgParams = algParts[1] ? whole(der, algParts[1]) : new Uint8Array(0);
    const sigBits = content(der, expectTag(sigTlv, 0x03, "signature"));
    const publicKeyBits = content(der, expectTag(spkBits, 0x03, "subjectPublicKey")).subarray(1);

    const requestedExtensions: { oid: string; critical: boolean }[] = [];
    const sans: SanEntry[] = [];
    let extendedKeyUsage: string[] | undefined;
    const attrs = info[3];
    if (attrs?.tag === 0xa0) {
      for (const attr of children(der, attrs)) {
        const [oidTlv, valuesTlv] = children(der, attr);
        if (oidAt(der, oidTlv!) !== "1.2.840.113549.1.9.14" || !valuesTlv) continue;
        for (const extsTlv of children(der, valuesTlv))
          for (const e of children(der, extsTlv)) {
            const parts = children(der, e);
            const oid = oidAt(der, parts[0]!);
            const critical = parts.length === 3 && content(der, parts[1]!)[0] !== 0;
            requestedExtensions.push({ oid, critical });
            const value = content(der, parts[parts.length - 1]!);
            try {
              if (oid === OID.subjectAltName)
                for (const g of children(value, readTlv(value, 0))) {
                  const gn = parseGeneralName(value, g);
                  sans.push({ kind: gn.kind, value: gn.value });
                }
              if (oid === OID.extKeyUsage) extendedKeyUsage = children(value, readTlv(value, 0)).map((t) => oidAt(value, t));
            } catch {
              // A malformed requested extension is reported by its OID only; the CA would refuse it anyway.
            }
          }
      }
    }
    // The CSR "issuer" for signature purposes is the CSR's own key.
    const selfKey = { spki: whole(der, spkiTlv), spkiAlgOid, spkiAlgParams } as ParsedCertificate;
    const check =
      sigBits[0] === 0
        ? await verifySignature({ signed: whole(der, infoTlv!), signature: sigBits.subarray(1), sigAlgOid, sigAlgParams, issuer: selfKey, crypto })
        : { ok: false };
    return {
      subject: nameToString(subject),
      subjectAttributes: attributes(subject),
      publicKey: publicKeyInfo(spkiAlgOid, spkiAlgParams, publicKeyBits),
      signatureAlgorithm: signatureAlgorithmInfo(sigAlgOid),
      signatureValid: check.ok,
      spkiSha256: sha256Hex(whole(der, spkiTlv)),
      requestedExtensions,
      sans,
      ...(extendedKeyUsage ? { extendedKeyUsage } : {}),
    };
  } catch (e) {
    if (e instanceof DerError || e instanceof TypeError) throw new CertificateParseError(`malformed CSR: ${e.message}`, { cause: e });
    throw e;
  }
}
