/**
 * Private-key material in any encoding, found by what it decodes to, not by a prefix.
 *
 * Threat: a partner pastes a key into the upload in a form the PEM/DER classifier does not
 * read as a key (hex in notes.txt, base64url, base64 that does not start with "MI", the
 * second half of a PEM body after a stray END line, a Kubernetes secret's base64 of a PEM,
 * a JSON Web Key, PuTTY, PVK…). Certdesk must refuse it and store nothing.
 *
 * How: every run of characters that could be base64/base64url or hex is decoded (at every
 * alignment, since the run may start with unrelated text) and the bytes are searched, at
 * every offset, for the ASN.1 shapes and magic numbers of private keys. Decoded text is
 * searched again, one level down (a base64 PEM inside a YAML file).
 *
 * Cost: linear in the input. Each offset is examined with a bounded number of TLV headers
 * (never an indefinite length, never more than a few children), each run is decoded at four
 * alignments, and decoded text is re-scanned at most two levels deep (each level is 3/4 of
 * the one above). Decoded copies are wiped before they are dropped or reused.
 *
 * It runs on every uploaded file, so the common case is kept cheap without changing what is
 * found: offsets are skipped four at a time while no byte there can start anything (a byte
 * table); the usual headers are judged inline and parsed into module-level scratch, not
 * objects; a SEQUENCE is rejected on its first child before its children are listed; the text
 * test stops once more than a tenth of the bytes are not text; the armour and JWK regexes run
 * only when the fixed text they need is there; the hex scan runs only when the base64 pass saw
 * a hex-like run long enough; and the scans reuse per-depth scratch buffers (wiped after each
 * use; inputs over POOL_MAX characters get fresh ones, as every input once did).
 */

/** What was found (safe to show: never quotes the input), or undefined. */
export type KeyHit = string | undefined;

const MAX_DEPTH = 2;
/** The smallest private key we look for (Ed25519/X25519 PKCS#8) is 48 bytes. */
const MIN_DECODED = 40;
const MIN_B64_CHARS = 56;
const MIN_HEX_NIBBLES = 2 * MIN_DECODED;
/** Children examined per SEQUENCE: keys have at most 10 at the top (multi-prime RSA). */
const MAX_KIDS = 10;

/** The last header `hdr` accepted: tag, content start, end (scratch: read it before the next call). */
let hTag = 0;
let hCs = 0;
let hEnd = 0;

/** One definite-length DER header at `p`, fully inside `limit` (into hTag/hCs/hEnd); never follows indefinite lengths. */
function hdr(b: Uint8Array, p: number, limit: number): boolean {
  if (p + 2 > limit) return false;
  const tag = b[p]!;
  if ((tag & 0x1f) === 0x1f) return false;
  const first = b[p + 1]!;
  let q = p + 2;
  let len = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 3 || q + n > limit) return false;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[q + i]!;
    q += n;
  }
  const end = q + len;
  if (end > limit) return false;
  hTag = tag;
  hCs = q;
  hEnd = end;
  return true;
}

/** The children `kids` listed last: tag, content start, end. */
const kTag = new Int32Array(MAX_KIDS);
const kCs = new Int32Array(MAX_KIDS);
const kEnd = new Int32Array(MAX_KIDS);

/** Up to MAX_KIDS children that exactly fill [cs, end) into kTag/kCs/kEnd: their count, or -1 when broken or more. */
function kids(b: Uint8Array, cs: number, end: number): number {
  let n = 0;
  let p = cs;
  while (p < end) {
    if (n === MAX_KIDS) return -1;
    if (!hdr(b, p, end)) return -1;
    kTag[n] = hTag;
    kCs[n] = hCs;
    kEnd[n] = hEnd;
    n++;
    p = hEnd;
  }
  return n;
}

function startsWithBytes(b: Uint8Array, p: number, prefix: readonly number[]): boolean {
  if (p + prefix.length > b.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[p + i] !== prefix[i]) return false;
  return true;
}

/** AlgorithmIdentifier: a SEQUENCE [cs, end) whose first child is an OID of 3+ bytes; the OID's content offset, or -1. */
function algorithmOid(b: Uint8Array, tag: number, cs: number, end: number): number {
  if (tag !== 0x30 || !hdr(b, cs, end)) return -1;
  return hTag === 0x06 && hEnd - hCs >= 3 ? hCs : -1;
}

const PKCS5 = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05];
const PKCS12_PBE = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01];
const PKCS7 = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07];

/**
 * The first half of a key whose end is missing (cut short, or split over two files): a SEQUENCE
 * that runs past the data and starts like PKCS#1 (version, a modulus of 64+ bytes, the exponent)
 * or PKCS#8 (version, algorithm, the OCTET STRING holding the key).
 */
function keyStartAt(b: Uint8Array, p: number): KeyHit {
  const size = b.length;
  const first = b[p + 1]!;
  const n = first & 0x80 ? first & 0x7f : 0;
  if (n > 3 || p + 2 + n > size) return undefined;
  let declared = first & 0x80 ? 0 : first;
  for (let i = 0; i < n; i++) declared = declared * 256 + b[p + 2 + i]!;
  const cs = p + 2 + n;
  if (n === 0 && first & 0x80) return undefined;
  if (cs + declared <= size || declared > 64 * 1024) return undefined;
  // The version: INTEGER 0 or 1.
  if (!hdr(b, cs, size) || hTag !== 0x02 || hEnd - hCs !== 1 || b[hCs]! > 1) return undefined;
  if (!hdr(b, hEnd, size)) return undefined;
  const secondTag = hTag;
  const secondCs = hCs;
  const secondEnd = hEnd;
  if (secondTag === 0x02 && secondEnd - secondCs >= 64) {
    if (hdr(b, secondEnd, size) && hTag === 0x02 && hEnd - hCs <= 8) return "the start of an RSA private key (PKCS#1), cut short";
  }
  if (algorithmOid(b, secondTag, secondCs, secondEnd) >= 0 && secondEnd + 1 < size) {
    const octetLen = b[secondEnd + 1]!;
    if (b[secondEnd] === 0x04 && (octetLen >= 16 || octetLen >= 0x81)) return "the start of a PKCS#8 private key, cut short";
  }
  return undefined;
}

/** A complete private-key structure starting at `p` (b[p] === 0x30), judged strictly. */
function keyAt(b: Uint8Array, p: number): KeyHit {
  if (b[p + 1] === 0x80) return undefined;
  if (!hdr(b, p, b.length)) return keyStartAt(b, p);
  const topCs = hCs;
  const topEnd = hEnd;
  if (topEnd - p < MIN_DECODED) return undefined;
  // Every shape below starts with a small INTEGER version (0, 1 or 3) or, for EncryptedPrivateKeyInfo,
  // a SEQUENCE: most SEQUENCEs of a certificate ([0], SET, OID, time first) stop here, before listing.
  if (!hdr(b, topCs, topEnd)) return undefined;
  const firstTag = hTag;
  let v = -1;
  if (firstTag === 0x02) {
    if (hEnd - hCs !== 1) return undefined;
    v = b[hCs]!;
    if (v !== 0 && v !== 1 && v !== 3) return undefined;
  } else if (firstTag !== 0x30) return undefined;
  const n = kids(b, topCs, topEnd);
  if (n < 2) return undefined;
  const len1 = kEnd[1]! - kCs[1]!;
  // PKCS#8 PrivateKeyInfo / OneAsymmetricKey: version 0|1, algorithm, OCTET STRING key, [0] attributes?, [1] public key?
  if ((v === 0 || v === 1) && n >= 3 && n <= 5 && kTag[2] === 0x04 && kEnd[2]! - kCs[2]! >= 16 && algorithmOid(b, kTag[1]!, kCs[1]!, kEnd[1]!) >= 0) {
    return "a PKCS#8 private key";
  }
  // EncryptedPrivateKeyInfo: a password-based encryption algorithm (PKCS#5 / PKCS#12), OCTET STRING.
  if (n === 2 && kTag[1] === 0x04 && len1 >= 16) {
    const oid = algorithmOid(b, kTag[0]!, kCs[0]!, kEnd[0]!);
    if (oid >= 0 && (startsWithBytes(b, oid, PKCS5) || startsWithBytes(b, oid, PKCS12_PBE))) return "an encrypted PKCS#8 private key";
  }
  if (v < 0) return undefined;
  // PKCS#1 RSAPrivateKey: version, n, e, d, p, q, dp, dq, qinv (+ otherPrimeInfos).
  if ((v === 0 || v === 1) && n >= 9 && len1 >= 32 && allInts(0, 9)) return "an RSA private key (PKCS#1)";
  // OpenSSL's DSA private key: 0, p, q, g, y, x.
  if (v === 0 && n === 6 && len1 >= 32 && allInts(0, 6)) return "a DSA private key";
  // SEC 1 ECPrivateKey: 1, OCTET STRING scalar, [0] parameters?, [1] public key?
  if (v === 1 && kTag[1] === 0x04 && len1 >= 16 && len1 <= 80 && n <= 4 && (n < 3 || kTag[2] === 0xa0 || kTag[2] === 0xa1) && (n < 4 || kTag[3] === 0xa0 || kTag[3] === 0xa1)) {
    return "an EC private key (SEC 1)";
  }
  // PKCS#12 PFX: version 3, authSafe ContentInfo (PKCS#7 data), macData?.
  if (v === 3 && n <= 3 && kTag[1] === 0x30) {
    if (hdr(b, kCs[1]!, kEnd[1]!) && hTag === 0x06 && startsWithBytes(b, hCs, PKCS7)) return "a PKCS#12 / PFX bundle";
  }
  return undefined;
}

/** Whether the children listed last, from `from` up to `to`, are all INTEGERs. */
function allInts(from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (kTag[i] !== 0x02) return false;
  return true;
}

/**
 * The middle or end of an RSA/DSA private key whose start is missing (the second half of a
 * PEM body): four or more INTEGERs back to back, three of them large. Public structures
 * never have that (an RSA public key has two, DSA parameters three).
 */
function integerRunAt(b: Uint8Array, p: number): KeyHit {
  const size = b.length;
  let n = 0;
  let big = 0;
  let longest = 0;
  let q = p;
  for (let i = 0; i < 12; i++) {
    if (!hdr(b, q, size) || hTag !== 0x02) break;
    n++;
    // Key integers are large, positive and minimally encoded (a leading 00 only before a high bit).
    const l = hEnd - hCs;
    if (l >= 20) {
      const first = b[hCs]!;
      if (first < 0x80 && (first !== 0 || b[hCs + 1]! >= 0x80)) {
        big++;
        if (l > longest) longest = l;
      }
    }
    q = hEnd;
  }
  // RSA's primes and DSA's g and y are 64 bytes or more for any key still in use.
  return n >= 4 && big >= 3 && longest >= 64 ? "the integers of an RSA or DSA private key (part of a key)" : undefined;
}

/** The end of an EC private key (SEC 1): the scalar's OCTET STRING followed by [0] curve OID or [1] public point. */
function ecTailAt(b: Uint8Array, p: number): KeyHit {
  const size = b.length;
  if (!hdr(b, p, size) || hEnd - hCs < 24 || hEnd - hCs > 72) return undefined;
  if (!hdr(b, hEnd, size)) return undefined;
  const nextTag = hTag;
  const nextEnd = hEnd;
  if ((nextTag !== 0xa0 && nextTag !== 0xa1) || !hdr(b, hCs, nextEnd) || hEnd !== nextEnd) return undefined;
  const l = hEnd - hCs;
  // Curve OIDs are 5 to 9 bytes under 1.2 or 1.3; public points are uncompressed (04) or compressed (02/03).
  if (nextTag === 0xa0 && hTag === 0x06 && l >= 5 && l <= 9 && (b[hCs] === 0x2a || b[hCs] === 0x2b)) {
    return "the private scalar of an EC private key (part of a key)";
  }
  const point = b[hCs + 1];
  if (nextTag === 0xa1 && hTag === 0x03 && l >= 33 && b[hCs] === 0 && (point === 2 || point === 3 || point === 4)) {
    return "the private scalar of an EC private key (part of a key)";
  }
  return undefined;
}

const OPENSSH = [...new TextEncoder().encode("openssh-key-v1\0")];
const PVK = [0x1e, 0xf1, 0xb5, 0xb0];
const PVK_RESERVED = [0, 0, 0, 0];
const RSA2 = [0x52, 0x53, 0x41, 0x32];
const DSS2 = [0x44, 0x53, 0x53, 0x32];

/** What an offset's first byte may start: 0 nothing, else the check to run. */
const START = (() => {
  const t = new Uint8Array(256);
  t[0x30] = 1; // SEQUENCE: a key, or the start of one
  t[0x02] = 2; // INTEGER: the integers of a key
  t[0x04] = 3; // OCTET STRING: an EC scalar
  t[0x6f] = 4; // "openssh-key-v1"
  t[0x1e] = 5; // PVK magic
  t[0x07] = 6; // PRIVATEKEYBLOB
  return t;
})();

/** Searches binary data at every offset for key structures and key-file magic numbers. */
export function findKeyInBinary(b: Uint8Array): KeyHit {
  const size = b.length;
  const last = size - 4;
  const last4 = last - 3;
  let p = 0;
  for (;;) {
    // Four offsets at a time while none of them can start anything (most bytes of most data).
    while (p <= last4 && (START[b[p]!]! | START[b[p + 1]!]! | START[b[p + 2]!]! | START[b[p + 3]!]!) === 0) p += 4;
    if (p > last) return undefined;
    const k = START[b[p]!]!;
    let hit: KeyHit;
    if (k === 0) hit = undefined;
    else if (k <= 3) {
      // The checks below start by reading a definite-length header here; their first tests, on a
      // short-form length, are repeated inline so that most candidates cost no call.
      const first = b[p + 1]!;
      const after = p + 2 + first; // past the TLV when the length is short-form
      // No header (indefinite, or a length of 4+ bytes): no key here, not even the start of one.
      if (first === 0x80 || first > 0x83) hit = undefined;
      else if (k === 1) {
        // A SEQUENCE that fits is a key only from 40 bytes up and when it starts with an INTEGER or a SEQUENCE.
        if (first < 0x80 && after <= size && (first < MIN_DECODED - 2 || (b[p + 2] !== 0x02 && b[p + 2] !== 0x30))) hit = undefined;
        else hit = keyAt(b, p);
      } else if (k === 2) {
        // Four INTEGERs back to back: the second comes right after the first.
        if (first < 0x80 && b[after] !== 0x02) hit = undefined;
        else hit = integerRunAt(b, p);
      } else {
        // A scalar of 24 to 72 bytes, then [0] or [1].
        if (first < 0x80 && (first < 24 || first > 72 || (b[after] !== 0xa0 && b[after] !== 0xa1))) hit = undefined;
        else hit = ecTailAt(b, p);
      }
    } else if (k === 4) hit = startsWithBytes(b, p, OPENSSH) ? "an OpenSSH private key" : undefined;
    // PVK header: magic, reserved 0, key type 1 (exchange) or 2 (signature), encrypted flag 0 or 1.
    else if (k === 5) {
      if (startsWithBytes(b, p, PVK) && startsWithBytes(b, p + 4, PVK_RESERVED) && (b[p + 8] === 1 || b[p + 8] === 2) && b[p + 12]! <= 1) hit = "a Microsoft PVK private key";
    }
    // PRIVATEKEYBLOB (CryptoAPI): bType 7, bVersion 2, reserved 0, algorithm, then "RSA2"/"DSS2".
    else if (b[p + 1] === 0x02 && b[p + 2] === 0 && b[p + 3] === 0 && (startsWithBytes(b, p + 8, RSA2) || startsWithBytes(b, p + 8, DSS2))) {
      hit = "a Microsoft private key blob";
    }
    if (hit) return hit;
    p++;
  }
}

// Bounded repetitions only (linear on a megabyte of dashes or spaces).
const ARMOUR_RE = /-{2,5} ?(?:BEGIN|END) [A-Z0-9 ]{0,40}PRIVATE KEY|PuTTY-User-Key-File-\d|-{2,5} ?BEGIN SSH2 ENCRYPTED PRIVATE KEY/;
/** A JSON Web Key's private member "d" (also inside a JSON string, with escaped quotes) beside a key member. */
const JWK_D_RE = /\\?"d\\?"\s{0,8}:\s{0,8}\\?"[A-Za-z0-9_\-+/=]{16}/;
const JWK_KEY_RE = /\\?"(?:kty|crv|n|x|e)\\?"\s{0,8}:/;

/**
 * Text markers of a key: PEM private-key armour (loose), PuTTY's header, a JWK with "d". Each regex
 * runs only when the fixed text every one of its matches contains is there.
 */
function findKeyMarker(text: string): KeyHit {
  if (text.includes("PRIVATE KEY") || text.includes("PuTTY-User-Key-File-")) {
    const m = ARMOUR_RE.exec(text);
    if (m) return m[0].startsWith("PuTTY") ? "a PuTTY private key file" : "PEM private-key armour";
  }
  if (text.includes('"d') && JWK_D_RE.test(text) && JWK_KEY_RE.test(text)) return "a JSON Web Key with its private part";
  return undefined;
}

/** Character classes of the base64 scan (low byte): 0..63 a sextet, then: */
const B64_SPACE = 64;
const B64_BACKSLASH = 65;
const B64_PAD = 66;
const B64_OTHER = 67;
/**
 * The same characters for the hex scan, loosely (high byte): a digit counts; a separator, "x", "X"
 * or a backslash continues the run (so a "0x" or "\x" prefix never ends it); anything else ends it.
 * The loose runs hold every run scanHex finds, with at least as many digits.
 */
const LOOSE_HEX_DIGIT = 1 << 8;
const LOOSE_HEX_GO_ON = 2 << 8;

const B64 = (() => {
  const t = new Uint16Array(128).fill(B64_OTHER);
  const a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < a.length; i++) t[a.charCodeAt(i)] = i;
  t[0x2d] = 62; // base64url "-"
  t[0x5f] = 63; // base64url "_"
  for (const c of [0x20, 0x09, 0x0a, 0x0d]) t[c] = B64_SPACE;
  t[0x5c] = B64_BACKSLASH;
  t[0x3d] = B64_PAD;
  for (const c of "0123456789abcdefABCDEF") t[c.charCodeAt(0)]! |= LOOSE_HEX_DIGIT;
  for (const c of " \t\n\r:,xX\\") t[c.charCodeAt(0)]! |= LOOSE_HEX_GO_ON;
  return t;
})();

/** Character classes of the hex scan: 0..15 a nibble, then: */
const HEX_SEPARATOR = 16;
const HEX_OTHER = 32;

const HEX = (() => {
  const t = new Uint8Array(128).fill(HEX_OTHER);
  for (let i = 0; i < 10; i++) t[0x30 + i] = i;
  for (let i = 0; i < 6; i++) {
    t[0x61 + i] = 10 + i;
    t[0x41 + i] = 10 + i;
  }
  for (const c of [0x20, 0x09, 0x0a, 0x0d, 0x3a, 0x2c]) t[c] = HEX_SEPARATOR;
  return t;
})();

/** Bytes that read as text: tab, line feed, carriage return, printable ASCII. */
const TEXT_BYTE = (() => {
  const t = new Uint8Array(256);
  t[9] = t[10] = t[13] = 1;
  for (let x = 0x20; x < 0x7f; x++) t[x] = 1;
  return t;
})();

/**
 * Scratch buffers reused across calls, one set per depth (a nested scan runs while its parent's are
 * in use): `digits` holds a scan's sextets or nibbles, `decoded` one alignment's bytes. Both are wiped
 * after each use; inputs larger than POOL_MAX get fresh buffers, so the pool stays small.
 */
const POOL_MAX = 64 * 1024;
const digitsPool: Uint8Array[] = [];
const decodedPool: Uint8Array[] = [];

function scratch(pool: Uint8Array[], depth: number, size: number): Uint8Array {
  if (size > POOL_MAX) return new Uint8Array(size);
  let buf = pool[depth];
  if (!buf || buf.length < size) {
    buf = new Uint8Array(Math.min(POOL_MAX, Math.max(size, 4096)));
    pool[depth] = buf;
  }
  return buf;
}

/** Sextets s[from..to) → bytes into `out`, ignoring a trailing partial byte; the byte count. */
function sextetsToBytes(s: Uint8Array, from: number, to: number, out: Uint8Array): number {
  const n = to - from;
  const whole = from + n - (n % 4);
  let o = 0;
  let i = from;
  for (; i < whole; i += 4) {
    const x = (s[i]! << 18) | (s[i + 1]! << 12) | (s[i + 2]! << 6) | s[i + 3]!;
    out[o] = x >> 16;
    out[o + 1] = (x >> 8) & 0xff;
    out[o + 2] = x & 0xff;
    o += 3;
  }
  const rest = to - i;
  if (rest >= 2) out[o++] = ((s[i]! << 2) | (s[i + 1]! >> 4)) & 0xff;
  if (rest === 3) out[o++] = ((s[i + 1]! << 4) | (s[i + 2]! >> 2)) & 0xff;
  return o;
}

/** Nibbles s[from..to) → bytes into `out`, ignoring a trailing odd nibble; the byte count. */
function nibblesToBytes(s: Uint8Array, from: number, to: number, out: Uint8Array): number {
  const n = Math.floor((to - from) / 2);
  for (let i = 0; i < n; i++) out[i] = (s[from + 2 * i]! << 4) | s[from + 2 * i + 1]!;
  return n;
}

/** At least 90% text bytes; stops as soon as too many others make that impossible. */
function mostlyText(b: Uint8Array): boolean {
  const size = b.length;
  if (size === 0) return false;
  const need = size * 0.9;
  let ok = 0;
  let i = 0;
  while (i < size) {
    const stop = Math.min(size, i + 64);
    for (; i < stop; i++) ok += TEXT_BYTE[b[i]!]!;
    // Even if every byte left were text, the total would fall short.
    if (ok + (size - i) < need) return false;
  }
  return ok >= need;
}

/** Decoded bytes: binary search, then (when they read as text) one level further down. */
function examineDecoded(bytes: Uint8Array, depth: number): KeyHit {
  try {
    const hit = findKeyInBinary(bytes);
    if (hit) return hit;
    if (depth < MAX_DEPTH && mostlyText(bytes)) return scanText(LATIN1.decode(bytes), depth + 1);
    return undefined;
  } finally {
    bytes.fill(0);
  }
}

/** A run of sextets: decoded at its four alignments (it may start with unrelated characters). */
function examineB64Run(s: Uint8Array, n: number, depth: number): KeyHit {
  if (n < MIN_B64_CHARS) return undefined;
  const out = scratch(decodedPool, depth, Math.floor((n * 6) / 8));
  for (let a = 0; a < 4; a++) {
    const hit = examineDecoded(out.subarray(0, sextetsToBytes(s, a, n, out)), depth);
    if (hit) return hit;
  }
  return undefined;
}

function examineHexRun(s: Uint8Array, n: number, depth: number): KeyHit {
  if (n < MIN_HEX_NIBBLES) return undefined;
  const out = scratch(decodedPool, depth, Math.floor(n / 2));
  for (let a = 0; a < 2; a++) {
    const hit = examineDecoded(out.subarray(0, nibblesToBytes(s, a, n, out)), depth);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * Whether the text scanB64 went through last has a loose hex run of MIN_HEX_NIBBLES digits or more:
 * without one scanHex cannot find anything. Set when scanB64 returns (after the scans it nests).
 */
let longHexRun = false;

/**
 * Base64 and base64url runs. Whitespace, line breaks and the JSON escapes `\n`, `\r`, `\t`
 * continue a run (wrapped PEM bodies, PEM pasted into JSON); "=" closes it; `\/` is "/".
 * The same pass measures the loose hex runs (see longHexRun): the characters it skips after
 * a backslash or "=" are never hex digits, so skipping them only makes those runs longer.
 */
function scanB64(text: string, depth: number): KeyHit {
  const size = text.length;
  const s = scratch(digitsPool, depth, size);
  let n = 0;
  let hexN = 0;
  let longHex = false;
  let hit: KeyHit;
  try {
    for (let i = 0; i < size; i++) {
      const c = text.charCodeAt(i);
      const cls = c < 128 ? B64[c]! : B64_OTHER;
      // Loose hex: a digit adds one, a separator keeps the count, anything else resets it (no branch).
      const h = cls >> 8;
      hexN = (hexN + (h & 1)) & -((h + 1) >> 1);
      if (hexN >= MIN_HEX_NIBBLES) longHex = true;
      const v = cls & 0xff;
      if (v < 64) {
        s[n++] = v;
        continue;
      }
      if (v === B64_SPACE) continue;
      if (v === B64_BACKSLASH) {
        const d = text.charCodeAt(i + 1);
        if (d === 0x6e || d === 0x72 || d === 0x74) {
          i++;
          continue;
        }
        if (d === 0x2f) {
          s[n++] = 63;
          i++;
          continue;
        }
      } else if (v === B64_PAD) {
        // Padding closes the run (and a second "=" after it).
        if (text.charCodeAt(i + 1) === 0x3d) i++;
      }
      if (n >= MIN_B64_CHARS) {
        hit = examineB64Run(s, n, depth);
        if (hit) break;
      }
      n = 0;
    }
    if (!hit) hit = examineB64Run(s, n, depth);
  } finally {
    s.fill(0, 0, size);
  }
  longHexRun = longHex;
  return hit;
}

/** Hex runs: digits, optionally separated by whitespace, ":" or "," and prefixed with 0x or \x. */
function scanHex(text: string, depth: number): KeyHit {
  const size = text.length;
  const s = scratch(digitsPool, depth, size);
  let n = 0;
  let hit: KeyHit;
  try {
    for (let i = 0; i < size; i++) {
      const c = text.charCodeAt(i);
      // A "0x" (at a byte boundary) or "\x" prefix before a digit: skipped. "x"/"X" is rare, so test it first.
      if ((text.charCodeAt(i + 1) | 0x20) === 0x78 && (c === 0x5c || (c === 0x30 && (n & 1) === 0))) {
        const d = text.charCodeAt(i + 2);
        if (d < 128 && HEX[d]! < 16) {
          i++;
          continue;
        }
      }
      const v = c < 128 ? HEX[c]! : HEX_OTHER;
      // Without branching on the class (base64 text is a third hex digits, at random): a digit is
      // stored and counted, a separator is stored over and not counted, anything else ends the run.
      if (v === HEX_OTHER && n >= MIN_HEX_NIBBLES) {
        hit = examineHexRun(s, n, depth);
        if (hit) break;
      }
      s[n] = v;
      n = (n + (((v >> 4) ^ 1) & 1)) & ((v >> 5) - 1);
    }
    if (!hit) hit = examineHexRun(s, n, depth);
  } finally {
    s.fill(0, 0, size);
  }
  return hit;
}

function scanText(text: string, depth: number): KeyHit {
  const hit = findKeyMarker(text) ?? scanB64(text, depth);
  if (hit !== undefined) return hit;
  // scanB64 just measured this text's hex runs: most text (PEM bodies included) has no long one.
  return longHexRun ? scanHex(text, depth) : undefined;
}

/** One character per byte: ASCII, which is all the patterns need, maps 1:1. */
const LATIN1 = new TextDecoder("latin1");

/**
 * Looks for private-key material anywhere in one file or archive entry, in any encoding.
 * Returns a description of what was found (never quoting the input), or undefined.
 *
 * @example
 * findKeyMaterial(new TextEncoder().encode(hexOfPkcs8)); // "a PKCS#8 private key"
 */
export function findKeyMaterial(bytes: Uint8Array): KeyHit {
  const binary = findKeyInBinary(bytes);
  if (binary) return binary;
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder("utf-16le").decode(bytes.subarray(2));
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder("utf-16be").decode(bytes.subarray(2));
  else text = LATIN1.decode(bytes);
  return scanText(text, 0);
}

/** The same search over text (a document part with its markup removed). */
export function findKeyMaterialInText(text: string): KeyHit {
  return scanText(text, 0);
}
