/**
 * The CA's certificate and CRL profiles: what Certdesk puts into every certificate it signs.
 * Pure apart from the signer (and the randomness and clock passed in), so the portal, the CLI
 * and the tests issue exactly the same certificates.
 *
 * Choices (docs/ca.md explains them):
 * - Root: self-signed, CA, keyCertSign + cRLSign; signs only the issuing CA and its own CRL.
 * - Issuing CA: pathLenConstraint 0 (it can issue end-entity certificates only), keyCertSign + cRLSign.
 * - Partner certificates: subject from the CSR limited to C, ST, L, O, OU, CN, emailAddress;
 *   nothing else from the CSR (requested extensions are ignored); a 159-bit positive random
 *   serial; notBefore one minute in the past (clock skew); keyUsage/EKU by purpose; AKI/SKI;
 *   a CRL distribution point and AIA caIssuers at the portal's public CA endpoints.
 */
import "reflect-metadata";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Name as AsnName, RelativeDistinguishedName } from "@peculiar/asn1-x509";
import {
  AuthorityInfoAccessExtension,
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  CRLDistributionPointsExtension,
  ExtendedKeyUsageExtension,
  Extension,
  KeyUsageFlags,
  KeyUsagesExtension,
  Name,
  Pkcs10CertificateRequest,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
  X509CrlGenerator,
  X509CrlReason,
  type X509CrlEntryParams,
} from "@peculiar/x509";
import { signingCrypto, type CaSigner } from "./signer";

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
/** notBefore is backdated this much so a client whose clock is slightly behind accepts a fresh certificate. */
export const BACKDATE_MS = MINUTE_MS;
export const ROOT_VALIDITY_DAYS = 20 * 365 + 5;
export const ISSUING_VALIDITY_DAYS = 10 * 365 + 2;
/** A CRL is valid for a week; it is regenerated daily and on every revocation. */
export const CRL_VALIDITY_DAYS = 7;

export const EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
/** id-kp-documentSigning (RFC 9336): the signature certificate signs requests, never a TLS handshake. */
export const EKU_DOCUMENT_SIGNING = "1.3.6.1.5.5.7.3.36";

export const ISSUED_PURPOSES = ["mtls", "signature"] as const;
export type IssuedPurpose = (typeof ISSUED_PURPOSES)[number];

/** Subject attributes copied from a CSR, by OID; everything else in the CSR's subject is dropped. */
export const SUBJECT_ALLOWLIST: Record<string, string> = {
  "2.5.4.6": "C",
  "2.5.4.8": "ST",
  "2.5.4.7": "L",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.3": "CN",
  "1.2.840.113549.1.9.1": "emailAddress",
};

/** The public endpoints a certificate points at (CRL distribution point, AIA caIssuers). */
export function publicCaUrls(publicUrl: string, scope: { programId: string; environmentKey: string }): { caPem: string; crl: string } {
  const base = `${publicUrl.replace(/\/+$/, "")}/pki/${encodeURIComponent(scope.programId)}/${encodeURIComponent(scope.environmentKey)}`;
  return { caPem: `${base}/ca.pem`, crl: `${base}/crl` };
}

/**
 * 159 random bits as a positive serial (CA/B Forum asks for ≥ 64 unpredictable bits; 159 is the
 * most a 20-octet positive INTEGER holds). Lower-case hex, 40 digits.
 */
export function randomSerial(random: (bytes: Uint8Array) => Uint8Array = (b) => globalThis.crypto.getRandomValues(b)): string {
  for (;;) {
    const bytes = random(new Uint8Array(20));
    bytes[0]! &= 0x7f;
    if (bytes.some((b) => b !== 0)) return Buffer.from(bytes).toString("hex");
  }
}

/** Serial hex as the certificate and CRL carry it (no leading zero octets). */
export function normaliseSerial(hex: string): string {
  const clean = hex.toLowerCase().replace(/^(00)+(?=..)/, "");
  return clean;
}

async function keyIdOf(spki: Uint8Array): Promise<string> {
  return (await SubjectKeyIdentifierExtension.create(Uint8Array.from(spki), false, globalThis.crypto)).keyId;
}

export type CaNames = { root: string; issuing: string };

/** The CA's distinguished names for a program environment. */
export function caNames(input: { provider: string; programId: string; environmentLabel: string }): CaNames {
  const clean = (s: string) => s.replace(/[,+="\\<>;#]/g, " ").replace(/\s+/g, " ").trim().slice(0, 60);
  const base = `O=${clean(input.provider)}, OU=Certdesk CA ${clean(input.programId)}`;
  return { root: `CN=${clean(input.provider)} ${clean(input.environmentLabel)} Root CA, ${base}`, issuing: `CN=${clean(input.provider)} ${clean(input.environmentLabel)} Issuing CA, ${base}` };
}

/** Creates the self-signed root certificate. */
export async function createRootCertificate(input: { signer: CaSigner; subject: string; now: Date; validityDays?: number }): Promise<X509Certificate> {
  const { crypto, signingKey, signingAlgorithm } = signingCrypto(input.signer);
  const spki = await input.signer.publicKeySpki();
  const keyId = await keyIdOf(spki);
  const name = new Name(input.subject);
  return X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: name,
      issuer: name,
      notBefore: new Date(input.now.getTime() - BACKDATE_MS),
      notAfter: new Date(input.now.getTime() + (input.validityDays ?? ROOT_VALIDITY_DAYS) * DAY_MS),
      publicKey: Uint8Array.from(spki),
      signingKey,
      signingAlgorithm,
      extensions: [
        new BasicConstraintsExtension(true, undefined, true),
        new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
        new SubjectKeyIdentifierExtension(keyId),
        new AuthorityKeyIdentifierExtension(keyId),
      ],
    },
    crypto,
  );
}

/** Creates the issuing CA's certificate, signed by the root (pathLenConstraint 0). */
export async function createIssuingCertificate(input: {
  rootSigner: CaSigner;
  root: X509Certificate;
  issuingSpki: Uint8Array;
  subject: string;
  now: Date;
  validityDays?: number;
}): Promise<X509Certificate> {
  const { crypto, signingKey, signingAlgorithm } = signingCrypto(input.rootSigner);
  const rootKeyId = await keyIdOf(new Uint8Array(input.root.publicKey.rawData));
  const notAfter = Math.min(input.now.getTime() + (input.validityDays ?? ISSUING_VALIDITY_DAYS) * DAY_MS, input.root.notAfter.getTime());
  return X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: new Name(input.subject),
      issuer: input.root.subjectName,
      notBefore: new Date(input.now.getTime() - BACKDATE_MS),
      notAfter: new Date(notAfter),
      publicKey: Uint8Array.from(input.issuingSpki),
      signingKey,
      signingAlgorithm,
      extensions: [
        new BasicConstraintsExtension(true, 0, true),
        new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
        new SubjectKeyIdentifierExtension(await keyIdOf(input.issuingSpki)),
        new AuthorityKeyIdentifierExtension(rootKeyId),
      ],
    },
    crypto,
  );
}

/**
 * The CSR's subject limited to the allowlist, in the CSR's order and with the CSR's string
 * encodings (re-encoding could change how a gateway compares names).
 */
export function allowedSubject(csr: Pkcs10CertificateRequest): Name {
  const parsed = AsnConvert.parse(csr.subjectName.toArrayBuffer(), AsnName);
  const kept = new AsnName(
    parsed
      .map((rdn) => new RelativeDistinguishedName(rdn.filter((atv) => atv.type in SUBJECT_ALLOWLIST)))
      .filter((rdn) => rdn.length > 0),
  );
  return new Name(AsnConvert.serialize(kept));
}

export type IssueLeafInput = {
  signer: CaSigner;
  issuing: X509Certificate;
  csr: Pkcs10CertificateRequest;
  purpose: IssuedPurpose;
  now: Date;
  validityDays: number;
  urls: { caPem: string; crl: string };
  serialNumber?: string;
};

/**
 * Issues a partner's certificate for one CSR. The CSR's signature must already have been
 * checked by the engine; it is checked again here, since a certificate is forever.
 */
export async function issueLeafCertificate(input: IssueLeafInput): Promise<X509Certificate> {
  if (!(await input.csr.verify(globalThis.crypto))) throw new Error("the CSR's signature does not verify");
  const { crypto, signingKey, signingAlgorithm } = signingCrypto(input.signer);
  const spki = new Uint8Array(input.csr.publicKey.rawData);
  const rsa = input.csr.publicKey.algorithm.name.startsWith("RSA");
  const issuingKeyId = await keyIdOf(new Uint8Array(input.issuing.publicKey.rawData));
  const notBefore = new Date(input.now.getTime() - BACKDATE_MS);
  // Never beyond the issuing CA: a certificate outliving its issuer fails path validation at the end anyway.
  const notAfter = new Date(Math.min(input.now.getTime() + input.validityDays * DAY_MS, input.issuing.notAfter.getTime()));
  const usage =
    input.purpose === "mtls"
      ? KeyUsageFlags.digitalSignature | (rsa ? KeyUsageFlags.keyEncipherment : 0)
      : KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation;
  return X509CertificateGenerator.create(
    {
      serialNumber: input.serialNumber ?? randomSerial(),
      subject: allowedSubject(input.csr),
      issuer: input.issuing.subjectName,
      notBefore,
      notAfter,
      publicKey: Uint8Array.from(spki),
      signingKey,
      signingAlgorithm,
      extensions: [
        new BasicConstraintsExtension(false, undefined, true),
        new KeyUsagesExtension(usage, true),
        new ExtendedKeyUsageExtension([input.purpose === "mtls" ? EKU_CLIENT_AUTH : EKU_DOCUMENT_SIGNING], false),
        new SubjectKeyIdentifierExtension(await keyIdOf(spki)),
        new AuthorityKeyIdentifierExtension(issuingKeyId),
        new CRLDistributionPointsExtension([input.urls.crl]),
        new AuthorityInfoAccessExtension({ caIssuers: input.urls.caPem }),
      ],
    },
    crypto,
  );
}

/** RFC 5280 CRLReason for Certdesk's revocation reasons. */
export function crlReasonOf(reason: string): X509CrlReason {
  switch (reason.split(":")[0]!.trim()) {
    case "key-compromise":
      return X509CrlReason.keyCompromise;
    case "ca-compromise":
      return X509CrlReason.cACompromise;
    case "superseded":
      return X509CrlReason.superseded;
    case "cessation-of-operation":
      return X509CrlReason.cessationOfOperation;
    default:
      return X509CrlReason.unspecified;
  }
}

function derPositiveInteger(value: number): Uint8Array<ArrayBuffer> {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let body = Buffer.from(hex, "hex");
  if (body[0]! >= 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return Uint8Array.from([0x02, body.length, ...body]) as Uint8Array<ArrayBuffer>;
}

export type CrlEntry = { serialNumber: string; revokedAt: Date; reason: X509CrlReason };

/** A CRL for `issuer` signed by `signer`: CRL number, AKI, thisUpdate = now, nextUpdate = now + 7 days. */
export async function createCrl(input: { signer: CaSigner; issuer: X509Certificate; crlNumber: number; now: Date; entries: CrlEntry[]; validityDays?: number }) {
  const { crypto, signingKey, signingAlgorithm } = signingCrypto(input.signer);
  const entries: X509CrlEntryParams[] = input.entries.map((e) => ({ serialNumber: normaliseSerial(e.serialNumber), revocationDate: e.revokedAt, reason: e.reason }));
  const thisUpdate = new Date(Math.floor(input.now.getTime() / 1000) * 1000);
  return X509CrlGenerator.create(
    {
      issuer: input.issuer.subjectName,
      thisUpdate,
      nextUpdate: new Date(thisUpdate.getTime() + (input.validityDays ?? CRL_VALIDITY_DAYS) * DAY_MS),
      signingKey,
      signingAlgorithm,
      entries,
      extensions: [
        new AuthorityKeyIdentifierExtension(await keyIdOf(new Uint8Array(input.issuer.publicKey.rawData))),
        new Extension("2.5.29.20", false, derPositiveInteger(input.crlNumber)),
      ],
    },
    crypto,
  );
}

/** PEM with the armour OpenSSL expects (`@peculiar/x509` writes "BEGIN CRL", which OpenSSL refuses). */
export function crlPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN X509 CRL-----\n${b64}\n-----END X509 CRL-----\n`;
}
