/**
 * Intake's view of the one ASN.1 reader (lib/pki/der.ts) in its BER-tolerant mode, used only
 * to *classify* uploads: intake meets BER in the wild (Windows and Java write .p7b files with
 * indefinite lengths, e.g. pyca's amazon-roots.p7b), and must never throw on hostile bytes —
 * every failure is an {@link Asn1Error} (lib/pki's DerError) that the caller turns into a
 * finding. Full certificate parsing is lib/pki's job, in strict DER.
 */
import { BER, DerError, children, readTlv as readAny, type Tlv } from "../pki/der";

export { DerError as Asn1Error, type Tlv };

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
  CONTEXT_0: 0xa0,
  CONTEXT_1: 0xa1,
} as const;

/** Reads one BER TLV at `offset`, which must end at or before `limit`. Throws {@link Asn1Error}. */
export function readTlv(buf: Uint8Array, offset: number, limit: number = buf.length, depth = 0): Tlv {
  return readAny(buf, offset, limit, BER, depth);
}

/** The children of a constructed TLV; throws if they do not exactly fill it. */
export function childrenOf(buf: Uint8Array, tlv: Tlv, depth = 0): Tlv[] {
  return children(buf, tlv, BER, depth);
}

/** True when the TLV is an OBJECT IDENTIFIER whose encoded value equals `oid` (content bytes). */
export function oidEquals(buf: Uint8Array, tlv: Tlv | undefined, oid: readonly number[]): boolean {
  if (!tlv || tlv.tag !== TAG.OID || tlv.contentEnd - tlv.contentStart !== oid.length) return false;
  for (let i = 0; i < oid.length; i++) if (buf[tlv.contentStart + i] !== oid[i]) return false;
  return true;
}

/** True when the OID's encoded value starts with `prefix`. */
export function oidStartsWith(buf: Uint8Array, tlv: Tlv | undefined, prefix: readonly number[]): boolean {
  if (!tlv || tlv.tag !== TAG.OID || tlv.contentEnd - tlv.contentStart < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[tlv.contentStart + i] !== prefix[i]) return false;
  return true;
}

/** Small non-negative INTEGER value, or undefined when it is not one. */
export function smallInteger(buf: Uint8Array, tlv: Tlv | undefined): number | undefined {
  if (!tlv || tlv.tag !== TAG.INTEGER) return undefined;
  const n = tlv.contentEnd - tlv.contentStart;
  if (n < 1 || n > 4) return undefined;
  let v = 0;
  for (let i = tlv.contentStart; i < tlv.contentEnd; i++) v = v * 256 + buf[i]!;
  return v;
}

/** Encoded OID values (content octets) that classification needs. */
export const OID = {
  /** 1.2.840.113549.1.7 — PKCS#7 content types. */
  pkcs7: [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07],
  /** 1.2.840.113549.1.7.1 data */
  pkcs7Data: [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01],
  /** 1.2.840.113549.1.7.2 signedData */
  pkcs7SignedData: [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02],
} as const;
