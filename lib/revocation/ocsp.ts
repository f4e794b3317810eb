/**
 * OCSP (RFC 6960) client side: build a request for one certificate, and judge a response.
 * Structures come from @peculiar/asn1-ocsp; signatures are checked with lib/pki's verifier
 * over the exact bytes received (never a re-encoding).
 *
 * A response is believed only when it is (a) signed by the issuer itself, or by a responder
 * certificate the issuer signed directly that carries the OCSP-signing EKU (RFC 6960 §4.2.2.2),
 * (b) about exactly the CertID asked for, (c) fresh — thisUpdate not beyond 5 minutes in the
 * future, nextUpdate not past — and (d) echoes our nonce when it echoes one at all.
 */
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Extension, Extensions } from "@peculiar/asn1-x509";
import { CertID, OCSPRequest, OCSPResponse, OCSPResponseStatus, Request, TBSRequest, id_pkix_ocsp_basic, id_pkix_ocsp_nonce } from "@peculiar/asn1-ocsp";
import { type ParsedCertificate, parseCertificate } from "../pki/certificate";
import { bytesEqual, children, content, decodeTime, encodeTlv, expectTag, oidAt, readTlv, whole } from "../pki/der";
import { verifyCertificateSignature, verifySignature } from "../pki/signature";

export const OCSP_SIGNING_EKU = "1.3.6.1.5.5.7.3.9";
export const CLOCK_SKEW_MS = 5 * 60_000;

export type CertIdHash = "SHA-256" | "SHA-1";

const HASH_OIDS: Record<string, "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512"> = {
  "1.3.14.3.2.26": "SHA-1",
  "2.16.840.1.101.3.4.2.1": "SHA-256",
  "2.16.840.1.101.3.4.2.2": "SHA-384",
  "2.16.840.1.101.3.4.2.3": "SHA-512",
};
const OID_OF_HASH: Record<CertIdHash, string> = { "SHA-1": "1.3.14.3.2.26", "SHA-256": "2.16.840.1.101.3.4.2.1" };

/** RFC 5280 §5.3.1 CRLReason names, as partners and reviewers read them. */
export const CRL_REASONS: Record<number, string> = {
  0: "unspecified",
  1: "keyCompromise",
  2: "cACompromise",
  3: "affiliationChanged",
  4: "superseded",
  5: "cessationOfOperation",
  6: "certificateHold",
  8: "removeFromCRL",
  9: "privilegeWithdrawn",
  10: "aACompromise",
};

export type OcspRequestBuilt = { der: Uint8Array; nonce: Uint8Array; hash: CertIdHash };

async function digest(crypto: Crypto, hash: string, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(hash, data as Uint8Array<ArrayBuffer>));
}

const ab = (b: Uint8Array): ArrayBuffer => b.slice().buffer as ArrayBuffer;

/**
 * Builds a DER OCSPRequest for `cert` issued by `issuer`, with a fresh 16-byte nonce.
 *
 * @example
 * const req = await buildOcspRequest({ cert, issuer, hash: "SHA-256", crypto });
 */
export async function buildOcspRequest(opts: { cert: ParsedCertificate; issuer: ParsedCertificate; hash?: CertIdHash; crypto: Crypto; nonce?: Uint8Array }): Promise<OcspRequestBuilt> {
  const hash = opts.hash ?? "SHA-256";
  const nonce = opts.nonce ?? opts.crypto.getRandomValues(new Uint8Array(16));
  const certId = new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: OID_OF_HASH[hash], ...(hash === "SHA-1" ? { parameters: null } : {}) }),
    issuerNameHash: new OctetString(await digest(opts.crypto, hash, opts.issuer.subject.der)),
    issuerKeyHash: new OctetString(await digest(opts.crypto, hash, opts.issuer.publicKeyBits)),
    serialNumber: ab(opts.cert.serial),
  });
  // The nonce extension's value is an OCTET STRING holding an OCTET STRING (RFC 8954).
  const nonceExt = new Extension({ extnID: id_pkix_ocsp_nonce, critical: false, extnValue: new OctetString(encodeTlv(0x04, nonce)) });
  const req = new OCSPRequest({ tbsRequest: new TBSRequest({ requestList: [new Request({ reqCert: certId })], requestExtensions: new Extensions([nonceExt]) }) });
  return { der: new Uint8Array(AsnConvert.serialize(req)), nonce, hash };
}

export type OcspVerdict =
  | { kind: "good"; thisUpdate: Date; nextUpdate?: Date }
  | { kind: "revoked"; thisUpdate: Date; nextUpdate?: Date; revokedAt: Date; reason?: string }
  | { kind: "unknown"; thisUpdate: Date; nextUpdate?: Date }
  /** The response cannot be relied on; `why` is one of the REVOCATION_UNKNOWN reasons. */
  | { kind: "unusable"; why: "bad signature" | "stale" | "malformed" | "refused by the responder" | "wrong certificate" | "nonce mismatch"; detail: string };

type RawSingle = { hashOid: string; nameHash: Uint8Array; keyHash: Uint8Array; serial: Uint8Array; status: number; revokedAt?: Date; reason?: number; thisUpdate: Date; nextUpdate?: Date };

/** Walks BasicOCSPResponse by hand so the signed bytes and embedded certificates are exactly as received. */
function parseBasic(der: Uint8Array) {
  const outer = expectTag(readTlv(der, 0), 0x30, "BasicOCSPResponse");
  const [tbsTlv, algTlv, sigTlv, certsTlv] = children(der, outer);
  const alg = children(der, expectTag(algTlv, 0x30, "signatureAlgorithm"));
  const sig = content(der, expectTag(sigTlv, 0x03, "signature"));
  const tbs = children(der, expectTag(tbsTlv, 0x30, "ResponseData"));
  let i = 0;
  if (tbs[i]?.tag === 0xa0) i++; // version
  const responderTlv = tbs[i++]!;
  const responder = children(der, responderTlv)[0]!;
  const responderId = responderTlv.tag === 0xa1 ? { byName: whole(der, responder) } : { byKey: content(der, expectTag(responder, 0x04, "KeyHash")) };
  i++; // producedAt
  const singles: RawSingle[] = [];
  for (const s of children(der, expectTag(tbs[i++], 0x30, "responses"))) {
    const parts = children(der, s);
    const [hashAlg, nameHash, keyHash, serial] = children(der, expectTag(parts[0], 0x30, "CertID"));
    const statusTlv = parts[1]!;
    const status = statusTlv.tag & 0x1f; // [0] good, [1] revoked, [2] unknown
    let revokedAt: Date | undefined;
    let reason: number | undefined;
    if (status === 1) {
      const info = children(der, statusTlv);
      revokedAt = decodeTime(der, info[0]!);
      if (info[1]) {
        const r = children(der, info[1])[0]!;
        reason = content(der, r)[0];
      }
    }
    const thisUpdate = decodeTime(der, parts[2]!);
    let nextUpdate: Date | undefined;
    for (const p of parts.slice(3)) if (p.tag === 0xa0) nextUpdate = decodeTime(der, children(der, p)[0]!);
    singles.push({
      hashOid: oidAt(der, children(der, hashAlg!)[0]!),
      nameHash: content(der, nameHash!),
      keyHash: content(der, keyHash!),
      serial: content(der, serial!),
      status,
      revokedAt,
      reason,
      thisUpdate,
      nextUpdate,
    });
  }
  let nonce: Uint8Array | undefined;
  // responseExtensions [1] follow the responses (byName responder IDs are tagged [1] too).
  const extsTlv = tbs.slice(i).find((t) => t.tag === 0xa1);
  if (extsTlv) {
    for (const e of children(der, children(der, extsTlv)[0]!)) {
      const p = children(der, e);
      if (oidAt(der, p[0]!) === id_pkix_ocsp_nonce) {
        const v = content(der, p[p.length - 1]!);
        // Tolerate responders that put the raw nonce in extnValue (pre-RFC 8954 practice).
        const inner = v[0] === 0x04 ? readTlv(v, 0) : undefined;
        nonce = inner && inner.end === v.length ? content(v, inner) : v;
      }
    }
  }
  const certs: Uint8Array[] = [];
  if (certsTlv?.tag === 0xa0) for (const c of children(der, children(der, certsTlv)[0]!)) certs.push(whole(der, c));
  return {
    tbs: whole(der, tbsTlv!),
    sigAlgOid: oidAt(der, alg[0]!),
    sigAlgParams: alg[1] ? whole(der, alg[1]) : new Uint8Array(0),
    signature: sig.subarray(1),
    responderId,
    singles,
    nonce,
    certs,
  };
}

/**
 * Judges a DER OCSPResponse for `cert`/`issuer` at `now`.
 *
 * @example
 * const v = await verifyOcspResponse({ der, cert, issuer, nonce: req.nonce, now: new Date(), crypto });
 * if (v.kind === "revoked") console.log(v.revokedAt, v.reason);
 */
export async function verifyOcspResponse(opts: { der: Uint8Array; cert: ParsedCertificate; issuer: ParsedCertificate; nonce?: Uint8Array; now: Date; crypto: Crypto }): Promise<OcspVerdict> {
  let basicDer: Uint8Array;
  try {
    const resp = AsnConvert.parse(opts.der, OCSPResponse);
    if (resp.responseStatus !== OCSPResponseStatus.successful) {
      return { kind: "unusable", why: "refused by the responder", detail: `the responder answered ${OCSPResponseStatus[resp.responseStatus] ?? resp.responseStatus}` };
    }
    if (!resp.responseBytes || resp.responseBytes.responseType !== id_pkix_ocsp_basic) return { kind: "unusable", why: "malformed", detail: "the response is not a basic OCSP response" };
    basicDer = new Uint8Array(resp.responseBytes.response.buffer);
  } catch {
    return { kind: "unusable", why: "malformed", detail: "the answer is not an OCSP response" };
  }
  let basic: ReturnType<typeof parseBasic>;
  try {
    basic = parseBasic(basicDer);
  } catch {
    return { kind: "unusable", why: "malformed", detail: "the OCSP response cannot be read" };
  }

  // Who signed it: the issuer, or a delegated responder the issuer certified for OCSP signing.
  const { crypto, issuer, cert, now } = opts;
  const matchesResponderId = async (c: ParsedCertificate) =>
    basic.responderId.byName ? bytesEqual(basic.responderId.byName, c.subject.der) : bytesEqual(basic.responderId.byKey!, await digest(crypto, "SHA-1", c.publicKeyBits));
  const sigBy = (signer: ParsedCertificate) => verifySignature({ signed: basic.tbs, signature: basic.signature, sigAlgOid: basic.sigAlgOid, sigAlgParams: basic.sigAlgParams, issuer: signer, crypto });
  let signedOk = false;
  let refusal = "it is not signed by the issuer or by a responder the issuer authorised";
  if ((await matchesResponderId(issuer)) && (await sigBy(issuer)).ok) signedOk = true;
  for (const raw of basic.certs) {
    if (signedOk) break;
    let responder: ParsedCertificate;
    try {
      responder = parseCertificate(raw);
    } catch {
      continue;
    }
    if (!(await matchesResponderId(responder))) continue;
    if (!(await sigBy(responder)).ok) continue;
    // RFC 6960 §4.2.2.2: the delegate must be issued directly by the CA that issued the certificate…
    if (responder.issuer.key !== issuer.subject.key || !(await verifyCertificateSignature(responder, issuer, crypto)).ok) {
      refusal = "its signer's certificate was not issued by the certificate's issuer";
      continue;
    }
    // …and carry id-kp-OCSPSigning; an unexpired delegate is required at the time we rely on it.
    if (!responder.extendedKeyUsage?.includes(OCSP_SIGNING_EKU)) {
      refusal = "its signer's certificate lacks the OCSP-signing extended key usage";
      continue;
    }
    if (responder.notAfter.getTime() < now.getTime() || responder.notBefore.getTime() > now.getTime() + CLOCK_SKEW_MS) {
      refusal = "its signer's certificate is not valid now";
      continue;
    }
    signedOk = true;
  }
  if (!signedOk) return { kind: "unusable", why: "bad signature", detail: refusal };

  if (basic.nonce && opts.nonce && !bytesEqual(basic.nonce, opts.nonce)) return { kind: "unusable", why: "nonce mismatch", detail: "the responder echoed a different nonce (a replayed answer?)" };

  let single: RawSingle | undefined;
  for (const s of basic.singles) {
    const hash = HASH_OIDS[s.hashOid];
    if (!hash || !bytesEqual(s.serial, cert.serial)) continue;
    if (bytesEqual(s.nameHash, await digest(crypto, hash, issuer.subject.der)) && bytesEqual(s.keyHash, await digest(crypto, hash, issuer.publicKeyBits))) {
      single = s;
      break;
    }
  }
  if (!single) return { kind: "unusable", why: "wrong certificate", detail: "the response does not answer for this certificate" };
  if (single.thisUpdate.getTime() > now.getTime() + CLOCK_SKEW_MS) return { kind: "unusable", why: "stale", detail: `its thisUpdate ${single.thisUpdate.toISOString()} is in the future` };
  if (single.nextUpdate && single.nextUpdate.getTime() < now.getTime()) return { kind: "unusable", why: "stale", detail: `its nextUpdate ${single.nextUpdate.toISOString()} has passed` };
  const times = { thisUpdate: single.thisUpdate, ...(single.nextUpdate ? { nextUpdate: single.nextUpdate } : {}) };
  switch (single.status) {
    case 0:
      return { kind: "good", ...times };
    case 1:
      return { kind: "revoked", ...times, revokedAt: single.revokedAt!, ...(single.reason !== undefined ? { reason: CRL_REASONS[single.reason] ?? `reason ${single.reason}` } : {}) };
    default:
      return { kind: "unknown", ...times };
  }
}
