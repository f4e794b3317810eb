/**
 * CRL parsing (RFC 5280 §5): enough to decide whether a serial is revoked by a CRL whose
 * signature we checked against the certificate's issuer.
 */
import { type ParsedName, pemToDer, parseName } from "./certificate";
import { children, content, decodeTime, DerError, expectTag, oidAt, readTlv, whole } from "./der";

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
  /** Every revoked entry in order, with its entry extensions (what strict scope checking needs; lib/pki/crl-scope.ts). */
  entries: CrlEntry[];
  /** The issuingDistributionPoint extension's value (DER), if any. */
  issuingDistributionPoint?: Uint8Array;
  /** True for a delta CRL (deltaCRLIndicator present). */
  delta: boolean;
  /** The cRLNumber's value, if any. */
  crlNumber?: bigint;
  /** A delta CRL's BaseCRLNumber (the deltaCRLIndicator's value). */
  baseCrlNumber?: bigint;
};

export type CrlEntry = {
  /** Hex of the serial's INTEGER content octets. */
  serial: string;
  date: Date;
  reason?: number;
  /** certificateIssuer entry extension (indirect CRLs): the GeneralNames DER as given. */
  certificateIssuer?: Uint8Array;
  /** Critical entry extensions we do not understand: the entry (and so the CRL, for its certificate) cannot be relied on. */
  unknownCritical: string[];
};

const KNOWN_ENTRY_EXTENSIONS = new Set(["2.5.29.21" /* reasonCode */, "2.5.29.24" /* invalidityDate */, "2.5.29.23" /* holdInstructionCode */, "2.5.29.29" /* certificateIssuer */]);

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
  const entries: CrlEntry[] = [];
  if (f[i]?.tag === 0x30) {
    for (const entry of children(der, f[i]!)) {
      const [serial, date, exts] = children(der, expectTag(entry, 0x30, "revoked entry"));
      let reason: number | undefined;
      let certificateIssuer: Uint8Array | undefined;
      const unknownCritical: string[] = [];
      if (exts) {
        for (const e of children(der, exts)) {
          const parts = children(der, e);
          const oid = oidAt(der, parts[0]!);
          const v = content(der, parts[parts.length - 1]!);
          if (oid === "2.5.29.21") {
            reason = content(v, readTlv(v, 0))[0];
          }
          if (oid === "2.5.29.29") certificateIssuer = v;
          if (parts.length === 3 && content(der, parts[1]!)[0] !== 0 && !KNOWN_ENTRY_EXTENSIONS.has(oid)) unknownCritical.push(oid);
        }
      }
      const serialKey = hex(content(der, expectTag(serial, 0x02, "serial")));
      const when = decodeTime(der, date!);
      revoked.set(serialKey, { date: when, reason });
      entries.push({ serial: serialKey, date: when, reason, certificateIssuer, unknownCritical });
    }
    i++;
  }
  const unknownCriticalExtensions: string[] = [];
  let partitioned = false;
  let hasCrlNumber = false;
  let crlNumberCritical = false;
  let issuingDistributionPoint: Uint8Array | undefined;
  let delta = false;
  let crlNumber: bigint | undefined;
  let baseCrlNumber: bigint | undefined;
  const integer = (v: Uint8Array) => {
    const n = content(v, expectTag(readTlv(v, 0), 0x02, "INTEGER"));
    return n.length ? BigInt.asIntN(n.length * 8, BigInt(`0x${hex(n)}`)) : 0n;
  };
  if (f[i]?.tag === 0xa0) {
    for (const e of children(der, expectTag(children(der, f[i]!)[0], 0x30, "crlExtensions"))) {
      const parts = children(der, e);
      const oid = oidAt(der, parts[0]!);
      const critical = parts.length === 3 && content(der, parts[1]!)[0] !== 0;
      if (oid === "2.5.29.28" || oid === "2.5.29.27") partitioned = true;
      if (oid === "2.5.29.28") issuingDistributionPoint = content(der, parts[parts.length - 1]!);
      if (oid === "2.5.29.27") {
        delta = true;
        baseCrlNumber = integer(content(der, parts[parts.length - 1]!));
      }
      if (oid === "2.5.29.20") {
        hasCrlNumber = true;
        crlNumberCritical = critical;
        crlNumber = integer(content(der, parts[parts.length - 1]!));
      }
      if (critical && !KNOWN_CRL_EXTENSIONS.has(oid)) unknownCriticalExtensions.push(oid);
    }
  }
  if (!sig.length || sig[0] !== 0) throw new DerError("bad CRL signature bits");
  return {
    der,
    tbs: whole(der, tbsTlv!),
    sigAlgOid: oidAt(der, algParts[0]!),
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
    entries,
    issuingDistributionPoint,
    delta,
    crlNumber,
    baseCrlNumber,
  };
}

export function serialHex(serial: Uint8Array): string {
  return hex(serial);
}
