/**
 * CRL parsing (RFC 5280 §5): enough to decide whether a serial is revoked by a CRL whose
 * signature we checked against the certificate's issuer.
 */
import { type ParsedName, pemToDer, parseName } from "./certificate";
import { DerError, children, content, decodeOid, decodeTime, expectTag, readTlv, whole } from "./der";

export type ParsedCrl = {
  der: Uint8Array;
  tbs: Uint8Array;
  sigAlgOid: string;
  sigAlgParams: Uint8Array;
  signature: Uint8Array;
  issuer: ParsedName;
  thisUpdate: Date;
  nextUpdate?: Date;
  /** Revoked serials (hex of the INTEGER content octets) → reason code if any. */
  revoked: Map<string, { date: Date; reason?: number }>;
  /** Critical CRL extensions we do not understand: such a CRL must not be relied on. */
  unknownCriticalExtensions: string[];
  /** True when an issuingDistributionPoint limits the scope (we then refuse to use it). */
  partitioned: boolean;
  hasCrlNumber: boolean;
  crlNumberCritical: boolean;
};

const KNOWN_CRL_EXTENSIONS = new Set(["2.5.29.20" /* cRLNumber */, "2.5.29.35" /* AKI */, "2.5.29.28" /* IDP */, "2.5.29.27" /* delta indicator */]);

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");

/**
 * Parses a CRL (PEM or DER). Throws on malformed input.
 *
 * @example
 * const crl = parseCrl(crlPem);
 * crl.revoked.has(serialHex(cert.serial));
 */
export function parseCrl(input: string | Uint8Array): ParsedCrl {
  const der = pemToDer(input);
  const outer = expectTag(readTlv(der, 0), 0x30, "CertificateList");
  const [tbsTlv, algTlv, sigTlv] = children(der, outer);
  expectTag(tbsTlv, 0x30, "TBSCertList");
  const algParts = children(der, expectTag(algTlv, 0x30, "signatureAlgorithm"));
  const sig = content(der, expectTag(sigTlv, 0x03, "signature"));
  const f = children(der, tbsTlv!);
  let i = 0;
  if (f[i]?.tag === 0x02) i++;
  i++; // inner signature algorithm
  const issuer = parseName(der, expectTag(f[i++], 0x30, "issuer"));
  const thisUpdate = decodeTime(der, f[i++]!);
  let nextUpdate: Date | undefined;
  if (f[i] && (f[i]!.tag === 0x17 || f[i]!.tag === 0x18)) nextUpdate = decodeTime(der, f[i++]!);
  const revoked = new Map<string, { date: Date; reason?: number }>();
  if (f[i]?.tag === 0x30) {
    for (const entry of children(der, f[i]!)) {
      const [serial, date, exts] = children(der, expectTag(entry, 0x30, "revoked entry"));
      let reason: number | undefined;
      if (exts) {
        for (const e of children(der, exts)) {
          const parts = children(der, e);
          if (decodeOid(content(der, parts[0]!)) === "2.5.29.21") {
            const v = content(der, parts[parts.length - 1]!);
            reason = content(v, readTlv(v, 0))[0];
          }
        }
      }
      revoked.set(hex(content(der, expectTag(serial, 0x02, "serial"))), { date: decodeTime(der, date!), reason });
    }
    i++;
  }
  const unknownCriticalExtensions: string[] = [];
  let partitioned = false;
  let hasCrlNumber = false;
  let crlNumberCritical = false;
  if (f[i]?.tag === 0xa0) {
    for (const e of children(der, expectTag(children(der, f[i]!)[0], 0x30, "crlExtensions"))) {
      const parts = children(der, e);
      const oid = decodeOid(content(der, parts[0]!));
      const critical = parts.length === 3 && content(der, parts[1]!)[0] !== 0;
      if (oid === "2.5.29.28" || oid === "2.5.29.27") partitioned = true;
      if (oid === "2.5.29.20") {
        hasCrlNumber = true;
        crlNumberCritical = critical;
      }
      if (critical && !KNOWN_CRL_EXTENSIONS.has(oid)) unknownCriticalExtensions.push(oid);
    }
  }
  if (!sig.length || sig[0] !== 0) throw new DerError("bad CRL signature bits");
  return {
    der,
    tbs: whole(der, tbsTlv!),
    sigAlgOid: decodeOid(content(der, algParts[0]!)),
    sigAlgParams: algParts[1] ? whole(der, algParts[1]) : new Uint8Array(0),
    signature: sig.subarray(1),
    issuer,
    thisUpdate,
    nextUpdate,
    revoked,
    unknownCriticalExtensions,
    partitioned,
    hasCrlNumber,
    crlNumberCritical,
  };
}

export function serialHex(serial: Uint8Array): string {
  return hex(serial);
}
