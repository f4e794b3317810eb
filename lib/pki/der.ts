/**
 * Minimal, allocation-light DER reader and writer: the one ASN.1 reader of Certdesk, strict
 * DER for lib/pki and BER-tolerant for intake's classification (see {@link DerMode}).
 *
 * Why our own: the path validator parses every certificate of every upload, and
 * asn1js-based parsing is the dominant cost of @peculiar/x509 (~10× slower than
 * this). It also lets us decide exactly which malformations are fatal: a reader
 * error is a typed {@link DerError}, never a random exception from deep inside a library.
 */

export class DerError extends Error {
  override readonly name = "DerError";
}

/** One TLV: `start` is the tag offset, `contentStart`..`contentEnd` the value, `end` the end of the whole TLV. */
export type Tlv = {
  tag: number;
  /** Tag class + constructed bit + number as the first identifier octet (we reject multi-byte tags). */
  constructed: boolean;
  start: number;
  contentStart: number;
  /** End of the value: `end` for definite lengths, the end-of-contents octets' offset for a BER indefinite one. */
  contentEnd: number;
  end: number;
  /** BER indefinite length (only in {@link BER} mode). */
  indefinite: boolean;
};

/**
 * How the reader treats what DER forbids. One reader serves both callers: lib/pki reads strict
 * DER ({@link DER}, the default and fast path: certificates must be DER for their signatures to
 * mean anything), intake reads BER ({@link BER}: Windows and Java write .p7b files with indefinite
 * lengths) to classify uploads. Each mode words its errors for its caller; every error is a
 * {@link DerError}.
 */
export type DerMode = {
  /** Accept indefinite lengths on constructed values (BER). */
  indefinite: boolean;
  /** Constructed values only in children(); nesting bounded by MAX_DEPTH. */
  checkStructure: boolean;
  messages: {
    truncatedHeader: string;
    multiByteTag: string;
    /** DER: 0x80 (indefinite) and > 4 length octets. BER: > 4 length octets. */
    badLength: string;
    indefiniteLength: string;
    truncatedLength: string;
    exceeds: string;
    indefinitePrimitive: string;
    missingEndOfContents: string;
    tooDeep: string;
    notConstructed: string;
  };
};

export const DER: DerMode = {
  indefinite: false,
  checkStructure: false,
  messages: {
    truncatedHeader: "truncated TLV header",
    multiByteTag: "multi-byte tags are not supported",
    badLength: "unsupported length encoding",
    indefiniteLength: "unsupported length encoding",
    truncatedLength: "truncated length",
    exceeds: "length exceeds enclosing value",
    indefinitePrimitive: "unsupported length encoding",
    missingEndOfContents: "unsupported length encoding",
    tooDeep: "nested too deeply",
    notConstructed: "not constructed",
  },
};

export const BER: DerMode = {
  indefinite: true,
  checkStructure: true,
  messages: {
    truncatedHeader: "truncated header",
    multiByteTag: "multi-byte tag",
    badLength: "length too long",
    indefiniteLength: "indefinite length",
    truncatedLength: "truncated length",
    exceeds: "length exceeds the data",
    indefinitePrimitive: "indefinite length on a primitive value",
    missingEndOfContents: "missing end-of-contents",
    tooDeep: "nested too deeply",
    notConstructed: "not constructed",
  },
};

// Nesting bound: certificates nest about 10 deep; anything deeper is hostile
// (a stack-exhaustion attempt through nested indefinite lengths).
const MAX_DEPTH = 64;

/**
 * Reads one TLV at `offset` that must end at or before `limit`. Throws {@link DerError}.
 *
 * @example
 * const cert = readTlv(der, 0);                  // strict DER (lib/pki)
 * const p7 = readTlv(bytes, 0, bytes.length, BER); // BER-tolerant (intake)
 */
export function readTlv(buf: Uint8Array, offset: number, limit: number = buf.length, mode: DerMode = DER, depth = 0): Tlv {
  const m = mode.messages;
  if (depth > MAX_DEPTH) throw new DerError(m.tooDeep);
  if (offset + 2 > limit) throw new DerError(m.truncatedHeader);
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError(m.multiByteTag);
  const constructed = (tag & 0x20) !== 0;
  let len = buf[offset + 1]!;
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) {
      if (!mode.indefinite) throw new DerError(m.indefiniteLength);
      return readIndefinite(buf, offset, limit, mode, depth);
    }
    // Absurd length-of-length: more than 4 octets would describe > 4 GiB, never a real upload.
    if (n > 4) throw new DerError(m.badLength);
    if (p + n > limit) throw new DerError(m.truncatedLength);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  const end = p + len;
  if (end > limit) throw new DerError(m.exceeds);
  return { tag, constructed, start: offset, contentStart: p, contentEnd: end, end, indefinite: false };
}

/** BER indefinite length (constructed only): the contents run to an end-of-contents pair. */
function readIndefinite(buf: Uint8Array, offset: number, limit: number, mode: DerMode, depth: number): Tlv {
  const tag = buf[offset]!;
  if ((tag & 0x20) === 0) throw new DerError(mode.messages.indefinitePrimitive);
  const contentStart = offset + 2;
  let q = contentStart;
  for (;;) {
    if (q + 2 > limit) throw new DerError(mode.messages.missingEndOfContents);
    if (buf[q] === 0 && buf[q + 1] === 0) return { tag, constructed: true, start: offset, contentStart, contentEnd: q, end: q + 2, indefinite: true };
    q = readTlv(buf, q, limit, mode, depth + 1).end;
  }
}

/** The children of a constructed TLV (in {@link BER} mode, it must be constructed). */
export function children(buf: Uint8Array, tlv: Tlv, mode: DerMode = DER, depth = 0): Tlv[] {
  if (mode.checkStructure && !tlv.constructed) throw new DerError(mode.messages.notConstructed);
  const out: Tlv[] = [];
  let p = tlv.contentStart;
  while (p < tlv.contentEnd) {
    const c = readTlv(buf, p, tlv.contentEnd, mode, depth + 1);
    out.push(c);
    p = c.end;
  }
  return out;
}

export function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv || tlv.tag !== tag) throw new DerError(`expected ${what}`);
  return tlv;
}

export function content(buf: Uint8Array, tlv: Tlv): Uint8Array {
  return buf.subarray(tlv.contentStart, tlv.end);
}

export function whole(buf: Uint8Array, tlv: Tlv): Uint8Array {
  return buf.subarray(tlv.start, tlv.end);
}

// Certificates repeat the same few dozen OIDs (attribute types, extensions, algorithms): short
// encodings are remembered by their bytes. Bounded: once full, new OIDs are decoded every time.
const oidCache = new Map<string, string>();
const OID_CACHE_LIMIT = 4096;
const OID_CACHE_MAX_BYTES = 24;

/** Dotted OID from the content octets of an OBJECT IDENTIFIER. */
export function decodeOid(bytes: Uint8Array): string {
  return oidIn(bytes, 0, bytes.length);
}

/**
 * Dotted OID of the OBJECT IDENTIFIER `tlv` of `buf`: {@link decodeOid} of its content without
 * a view on it (certificates hold dozens of OIDs, and each view is an allocation).
 */
export function oidAt(buf: Uint8Array, tlv: Tlv): string {
  return oidIn(buf, tlv.contentStart, tlv.end);
}

function oidIn(buf: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n === 0 || n > OID_CACHE_MAX_BYTES) return decodeOidBytes(buf.subarray(start, end));
  const key = latin1(buf, start, end);
  let oid = oidCache.get(key);
  if (oid === undefined) {
    oid = decodeOidBytes(buf.subarray(start, end));
    if (oidCache.size < OID_CACHE_LIMIT) oidCache.set(key, oid);
  }
  return oid;
}

function decodeOidBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new DerError("empty OID");
  const parts: number[] = [];
  let v = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) throw new DerError("OID arc too large");
    if (!(b & 0x80)) {
      if (parts.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2;
        parts.push(first, v - first * 40);
      } else parts.push(v);
      v = 0;
    }
  }
  if (bytes[bytes.length - 1]! & 0x80) throw new DerError("truncated OID");
  return parts.join(".");
}

const HEX_PAIRS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += HEX_PAIRS[bytes[i]!]!;
  return s;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The time text as a message may quote it: printable ASCII only, at most 32 characters. */
function quoteTime(s: string): string {
  const shown = s.slice(0, 32).replace(/[^\x20-\x7e]/g, "?");
  return `"${shown}${s.length > 32 ? "…" : ""}"`;
}

/** Decodes UTCTime / GeneralizedTime (tags 0x17 / 0x18) to a Date. Errors quote the offending text. */
export function decodeTime(buf: Uint8Array, tlv: Tlv): Date {
  const usual = usualTime(buf, tlv);
  if (usual) return usual;
  const s = latin1(content(buf, tlv));
  try {
    return decodeTimeText(s, tlv.tag);
  } catch (e) {
    if (e instanceof DerError && tlv.tag === 0x17) throw new DerError(`${quoteTime(s)} is not a valid UTCTime (expected YYMMDDHHMMSSZ: 12 digits and Z)`);
    if (e instanceof DerError && tlv.tag === 0x18) throw new DerError(`${quoteTime(s)} is not a valid GeneralizedTime (expected YYYYMMDDHHMMSSZ)`);
    throw e;
  }
}

/** Two ASCII digits at `p` as a number, or -1. */
function twoDigits(buf: Uint8Array, p: number): number {
  const a = buf[p]! - 0x30;
  const b = buf[p + 1]! - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The forms RFC 5280 §4.1.2.5 prescribes (UTCTime YYMMDDHHMMSSZ, GeneralizedTime YYYYMMDDHHMMSSZ)
 * read straight from the bytes, when valid; undefined sends anything else (and every invalid
 * time, for its message) through {@link decodeTimeText}, which accepts the same values.
 */
function usualTime(buf: Uint8Array, tlv: Tlv): Date | undefined {
  const p = tlv.contentStart;
  const len = tlv.end - p;
  let year: number;
  let q: number;
  if (tlv.tag === 0x17 && len === 13) {
    const yy = twoDigits(buf, p);
    if (yy < 0) return undefined;
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    q = p + 2;
  } else if (tlv.tag === 0x18 && len === 15) {
    const hi = twoDigits(buf, p);
    const lo = twoDigits(buf, p + 2);
    // Years below 100 take decodeTimeText's path (Date.UTC reads them as 19YY there too).
    if (hi < 1 || lo < 0) return undefined;
    year = hi * 100 + lo;
    q = p + 4;
  } else return undefined;
  if (buf[q + 10] !== 0x5a) return undefined;
  const mo = twoDigits(buf, q);
  const d = twoDigits(buf, q + 2);
  const h = twoDigits(buf, q + 4);
  const mi = twoDigits(buf, q + 6);
  const s = twoDigits(buf, q + 8);
  if (mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return undefined;
  const date = new Date(Date.UTC(year, mo - 1, d, h, mi, s, 0));
  return date.getUTCDate() === d ? date : undefined;
}

function decodeTimeText(s: string, tag: number): Date {
  const tlv = { tag };
  let m: RegExpMatchArray | null;
  if (tlv.tag === 0x17) {
    // RFC 5280: YYMMDDHHMMSSZ; YY >= 50 → 19YY. Seconds-less forms appear in old certs; accept them.
    m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(s);
    if (!m) {
      // Seen in the wild (pyca badasn1time.pem): a four-digit year in a UTCTime. OpenSSL reads it; so do we.
      const g = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
      if (g) return utc(Number(g[1]), g[2]!, g[3]!, g[4]!, g[5]!, g[6]!, undefined);
      throw new DerError("bad UTCTime");
    }
    const yy = Number(m[1]);
    return utc(yy >= 50 ? 1900 + yy : 2000 + yy, m[2]!, m[3]!, m[4]!, m[5]!, m[6] ?? "0", undefined);
  }
  if (tlv.tag === 0x18) {
    m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d+))?Z$/.exec(s);
    if (!m) throw new DerError("bad GeneralizedTime");
    return utc(Number(m[1]), m[2]!, m[3]!, m[4]!, m[5]!, m[6]!, m[7]);
  }
  throw new DerError("expected a time");
}

function utc(y: number, mo: string, d: string, h: string, mi: string, s: string, frac: string | undefined): Date {
  // Date.UTC rolls 25:61:61 over into the next day; a certificate's time must not.
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) throw new DerError("invalid time of day");
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  const t = Date.UTC(y, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const date = new Date(t);
  if (Number.isNaN(t) || date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) throw new DerError("invalid date");
  return date;
}

export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

const utf8 = new TextDecoder("utf-8", { fatal: false });
const utf16be = new TextDecoder("utf-16be", { fatal: false });

const utf8Strict = new TextDecoder("utf-8", { fatal: true });
const utf16beStrict = new TextDecoder("utf-16be", { fatal: true });

/**
 * Decodes a directory string strictly: undefined when the bytes are not a valid encoding of the
 * tag's character set (invalid UTF-8, odd-length or unpaired-surrogate BMPString, UniversalString
 * not a whole number of valid code points). Unlike {@link decodeString}, two different byte strings
 * can never decode to the same text through U+FFFD substitution.
 */
export function decodeStringStrict(buf: Uint8Array, tlv: Tlv): string | undefined {
  const c = content(buf, tlv);
  try {
    switch (tlv.tag) {
      case 0x0c: // UTF8String
        return utf8Strict.decode(c);
      case 0x1e: // BMPString
        return c.length % 2 === 0 ? utf16beStrict.decode(c) : undefined;
      case 0x1c: {
        if (c.length % 4 !== 0) return undefined;
        let s = "";
        for (let i = 0; i < c.length; i += 4) {
          const cp = ((c[i]! << 24) | (c[i + 1]! << 16) | (c[i + 2]! << 8) | c[i + 3]!) >>> 0;
          if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
          s += String.fromCodePoint(cp);
        }
        return s;
      }
      default:
        // One octet per character: distinct bytes stay distinct.
        return latin1(c);
    }
  } catch {
    return undefined;
  }
}

/** Decodes a directory string of any of the ASN.1 string tags to text (lenient: never throws). */
export function decodeString(buf: Uint8Array, tlv: Tlv): string {
  const c = content(buf, tlv);
  switch (tlv.tag) {
    case 0x0c: // UTF8String
      return utf8.decode(c);
    case 0x1e: // BMPString
      return utf16be.decode(c);
    case 0x1c: {
      // UniversalString (UCS-4)
      let s = "";
      for (let i = 0; i + 3 < c.length; i += 4) {
        const cp = ((c[i]! << 24) | (c[i + 1]! << 16) | (c[i + 2]! << 8) | c[i + 3]!) >>> 0;
        s += String.fromCodePoint(cp === 0 || cp > 0x10ffff ? 0xfffd : cp);
      }
      return s;
    }
    default:
      // PrintableString, IA5String, TeletexString, VisibleString, NumericString…: treat as Latin-1.
      return latin1(c);
  }
}

// ---- Writer (used by the test factory and CRL/extension helpers) ----

/** Bytes backed by a plain ArrayBuffer, as WebCrypto's BufferSource wants. */
export type Bytes = Uint8Array<ArrayBuffer>;

function lengthBytes(len: number): number[] {
  if (len < 0x80) return [len];
  const out: number[] = [];
  while (len > 0) {
    out.unshift(len & 0xff);
    len = Math.floor(len / 256);
  }
  return [0x80 | out.length, ...out];
}

export function encodeTlv(tag: number, value: Uint8Array): Bytes {
  const l = lengthBytes(value.length);
  const out = new Uint8Array(1 + l.length + value.length);
  out[0] = tag;
  out.set(l, 1);
  out.set(value, 1 + l.length);
  return out;
}

export function concat(parts: readonly Uint8Array[]): Bytes {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function encodeSequence(items: readonly Uint8Array[]): Bytes {
  return encodeTlv(0x30, concat(items));
}

export function encodeOid(oid: string): Bytes {
  const arcs = oid.split(".").map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isInteger(a) || a < 0)) throw new DerError(`bad OID ${oid}`);
  const out: number[] = [];
  const push = (v: number) => {
    const bytes = [v & 0x7f];
    v = Math.floor(v / 128);
    while (v > 0) {
      bytes.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(...bytes);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return encodeTlv(0x06, Uint8Array.from(out));
}

export function encodeUtf8String(s: string): Bytes {
  return encodeTlv(0x0c, new TextEncoder().encode(s));
}
