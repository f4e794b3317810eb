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
 * the one above). Decoded copies are wiped before they are dropped.
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

type Hdr = { tag: number; cs: number; end: number };

/** One definite-length DER header at `p`, fully inside `limit`; never follows indefinite lengths. */
function hdr(b: Uint8Array, p: number, limit: number): Hdr | undefined {
  if (p + 2 > limit) return undefined;
  const tag = b[p]!;
  if ((tag & 0x1f) === 0x1f) return undefined;
  const first = b[p + 1]!;
  let q = p + 2;
  let len = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 3 || q + n > limit) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[q + i]!;
    q += n;
  }
  const end = q + len;
  if (end > limit) return undefined;
  return { tag, cs: q, end };
}

/** Up to MAX_KIDS children that exactly fill `t`; undefined when broken or more. */
function kids(b: Uint8Array, t: Hdr): Hdr[] | undefined {
  if ((t.tag & 0x20) === 0) return undefined;
  const out: Hdr[] = [];
  let p = t.cs;
  while (p < t.end) {
    if (out.length === MAX_KIDS) return undefined;
    const c = hdr(b, p, t.end);
    if (!c) return undefined;
    out.push(c);
    p = c.end;
  }
  return out;
}

const len = (t: Hdr | undefined): number => (t ? t.end - t.cs : -1);
const isInt = (t: Hdr | undefined): t is Hdr => t?.tag === 0x02;

function small(b: Uint8Array, t: Hdr | undefined): number | undefined {
  if (!isInt(t) || len(t) !== 1) return undefined;
  return b[t.cs];
}

function startsWithBytes(b: Uint8Array, p: number, prefix: readonly number[]): boolean {
  if (p + prefix.length > b.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[p + i] !== prefix[i]) return false;
  return true;
}

/** AlgorithmIdentifier: SEQUENCE whose first child is an OID; the OID's content offset. */
function algorithmOid(b: Uint8Array, t: Hdr | undefined): Hdr | undefined {
  if (t?.tag !== 0x30) return undefined;
  const oid = hdr(b, t.cs, t.end);
  return oid?.tag === 0x06 && len(oid) >= 3 ? oid : undefined;
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
  const first = b[p + 1]!;
  const n = first & 0x80 ? first & 0x7f : 0;
  if (n > 3 || p + 2 + n > b.length) return undefined;
  let declared = first & 0x80 ? 0 : first;
  for (let i = 0; i < n; i++) declared = declared * 256 + b[p + 2 + i]!;
  const cs = p + 2 + n;
  if (n === 0 && first & 0x80) return undefined;
  if (cs + declared <= b.length || declared > 64 * 1024) return undefined;
  const v = hdr(b, cs, b.length);
  if (!isInt(v) || len(v) !== 1 || b[v.cs]! > 1) return undefined;
  const second = hdr(b, v.end, b.length);
  if (isInt(second) && len(second) >= 64) {
    const e = hdr(b, second.end, b.length);
    if (isInt(e) && len(e) <= 8) return "the start of an RSA private key (PKCS#1), cut short";
  }
  if (algorithmOid(b, second) && second) {
    const octet = b[second.end];
    const octetLen = b[second.end + 1];
    if (octet === 0x04 && octetLen !== undefined && (octetLen >= 16 || octetLen >= 0x81)) return "the start of a PKCS#8 private key, cut short";
  }
  return undefined;
}

/** A complete private-key structure starting at `p` (b[p] === 0x30), judged strictly. */
function keyAt(b: Uint8Array, p: number): KeyHit {
  if (b[p + 1] === 0x80) return undefined;
  const top = hdr(b, p, b.length);
  if (!top) return keyStartAt(b, p);
  if (top.end - p < MIN_DECODED) return undefined;
  const c = kids(b, top);
  if (!c || c.length < 2) return undefined;
  const v = small(b, c[0]);
  // PKCS#8 PrivateKeyInfo / OneAsymmetricKey: version 0|1, algorithm, OCTET STRING key, [0] attributes?, [1] public key?
  if ((v === 0 || v === 1) && c.length <= 5 && algorithmOid(b, c[1]) && c[2]?.tag === 0x04 && len(c[2]) >= 16) {
    return "a PKCS#8 private key";
  }
  // EncryptedPrivateKeyInfo: a password-based encryption algorithm (PKCS#5 / PKCS#12), OCTET STRING.
  if (c.length === 2 && c[1]!.tag === 0x04 && len(c[1]) >= 16) {
    const oid = algorithmOid(b, c[0]);
    if (oid && (startsWithBytes(b, oid.cs, PKCS5) || startsWithBytes(b, oid.cs, PKCS12_PBE))) return "an encrypted PKCS#8 private key";
  }
  // PKCS#1 RSAPrivateKey: version, n, e, d, p, q, dp, dq, qinv (+ otherPrimeInfos).
  if ((v === 0 || v === 1) && c.length >= 9 && c.slice(0, 9).every(isInt) && len(c[1]) >= 32) return "an RSA private key (PKCS#1)";
  // OpenSSL's DSA private key: 0, p, q, g, y, x.
  if (v === 0 && c.length === 6 && c.every(isInt) && len(c[1]) >= 32) return "a DSA private key";
  // SEC 1 ECPrivateKey: 1, OCTET STRING scalar, [0] parameters?, [1] public key?
  if (v === 1 && c[1]!.tag === 0x04 && len(c[1]) >= 16 && len(c[1]) <= 80 && c.length <= 4 && c.slice(2).every((t) => t.tag === 0xa0 || t.tag === 0xa1)) {
    return "an EC private key (SEC 1)";
  }
  // PKCS#12 PFX: version 3, authSafe ContentInfo (PKCS#7 data), macData?.
  if (v === 3 && c.length <= 3 && c[1]!.tag === 0x30) {
    const oid = hdr(b, c[1]!.cs, c[1]!.end);
    if (oid?.tag === 0x06 && startsWithBytes(b, oid.cs, PKCS7)) return "a PKCS#12 / PFX bundle";
  }
  return undefined;
}

/**
 * The middle or end of an RSA/DSA private key whose start is missing (the second half of a
 * PEM body): four or more INTEGERs back to back, three of them large. Public structures
 * never have that (an RSA public key has two, DSA parameters three).
 */
function integerRunAt(b: Uint8Array, p: number): KeyHit {
  let n = 0;
  let big = 0;
  let longest = 0;
  let q = p;
  for (let i = 0; i < 12; i++) {
    const t = hdr(b, q, b.length);
    if (!isInt(t)) break;
    n++;
    // Key integers are large, positive and minimally encoded (a leading 00 only before a high bit).
    const l = len(t);
    const first = b[t.cs]!;
    if (l >= 20 && first < 0x80 && (first !== 0 || b[t.cs + 1]! >= 0x80)) {
      big++;
      longest = Math.max(longest, l);
    }
    q = t.end;
  }
  // RSA's primes and DSA's g and y are 64 bytes or more for any key still in use.
  return n >= 4 && big >= 3 && longest >= 64 ? "the integers of an RSA or DSA private key (part of a key)" : undefined;
}

/** The end of an EC private key (SEC 1): the scalar's OCTET STRING followed by [0] curve OID or [1] public point. */
function ecTailAt(b: Uint8Array, p: number): KeyHit {
  const s = hdr(b, p, b.length);
  if (!s || len(s) < 24 || len(s) > 72) return undefined;
  const next = hdr(b, s.end, b.length);
  if (!next) return undefined;
  const inner = hdr(b, next.cs, next.end);
  // Curve OIDs are 5 to 9 bytes under 1.2 or 1.3; public points are uncompressed (04) or compressed (02/03).
  if (next.tag === 0xa0 && inner?.tag === 0x06 && inner.end === next.end && len(inner) >= 5 && len(inner) <= 9 && (b[inner.cs] === 0x2a || b[inner.cs] === 0x2b)) {
    return "the private scalar of an EC private key (part of a key)";
  }
  const point = inner ? b[inner.cs + 1] : undefined;
  if (next.tag === 0xa1 && inner?.tag === 0x03 && inner.end === next.end && len(inner) >= 33 && b[inner.cs] === 0 && (point === 2 || point === 3 || point === 4)) {
    return "the private scalar of an EC private key (part of a key)";
  }
  return undefined;
}

const OPENSSH = [...new TextEncoder().encode("openssh-key-v1\0")];
const PVK = [0x1e, 0xf1, 0xb5, 0xb0];
const RSA2 = [0x52, 0x53, 0x41, 0x32];
const DSS2 = [0x44, 0x53, 0x53, 0x32];

/** Searches binary data at every offset for key structures and key-file magic numbers. */
export function findKeyInBinary(b: Uint8Array): KeyHit {
  for (let p = 0; p + 4 <= b.length; p++) {
    const x = b[p]!;
    let hit: KeyHit;
    if (x === 0x30) hit = keyAt(b, p);
    else if (x === 0x02) hit = integerRunAt(b, p);
    else if (x === 0x04) hit = ecTailAt(b, p);
    else if (x === 0x6f && startsWithBytes(b, p, OPENSSH)) hit = "an OpenSSH private key";
    // PVK header: magic, reserved 0, key type 1 (exchange) or 2 (signature), encrypted flag 0 or 1.
    else if (x === 0x1e && startsWithBytes(b, p, PVK) && startsWithBytes(b, p + 4, [0, 0, 0, 0]) && (b[p + 8] === 1 || b[p + 8] === 2) && b[p + 12]! <= 1) {
      hit = "a Microsoft PVK private key";
    }
    // PRIVATEKEYBLOB (CryptoAPI): bType 7, bVersion 2, reserved 0, algorithm, then "RSA2"/"DSS2".
    else if (x === 0x07 && b[p + 1] === 0x02 && b[p + 2] === 0 && b[p + 3] === 0 && (startsWithBytes(b, p + 8, RSA2) || startsWithBytes(b, p + 8, DSS2))) {
      hit = "a Microsoft private key blob";
    }
    if (hit) return hit;
  }
  return undefined;
}

// Bounded repetitions only (linear on a megabyte of dashes or spaces).
const ARMOUR_RE = /-{2,5} ?(?:BEGIN|END) [A-Z0-9 ]{0,40}PRIVATE KEY|PuTTY-User-Key-File-\d|-{2,5} ?BEGIN SSH2 ENCRYPTED PRIVATE KEY/;
/** A JSON Web Key's private member "d" (also inside a JSON string, with escaped quotes) beside a key member. */
const JWK_D_RE = /\\?"d\\?"\s{0,8}:\s{0,8}\\?"[A-Za-z0-9_\-+/=]{16}/;
const JWK_KEY_RE = /\\?"(?:kty|crv|n|x|e)\\?"\s{0,8}:/;

/** Text markers of a key: PEM private-key armour (loose), PuTTY's header, a JWK with "d". */
function findKeyMarker(text: string): KeyHit {
  const m = ARMOUR_RE.exec(text);
  if (m) return m[0].startsWith("PuTTY") ? "a PuTTY private key file" : "PEM private-key armour";
  if (JWK_D_RE.test(text) && JWK_KEY_RE.test(text)) return "a JSON Web Key with its private part";
  return undefined;
}

const B64 = (() => {
  const t = new Int8Array(128).fill(-1);
  const a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < a.length; i++) t[a.charCodeAt(i)] = i;
  t[0x2d] = 62; // base64url "-"
  t[0x5f] = 63; // base64url "_"
  return t;
})();

const HEX = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < 10; i++) t[0x30 + i] = i;
  for (let i = 0; i < 6; i++) {
    t[0x61 + i] = 10 + i;
    t[0x41 + i] = 10 + i;
  }
  return t;
})();

/** Sextets (0..63) → bytes, ignoring a trailing partial byte. */
function sextetsToBytes(s: Uint8Array, from: number, to: number): Uint8Array {
  const n = to - from;
  const out = new Uint8Array(Math.floor((n * 6) / 8));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = from; i < to; i++) {
    acc = ((acc << 6) | s[i]!) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

function nibblesToBytes(s: Uint8Array, from: number, to: number): Uint8Array {
  const out = new Uint8Array(Math.floor((to - from) / 2));
  for (let i = 0; i < out.length; i++) out[i] = (s[from + 2 * i]! << 4) | s[from + 2 * i + 1]!;
  return out;
}

function mostlyText(b: Uint8Array): boolean {
  if (b.length === 0) return false;
  let ok = 0;
  for (let i = 0; i < b.length; i++) {
    const x = b[i]!;
    if (x === 9 || x === 10 || x === 13 || (x >= 0x20 && x < 0x7f)) ok++;
  }
  return ok >= b.length * 0.9;
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
  for (let a = 0; a < 4; a++) {
    const hit = examineDecoded(sextetsToBytes(s, a, n), depth);
    if (hit) return hit;
  }
  return undefined;
}

function examineHexRun(s: Uint8Array, n: number, depth: number): KeyHit {
  if (n < MIN_HEX_NIBBLES) return undefined;
  for (let a = 0; a < 2; a++) {
    const hit = examineDecoded(nibblesToBytes(s, a, n), depth);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * Base64 and base64url runs. Whitespace, line breaks and the JSON escapes `\n`, `\r`, `\t`
 * continue a run (wrapped PEM bodies, PEM pasted into JSON); "=" closes it; `\/` is "/".
 */
function scanB64(text: string, depth: number): KeyHit {
  const s = new Uint8Array(text.length);
  let n = 0;
  let hit: KeyHit;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? B64[c]! : -1;
    if (v >= 0) {
      s[n++] = v;
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (c === 0x5c) {
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
    }
    if (c === 0x3d) {
      // Padding closes the run (and a second "=" after it).
      if (text.charCodeAt(i + 1) === 0x3d) i++;
    }
    hit = examineB64Run(s, n, depth);
    if (hit) break;
    n = 0;
  }
  if (!hit) hit = examineB64Run(s, n, depth);
  s.fill(0);
  return hit;
}

/** Hex runs: digits, optionally separated by whitespace, ":" or "," and prefixed with 0x or \x. */
function scanHex(text: string, depth: number): KeyHit {
  const s = new Uint8Array(text.length);
  let n = 0;
  let hit: KeyHit;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if ((c === 0x30 || c === 0x5c) && (next === 0x78 || next === 0x58) && (HEX[text.charCodeAt(i + 2)] ?? -1) >= 0 && (c === 0x5c || n % 2 === 0)) {
      i++;
      continue;
    }
    const v = c < 128 ? HEX[c]! : -1;
    if (v >= 0) {
      s[n++] = v;
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x3a || c === 0x2c) continue;
    hit = examineHexRun(s, n, depth);
    if (hit) break;
    n = 0;
  }
  if (!hit) hit = examineHexRun(s, n, depth);
  s.fill(0);
  return hit;
}

function scanText(text: string, depth: number): KeyHit {
  return findKeyMarker(text) ?? scanB64(text, depth) ?? scanHex(text, depth);
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
