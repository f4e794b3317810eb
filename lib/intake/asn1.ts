/**
 * A small, bounds-checked BER/DER TLV reader used only to *classify* uploads.
 *
 * Why not lib/pki's DER reader: intake meets BER in the wild (Windows and Java
 * write .p7b files with indefinite lengths, e.g. pyca's amazon-roots.p7b), and
 * intake must never throw on hostile bytes — every failure is an {@link Asn1Error}
 * that the caller turns into a finding. Full certificate parsing is lib/pki's job.
 */

export class Asn1Error extends Error {
  override readonly name = "Asn1Error";
}

export type Tlv = {
  /** First identifier octet (class, constructed bit, number < 31). */
  tag: number;
  constructed: boolean;
  /** Offset of the identifier octet. */
  start: number;
  contentStart: number;
  /** End of the contents (before the end-of-contents octets of an indefinite form). */
  contentEnd: number;
  /** End of the whole TLV. */
  end: number;
  indefinite: boolean;
};

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

// Nesting bound: certificates nest about 10 deep; anything deeper is hostile
// (a stack-exhaustion attempt through nested indefinite lengths).
const MAX_DEPTH = 64;

/** Reads one TLV at `offset`, which must end at or before `limit`. Throws {@link Asn1Error}. */
export function readTlv(buf: Uint8Array, offset: number, limit: number = buf.length, depth = 0): Tlv {
  if (depth > MAX_DEPTH) throw new Asn1Error("nested too deeply");
  if (offset + 2 > limit) throw new Asn1Error("truncated header");
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new Asn1Error("multi-byte tag");
  const constructed = (tag & 0x20) !== 0;
  const first = buf[offset + 1]!;
  let p = offset + 2;
  if (first === 0x80) {
    // Indefinite length (BER only, constructed only): the contents run to an end-of-contents pair.
    if (!constructed) throw new Asn1Error("indefinite length on a primitive value");
    let q = p;
    for (;;) {
      if (q + 2 > limit) throw new Asn1Error("missing end-of-contents");
      if (buf[q] === 0 && buf[q + 1] === 0) {
        return { tag, constructed, start: offset, contentStart: p, contentEnd: q, end: q + 2, indefinite: true };
      }
      q = readTlv(buf, q, limit, depth + 1).end;
    }
  }
  let len = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    // More than 4 length octets would describe > 4 GiB: never a real upload.
    if (n > 4) throw new Asn1Error("length too long");
    if (p + n > limit) throw new Asn1Error("truncated length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  const end = p + len;
  if (end > limit) throw new Asn1Error("length exceeds the data");
  return { tag, constructed, start: offset, contentStart: p, contentEnd: end, end, indefinite: false };
}

/** The children of a constructed TLV; throws if they do not exactly fill it. */
export function childrenOf(buf: Uint8Array, tlv: Tlv, depth = 0): Tlv[] {
  if (!tlv.constructed) throw new Asn1Error("not constructed");
  const out: Tlv[] = [];
  let p = tlv.contentStart;
  while (p < tlv.contentEnd) {
    const c = readTlv(buf, p, tlv.contentEnd, depth + 1);
    out.push(c);
    p = c.end;
  }
  return out;
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
