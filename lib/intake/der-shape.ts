import { Asn1Error, OID, TAG, childrenOf, oidEquals, oidStartsWith, readTlv, smallInteger, type Tlv } from "./asn1";

/**
 * What one DER/BER value is, judged by its ASN.1 structure, never by a file extension.
 * Certificates and CSRs are checked only as far as telling them apart needs;
 * lib/pki parses them fully.
 */
export type DerShape =
  | { kind: "certificate"; tlv: Tlv }
  | { kind: "csr"; tlv: Tlv }
  | { kind: "pkcs7"; certificates: Tlv[]; malformed: { index: number; detail: string }[] }
  | { kind: "private-key"; what: string }
  | { kind: "public-key"; what: string }
  | { kind: "crl" }
  /** Signed-object shape (TBS, algorithm, signature) but broken inside. */
  | { kind: "signed-malformed"; detail: string }
  /** Parses as ASN.1 but is none of the above. */
  | { kind: "unknown"; what: string };

const isSeq = (t: Tlv | undefined): t is Tlv => t?.tag === TAG.SEQUENCE;
const isTime = (t: Tlv | undefined): boolean => t?.tag === TAG.UTC_TIME || t?.tag === TAG.GENERALIZED_TIME;

/** `SEQUENCE { SEQUENCE { OID, ... }, ... }` as algorithm identifiers are. */
function isAlgorithm(buf: Uint8Array, t: Tlv | undefined): boolean {
  if (!isSeq(t)) return false;
  try {
    return childrenOf(buf, t)[0]?.tag === TAG.OID;
  } catch {
    return false;
  }
}

function isSpki(buf: Uint8Array, t: Tlv | undefined): boolean {
  if (!isSeq(t)) return false;
  const c = childrenOf(buf, t);
  return c.length === 2 && isAlgorithm(buf, c[0]) && c[1]!.tag === TAG.BIT_STRING;
}

/** Certificate / CSR / CRL, by the TBS layout; throws Asn1Error on broken encoding. */
function signedObject(buf: Uint8Array, tlv: Tlv): DerShape | undefined {
  const top = childrenOf(buf, tlv);
  if (top.length !== 3 || !isSeq(top[0]) || !isSeq(top[1]) || top[2]!.tag !== TAG.BIT_STRING) return undefined;
  let tbs: Tlv[];
  try {
    tbs = childrenOf(buf, top[0]);
  } catch (e) {
    return { kind: "signed-malformed", detail: e instanceof Asn1Error ? e.message : "unreadable" };
  }
  const broken = (detail: string): DerShape => ({ kind: "signed-malformed", detail });
  if (tbs[0]?.tag === TAG.CONTEXT_0 || (tbs[0]?.tag === TAG.INTEGER && tbs.length >= 6 && isSeq(tbs[3]))) {
    // Certificate v3 ([0] version first) or v1 (serial first, six or more fields).
    const f = tbs[0]!.tag === TAG.CONTEXT_0 ? tbs.slice(1) : tbs;
    if (f[0]?.tag !== TAG.INTEGER) return broken("serial number missing");
    if (!isAlgorithm(buf, f[1])) return broken("signature algorithm missing");
    if (!isSeq(f[2])) return broken("issuer name missing");
    const validity = isSeq(f[3]) ? childrenOf(buf, f[3]) : [];
    if (validity.length !== 2 || !isTime(validity[0]) || !isTime(validity[1])) return broken("validity period unreadable");
    if (!isSeq(f[4])) return broken("subject name missing");
    if (!isSpki(buf, f[5])) return broken("public key unreadable");
    if (tlv.indefinite || top[0].indefinite) return broken("BER indefinite length (certificates must be DER)");
    return { kind: "certificate", tlv };
  }
  if (tbs[0]?.tag === TAG.INTEGER && isSeq(tbs[1]) && isSeq(tbs[2]) && isTime(tbs[3])) return { kind: "crl" };
  if (isAlgorithm(buf, tbs[0]) && isSeq(tbs[1]) && isTime(tbs[2])) return { kind: "crl" };
  if (tbs[0]?.tag === TAG.INTEGER && isSeq(tbs[1]) && tbs.length <= 4) {
    // CertificationRequestInfo: version, subject, subjectPKInfo, [0] attributes.
    if (!isSpki(buf, tbs[2])) return broken("public key unreadable");
    if (tbs[3] !== undefined && tbs[3].tag !== TAG.CONTEXT_0) return broken("attributes unreadable");
    if (tlv.indefinite) return broken("BER indefinite length (CSRs must be DER)");
    return { kind: "csr", tlv };
  }
  return broken("neither a certificate nor a certificate request inside");
}

function pkcs7(buf: Uint8Array, top: Tlv[]): DerShape {
  if (!oidEquals(buf, top[0], OID.pkcs7SignedData)) {
    return { kind: "unknown", what: "a PKCS#7 / CMS message of a kind other than signed data (no certificates to read)" };
  }
  const explicit = top[1];
  if (explicit?.tag !== TAG.CONTEXT_0) return { kind: "unknown", what: "a damaged PKCS#7 file (content missing)" };
  const sd = childrenOf(buf, explicit)[0];
  if (!isSeq(sd)) return { kind: "unknown", what: "a damaged PKCS#7 file (signed data missing)" };
  const fields = childrenOf(buf, sd);
  // SignedData: version, digestAlgorithms, encapContentInfo, [0] certificates?, [1] crls?, signerInfos.
  const certSet = fields.slice(3).find((f) => f.tag === TAG.CONTEXT_0);
  const certificates: Tlv[] = [];
  const malformed: { index: number; detail: string }[] = [];
  if (certSet) {
    childrenOf(buf, certSet).forEach((c, index) => {
      // Other CertificateChoices ([0]..[3]: attribute certificates and the like) are not X.509 certificates.
      if (c.tag !== TAG.SEQUENCE) return;
      let shape: DerShape | undefined;
      try {
        shape = signedObject(buf, c);
      } catch (e) {
        shape = { kind: "signed-malformed", detail: e instanceof Asn1Error ? e.message : "unreadable" };
      }
      if (shape?.kind === "certificate") certificates.push(c);
      else malformed.push({ index, detail: shape?.kind === "signed-malformed" ? shape.detail : "not a certificate" });
    });
  }
  return { kind: "pkcs7", certificates, malformed };
}

/** Classifies one TLV already read from `buf`. Never throws. */
export function shapeOf(buf: Uint8Array, tlv: Tlv): DerShape {
  try {
    if (tlv.tag !== TAG.SEQUENCE) return { kind: "unknown", what: "ASN.1 data that does not start with a SEQUENCE" };
    const top = childrenOf(buf, tlv);
    const signed = signedObject(buf, tlv);
    if (signed) return signed;
    if (top[0]?.tag === TAG.OID && oidStartsWith(buf, top[0], OID.pkcs7)) return pkcs7(buf, top);

    const v = smallInteger(buf, top[0]);
    const allIntegers = top.length > 0 && top.every((t) => t.tag === TAG.INTEGER);
    // PKCS#12 PFX: version 3, authSafe ContentInfo, optional macData. Bundles hold the key.
    if (v === 3 && isSeq(top[1]) && oidStartsWith(buf, childrenOf(buf, top[1])[0], OID.pkcs7)) {
      return { kind: "private-key", what: "a PKCS#12 / PFX bundle" };
    }
    // PKCS#8 PrivateKeyInfo / OneAsymmetricKey: version 0|1, algorithm, OCTET STRING key.
    if ((v === 0 || v === 1) && isAlgorithm(buf, top[1]) && top[2]?.tag === TAG.OCTET_STRING) {
      return { kind: "private-key", what: "a PKCS#8 private key" };
    }
    // EncryptedPrivateKeyInfo: encryption algorithm, OCTET STRING.
    if (top.length === 2 && isAlgorithm(buf, top[0]) && top[1]!.tag === TAG.OCTET_STRING) {
      return { kind: "private-key", what: "an encrypted PKCS#8 private key" };
    }
    // PKCS#1 RSAPrivateKey: version, n, e, d, p, q, dp, dq, qinv (+ multi-prime).
    if (allIntegers && top.length >= 9 && (v === 0 || v === 1)) return { kind: "private-key", what: "an RSA private key (PKCS#1)" };
    // OpenSSL's DSA private key: version 0, p, q, g, y, x.
    if (allIntegers && top.length === 6 && v === 0) return { kind: "private-key", what: "a DSA private key" };
    // SEC 1 ECPrivateKey: version 1, OCTET STRING key, [0] parameters, [1] public key.
    if (v === 1 && top[1]?.tag === TAG.OCTET_STRING && top.slice(2).every((t) => t.tag === TAG.CONTEXT_0 || t.tag === TAG.CONTEXT_1)) {
      return { kind: "private-key", what: "an EC private key (SEC 1)" };
    }
    if (top.length === 2 && isAlgorithm(buf, top[0]) && top[1]!.tag === TAG.BIT_STRING) {
      return { kind: "public-key", what: "a public key (SubjectPublicKeyInfo)" };
    }
    if (allIntegers && top.length === 2) return { kind: "public-key", what: "an RSA public key (PKCS#1)" };
    return { kind: "unknown", what: "DER-encoded ASN.1 that is not a certificate, CSR, PKCS#7 or key" };
  } catch (e) {
    return { kind: "unknown", what: `damaged DER-encoded ASN.1 (${e instanceof Asn1Error ? e.message : "unreadable"})` };
  }
}

/** Reads the first TLV of `buf` at `offset`; undefined with a reason when it is not well-formed. */
export function readTop(buf: Uint8Array, offset = 0): { tlv: Tlv } | { error: string } {
  try {
    return { tlv: readTlv(buf, offset, buf.length) };
  } catch (e) {
    return { error: e instanceof Asn1Error ? e.message : "unreadable" };
  }
}

/**
 * For DER that is cut short or damaged: does what is still readable look like the
 * start of a private key? A truncated key is still key material that has left its
 * owner, so it is refused like a whole one. Reads children of the outer SEQUENCE
 * until the first broken one; never throws.
 */
export function partialKeyShape(buf: Uint8Array): string | undefined {
  if (buf[0] !== TAG.SEQUENCE || buf.length < 4) return undefined;
  let p = 2;
  const first = buf[1]!;
  if (first === 0x80) return undefined;
  if (first & 0x80) p += first & 0x7f;
  const kids: Tlv[] = [];
  while (p < buf.length && kids.length < 4) {
    try {
      const t = readTlv(buf, p, buf.length, 1);
      kids.push(t);
      p = t.end;
    } catch {
      // The broken child still tells its tag: enough to recognise a key's OCTET STRING or big INTEGER.
      kids.push({ tag: buf[p]!, constructed: (buf[p]! & 0x20) !== 0, start: p, contentStart: p, contentEnd: p, end: p, indefinite: false });
      break;
    }
  }
  const v = smallInteger(buf, kids[0]);
  const t1 = kids[1]?.tag;
  const t2 = kids[2]?.tag;
  if (v === 3 && t1 === TAG.SEQUENCE) return "the start of a PKCS#12 / PFX bundle";
  if ((v === 0 || v === 1) && t1 === TAG.SEQUENCE && (t2 === undefined || t2 === TAG.OCTET_STRING)) {
    // PKCS#8 (also what a CSR's or certificate's first field never is: those start with a SEQUENCE).
    return "the start of a PKCS#8 private key";
  }
  if (v === 1 && t1 === TAG.OCTET_STRING) return "the start of an EC private key (SEC 1)";
  if (v === 0 && t1 === TAG.INTEGER && (t2 === undefined || t2 === TAG.INTEGER)) return "the start of an RSA or DSA private key";
  if (kids[0]?.tag === TAG.SEQUENCE && t1 === TAG.OCTET_STRING && kids.length === 2 && isAlgorithmPrefix(buf, kids[0])) {
    return "the start of an encrypted PKCS#8 private key";
  }
  return undefined;
}

function isAlgorithmPrefix(buf: Uint8Array, t: Tlv): boolean {
  return t.contentEnd > t.contentStart && buf[t.contentStart] === TAG.OID;
}
