/**
 * Signature verification, signature only — never names or dates.
 *
 * Two engines, one behaviour. With Node's own WebCrypto (the default provider) a check runs
 * synchronously through `node:crypto`'s one-shot `verify()` over a cached `KeyObject`: the same
 * OpenSSL sign job `crypto.subtle.verify` runs, without the thread-pool round trip and the async
 * `importKey` (which also re-validates an EC point with a scalar multiplication per key). The key
 * checks WebCrypto's `importKey("spki")` makes are repeated here (see {@link nodeKey}). Any other
 * injected provider goes through its `crypto.subtle` as before.
 *
 * Why not an X509Certificate's own `verify()`: Node's `X509Certificate.verify(publicKey)` checks
 * only the signature, but it needs a KeyObject per call, gives no reason when it fails and lets
 * the caller decide neither the provider nor which algorithms and parameters are acceptable.
 * @peculiar/x509's `X509Certificate.verify()` (2.2.0) does mix in dates: unless called with
 * `signatureOnly: true` it also requires notBefore < date < notAfter (strictly, with `new Date()`
 * as the default date), which is not RFC 5280's inclusive validity period.
 *
 * Keys are cached by SPKI bytes (and, for WebCrypto, algorithm), so a CA that signs many
 * certificates in one call (or a trust anchor across calls) is decoded once.
 */
import { type KeyObject, constants, createPublicKey, verify as nodeVerify, webcrypto as nodeWebcrypto } from "node:crypto";
import { type ParsedCertificate } from "./certificate";
import { bytesEqual, children, concat, content, DerError, encodeOid, encodeSequence, encodeTlv, expectTag, oidAt, readTlv } from "./der";
import { LruCache } from "./lru";

type Hash = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512";

/** What a signature algorithm OID means for WebCrypto, or why we cannot check it. */
export type SignatureScheme =
  | { kind: "RSA"; hash: Hash }
  | { kind: "RSA-PSS"; hash: Hash; saltLength: number }
  | { kind: "ECDSA"; hash: Hash }
  | { kind: "Ed25519" }
  | { kind: "Ed448" }
  | { kind: "unsupported"; name: string };

export const SIGNATURE_ALGORITHMS: Record<string, { name: string; hash?: string }> = {
  "1.2.840.113549.1.1.2": { name: "md2WithRSAEncryption", hash: "MD2" },
  "1.2.840.113549.1.1.3": { name: "md4WithRSAEncryption", hash: "MD4" },
  "1.2.840.113549.1.1.4": { name: "md5WithRSAEncryption", hash: "MD5" },
  "1.2.840.113549.1.1.5": { name: "sha1WithRSAEncryption", hash: "SHA-1" },
  "1.3.14.3.2.29": { name: "sha1WithRSAEncryption", hash: "SHA-1" },
  "1.2.840.113549.1.1.14": { name: "sha224WithRSAEncryption", hash: "SHA-224" },
  "1.2.840.113549.1.1.11": { name: "sha256WithRSAEncryption", hash: "SHA-256" },
  "1.2.840.113549.1.1.12": { name: "sha384WithRSAEncryption", hash: "SHA-384" },
  "1.2.840.113549.1.1.13": { name: "sha512WithRSAEncryption", hash: "SHA-512" },
  "1.2.840.113549.1.1.10": { name: "rsassaPss" },
  "1.2.840.10045.4.1": { name: "ecdsa-with-SHA1", hash: "SHA-1" },
  "1.2.840.10045.4.3.1": { name: "ecdsa-with-SHA224", hash: "SHA-224" },
  "1.2.840.10045.4.3.2": { name: "ecdsa-with-SHA256", hash: "SHA-256" },
  "1.2.840.10045.4.3.3": { name: "ecdsa-with-SHA384", hash: "SHA-384" },
  "1.2.840.10045.4.3.4": { name: "ecdsa-with-SHA512", hash: "SHA-512" },
  "1.3.101.112": { name: "Ed25519" },
  "1.3.101.113": { name: "Ed448" },
  "1.2.840.10040.4.3": { name: "dsa-with-SHA1", hash: "SHA-1" },
  "2.16.840.1.101.3.4.3.2": { name: "dsa-with-SHA256", hash: "SHA-256" },
};

const HASH_OIDS: Record<string, Hash> = {
  "1.3.14.3.2.26": "SHA-1",
  "2.16.840.1.101.3.4.2.1": "SHA-256",
  "2.16.840.1.101.3.4.2.2": "SHA-384",
  "2.16.840.1.101.3.4.2.3": "SHA-512",
};

function pssParams(params: Uint8Array): { hash: Hash; saltLength: number } | undefined {
  // RSASSA-PSS-params: [0] hash (default SHA-1), [1] MGF1 (we require MGF1 with the same hash), [2] salt (default 20).
  let hash: Hash = "SHA-1";
  let mgfHash: Hash = "SHA-1";
  let saltLength = 20;
  if (params.length === 0) return { hash, saltLength };
  const seq = expectTag(readTlv(params, 0), 0x30, "RSASSA-PSS-params");
  for (const c of children(params, seq)) {
    const inner = readTlv(params, c.contentStart, c.end);
    if (c.tag === 0xa0) {
      const h = HASH_OIDS[oidAt(params, children(params, inner)[0]!)];
      if (!h) return undefined;
      hash = h;
    } else if (c.tag === 0xa1) {
      const [mgfOid, mgfAlg] = children(params, inner);
      if (oidAt(params, mgfOid!) !== "1.2.840.113549.1.1.8" || !mgfAlg) return undefined;
      const h = HASH_OIDS[oidAt(params, children(params, mgfAlg)[0]!)];
      if (!h) return undefined;
      mgfHash = h;
    } else if (c.tag === 0xa2) {
      saltLength = content(params, inner).reduce((n, x) => n * 256 + x, 0);
    }
  }
  // WebCrypto's RSA-PSS uses MGF1 with the message hash; a different MGF hash cannot be checked.
  if (mgfHash !== hash) return undefined;
  return { hash, saltLength };
}

export function signatureScheme(oid: string, params: Uint8Array): SignatureScheme {
  const known = SIGNATURE_ALGORITHMS[oid];
  const name = known?.name ?? oid;
  switch (oid) {
    case "1.2.840.113549.1.1.5":
    case "1.3.14.3.2.29":
    case "1.2.840.113549.1.1.11":
    case "1.2.840.113549.1.1.12":
    case "1.2.840.113549.1.1.13":
      return { kind: "RSA", hash: known!.hash as Hash };
    case "1.2.840.10045.4.1":
    case "1.2.840.10045.4.3.2":
    case "1.2.840.10045.4.3.3":
    case "1.2.840.10045.4.3.4":
      // RFC 5758: ECDSA AlgorithmIdentifiers have absent parameters; NULL is a known encoding bug we refuse.
      if (params.length) return { kind: "unsupported", name: `${name} with parameters` };
      return { kind: "ECDSA", hash: known!.hash as Hash };
    case "1.3.101.112":
      return { kind: "Ed25519" };
    case "1.3.101.113":
      return { kind: "Ed448" };
    case "1.2.840.113549.1.1.10": {
      try {
        const p = pssParams(params);
        return p ? { kind: "RSA-PSS", ...p } : { kind: "unsupported", name: "rsassaPss with unsupported parameters" };
      } catch {
        return { kind: "unsupported", name: "rsassaPss with malformed parameters" };
      }
    }
    default:
      return { kind: "unsupported", name };
  }
}

const CURVES: Record<string, { name: string; size: number }> = {
  "1.2.840.10045.3.1.7": { name: "P-256", size: 32 },
  "1.3.132.0.34": { name: "P-384", size: 48 },
  "1.3.132.0.35": { name: "P-521", size: 66 },
};

export function curveOf(spkiAlgParams: Uint8Array): { name: string; size: number } | undefined {
  try {
    const t = readTlv(spkiAlgParams, 0);
    if (t.tag !== 0x06) return undefined;
    return CURVES[oidAt(spkiAlgParams, t)];
  } catch {
    return undefined;
  }
}

function importParams(key: ParsedCertificate, scheme: SignatureScheme): (RsaHashedImportParams | EcKeyImportParams | Algorithm) | string {
  switch (scheme.kind) {
    case "RSA":
      if (key.spkiAlgOid !== "1.2.840.113549.1.1.1") return "issuer key is not an RSA key";
      return { name: "RSASSA-PKCS1-v1_5", hash: scheme.hash };
    case "RSA-PSS":
      // An rsaEncryption key may sign with PSS; an id-RSASSA-PSS key may only sign with PSS.
      if (key.spkiAlgOid !== "1.2.840.113549.1.1.1" && key.spkiAlgOid !== "1.2.840.113549.1.1.10") return "issuer key is not an RSA key";
      return { name: "RSA-PSS", hash: scheme.hash };
    case "ECDSA": {
      if (key.spkiAlgOid !== "1.2.840.10045.2.1") return "issuer key is not an EC key";
      const curve = curveOf(key.spkiAlgParams);
      if (!curve) return "issuer key uses an unsupported elliptic curve";
      return { name: "ECDSA", namedCurve: curve.name };
    }
    case "Ed25519":
      if (key.spkiAlgOid !== "1.3.101.112") return "issuer key is not an Ed25519 key";
      return { name: "Ed25519" };
    case "Ed448":
      if (key.spkiAlgOid !== "1.3.101.113") return "issuer key is not an Ed448 key";
      return { name: "Ed448" };
    case "unsupported":
      return `unsupported signature algorithm ${scheme.name}`;
  }
}

// Imported keys by (provider, algorithm, SPKI bytes): the same CA keys recur across uploads and calls,
// and SPKI import is the most expensive step of a verification after the signature math itself.
const keyCache = new LruCache<string, Promise<CryptoKey | string>>(256);
const cryptoIds = new WeakMap<Crypto, number>();
let nextCryptoId = 1;

function providerId(webcrypto: Crypto): number {
  let cid = cryptoIds.get(webcrypto);
  if (!cid) {
    cid = nextCryptoId++;
    cryptoIds.set(webcrypto, cid);
  }
  return cid;
}

function importKey(issuer: ParsedCertificate, scheme: SignatureScheme, webcrypto: Crypto): Promise<CryptoKey | string> {
  const params = importParams(issuer, scheme);
  if (typeof params === "string") return Promise.resolve(params);
  const cid = providerId(webcrypto);
  const spki = Buffer.from(issuer.spki.buffer, issuer.spki.byteOffset, issuer.spki.byteLength).toString("latin1");
  const id = `${cid}|${params.name}|${(params as { hash?: string }).hash ?? ""}|${(params as { namedCurve?: string }).namedCurve ?? ""}|${spki}`;
  let p = keyCache.get(id);
  if (!p) {
    p = webcrypto.subtle
      .importKey("spki", importableSpki(issuer) as BufferSource, params, false, ["verify"])
      .catch(() => "issuer public key cannot be imported (malformed or unsupported)");
    keyCache.set(id, p);
  }
  return p;
}

/**
 * WebCrypto (Node's included) refuses SPKIs labelled id-RSASSA-PSS. The key material is a plain
 * RSA key, so relabel it rsaEncryption for import; the PSS-only restriction is kept because
 * {@link importParams} only imports such keys for RSA-PSS signatures.
 */
function importableSpki(cert: ParsedCertificate): Uint8Array {
  if (cert.spkiAlgOid !== "1.2.840.113549.1.1.10") return cert.spki;
  const algorithm = encodeSequence([encodeOid("1.2.840.113549.1.1.1"), encodeTlv(0x05, new Uint8Array(0))]);
  return encodeSequence([algorithm, encodeTlv(0x03, concat([Uint8Array.of(0), cert.publicKeyBits]))]);
}

/** ECDSA-Sig-Value (DER) → IEEE P1363 r||s as WebCrypto wants. */
function ecdsaDerToRaw(sig: Uint8Array, size: number): Uint8Array | undefined {
  try {
    const seq = expectTag(readTlv(sig, 0), 0x30, "ECDSA-Sig-Value");
    if (seq.end !== sig.length) return undefined;
    const parts = children(sig, seq);
    if (parts.length !== 2) return undefined;
    const out = new Uint8Array(size * 2);
    for (let i = 0; i < 2; i++) {
      let v = content(sig, expectTag(parts[i], 0x02, "INTEGER"));
      while (v.length > 1 && v[0] === 0) v = v.subarray(1);
      if (v.length > size) return undefined;
      out.set(v, size * (i + 1) - v.length);
    }
    return out;
  } catch (e) {
    if (e instanceof DerError) return undefined;
    throw e;
  }
}

// ---- node:crypto engine (the default provider) ----

type NodeKey = { key: KeyObject; type: string | undefined; infinity: boolean } | undefined;
const nodeKeys = new LruCache<string, NodeKey>(256);

/**
 * `createPublicKey` over SPKI DER, cached by its bytes; undefined when OpenSSL cannot decode it.
 * `infinity`: an EC key whose point is the point at infinity (the one-byte encoding 00), which
 * OpenSSL decodes but WebCrypto's import refuses (and which must never reach a P1363 verify:
 * Node aborts on it).
 */
export function nodeKey(spki: Uint8Array): NodeKey {
  const id = latin1Of(spki);
  if (nodeKeys.has(id)) return nodeKeys.get(id);
  let entry: NodeKey;
  try {
    const key = canonicalEcKey(spki) ?? createPublicKey({ key: Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength), format: "der", type: "spki" });
    const type = key.asymmetricKeyType;
    entry = { key, type, infinity: type === "ec" && spkiPointIsInfinity(spki) };
  } catch {
    entry = undefined;
  }
  nodeKeys.set(id, entry);
  return entry;
}

// The exact DER of a named-curve EC SPKI up to the point (SEQUENCE, ecPublicKey + curve OID, BIT
// STRING with no unused bits), then 04 || X || Y. OpenSSL 3's SPKI decoder takes ~2× as long as
// building the same key from its coordinates, and the two accept the same keys (a point on the
// curve with coordinates below p; the JWK path also multiplies by the order, which a prime-order
// curve's points pass). Anything else (compressed points, other encodings) goes through the decoder.
const EC_SPKI_PREFIXES = [
  { crv: "P-256", size: 32, prefix: Buffer.from("3059301306072a8648ce3d020106082a8648ce3d030107034200", "hex") },
  { crv: "P-384", size: 48, prefix: Buffer.from("3076301006072a8648ce3d020106052b81040022036200", "hex") },
  { crv: "P-521", size: 66, prefix: Buffer.from("30819b301006072a8648ce3d020106052b8104002303818600", "hex") },
];

function canonicalEcKey(spki: Uint8Array): KeyObject | undefined {
  for (const { crv, size, prefix } of EC_SPKI_PREFIXES) {
    if (spki.length !== prefix.length + 1 + 2 * size || spki[prefix.length] !== 0x04) continue;
    const b = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength);
    if (!b.subarray(0, prefix.length).equals(prefix)) continue;
    const x = b.subarray(prefix.length + 1, prefix.length + 1 + size).toString("base64url");
    const y = b.subarray(prefix.length + 1 + size).toString("base64url");
    try {
      return createPublicKey({ key: { kty: "EC", crv, x, y }, format: "jwk" });
    } catch {
      return undefined; // the DER decoder has the last word
    }
  }
  return undefined;
}

function spkiPointIsInfinity(spki: Uint8Array): boolean {
  try {
    const [, bits] = children(spki, readTlv(spki, 0));
    const point = content(spki, bits!).subarray(1);
    return point.length === 1 && point[0] === 0;
  } catch {
    return false;
  }
}

const NODE_KEY_TYPE: Record<Exclude<SignatureScheme["kind"], "unsupported">, string> = { RSA: "rsa", "RSA-PSS": "rsa", ECDSA: "ec", Ed25519: "ed25519", Ed448: "ed448" };
const nodeHash = (h: Hash) => h.replace("-", "").toLowerCase();
const IMPORT_FAILED = "issuer public key cannot be imported (malformed or unsupported)";

/**
 * The node:crypto twin of the WebCrypto path below: same acceptance of keys (importKey("spki")
 * checks: decodable, the key type the algorithm needs, a named curve matching the SPKI, a valid
 * EC point), same signature conversion, same OpenSSL verification, same reasons.
 */
function verifyWithNode(opts: { signed: Uint8Array; signature: Uint8Array; issuer: ParsedCertificate }, scheme: SignatureScheme): SignatureCheck {
  const params = importParams(opts.issuer, scheme);
  if (typeof params === "string") return { ok: false, reason: params };
  if (scheme.kind === "unsupported") return { ok: false, reason: `unsupported signature algorithm ${scheme.name}` };
  const k = nodeKey(importableSpki(opts.issuer));
  // WebCrypto checks the key type after decoding and refuses an EC point it cannot validate. The
  // named curve always matches: importParams took it from the same SPKI parameters OpenSSL decodes.
  if (!k || k.type !== NODE_KEY_TYPE[scheme.kind] || k.infinity) return { ok: false, reason: IMPORT_FAILED };
  let ok: boolean;
  try {
    switch (scheme.kind) {
      case "RSA":
        ok = nodeVerify(nodeHash(scheme.hash), opts.signed, { key: k.key, padding: constants.RSA_PKCS1_PADDING }, opts.signature);
        break;
      case "RSA-PSS":
        ok = nodeVerify(nodeHash(scheme.hash), opts.signed, { key: k.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.saltLength }, opts.signature);
        break;
      case "ECDSA": {
        const raw = ecdsaDerToRaw(opts.signature, curveOf(opts.issuer.spkiAlgParams)!.size);
        if (!raw) return { ok: false, reason: "signature value is not a valid ECDSA signature encoding" };
        ok = nodeVerify(nodeHash(scheme.hash), opts.signed, { key: k.key, dsaEncoding: "ieee-p1363" }, raw);
        break;
      }
      case "Ed25519":
      case "Ed448":
        ok = nodeVerify(null, opts.signed, k.key, opts.signature);
        break;
    }
  } catch {
    return { ok: false, reason: "signature could not be checked (malformed signature or key)" };
  }
  return ok ? { ok: true } : { ok: false, reason: "signature does not verify with the issuer's public key" };
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks that `signature` over `signed` was made by `issuer`'s key with the given algorithm.
 * Never throws: an unusable key or algorithm is a failed check with a reason.
 */
export async function verifySignature(opts: {
  signed: Uint8Array;
  signature: Uint8Array;
  sigAlgOid: string;
  sigAlgParams: Uint8Array;
  issuer: ParsedCertificate;
  crypto: Crypto;
}): Promise<SignatureCheck> {
  const scheme = signatureScheme(opts.sigAlgOid, opts.sigAlgParams);
  if (opts.crypto === nodeWebcrypto) return verifyWithNode(opts, scheme);
  const key = await importKey(opts.issuer, scheme, opts.crypto);
  if (typeof key === "string") return { ok: false, reason: key };
  let sig: Uint8Array | undefined = opts.signature;
  let algorithm: Algorithm | EcdsaParams | RsaPssParams;
  switch (scheme.kind) {
    case "RSA":
      algorithm = { name: "RSASSA-PKCS1-v1_5" };
      break;
    case "RSA-PSS":
      algorithm = { name: "RSA-PSS", saltLength: scheme.saltLength } as RsaPssParams;
      break;
    case "ECDSA": {
      const curve = curveOf(opts.issuer.spkiAlgParams)!;
      sig = ecdsaDerToRaw(opts.signature, curve.size);
      algorithm = { name: "ECDSA", hash: scheme.hash } as EcdsaParams;
      break;
    }
    case "Ed25519":
    case "Ed448":
      algorithm = { name: scheme.kind };
      break;
    case "unsupported":
      return { ok: false, reason: `unsupported signature algorithm ${scheme.name}` };
  }
  if (!sig) return { ok: false, reason: "signature value is not a valid ECDSA signature encoding" };
  try {
    const ok = await opts.crypto.subtle.verify(algorithm, key, sig as BufferSource, opts.signed as BufferSource);
    return ok ? { ok: true } : { ok: false, reason: "signature does not verify with the issuer's public key" };
  } catch {
    return { ok: false, reason: "signature could not be checked (malformed signature or key)" };
  }
}

// CA-over-CA signature results recur across uploads (every partner of one CA uploads the same
// intermediate): remember them, keyed by provider, the child's full DER and the issuer's SPKI.
// Leaf signatures are unique per upload and are not remembered.
const caResults = new LruCache<string, Promise<SignatureCheck>>(512);

function latin1Of(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
}


/**
 * Inspection's self-signature check (CertificateInfo.selfSigned): OpenSSL over the SPKI and the
 * signature exactly as given (an ECDSA signature in its DER form), without the validator's
 * algorithm policy. Where the two provably agree — a supported scheme, a key the validator
 * accepts for it, the SPKI as given, and an ECDSA signature in canonical DER — the answer is the
 * validator's own check, remembered for CA certificates, so a root's self-signature is verified
 * once for inspection and path validation together.
 */
export function selfSignatureAsGiven(cert: ParsedCertificate): boolean {
  const scheme = signatureScheme(cert.sigAlgOid, cert.sigAlgParams);
  if (scheme.kind === "unsupported") return false;
  if (sameAsValidator(cert, scheme)) return nodeCertificateCheck(cert, cert).ok;
  try {
    const key = nodeKey(cert.spki)?.key;
    if (!key) return false;
    switch (scheme.kind) {
      case "Ed25519":
      case "Ed448":
        return nodeVerify(null, cert.tbs, key, cert.signature);
      case "RSA":
      case "ECDSA":
        return nodeVerify(nodeHash(scheme.hash), cert.tbs, key, cert.signature);
      case "RSA-PSS":
        return nodeVerify(nodeHash(scheme.hash), cert.tbs, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.saltLength }, cert.signature);
    }
  } catch {
    return false;
  }
}

function sameAsValidator(cert: ParsedCertificate, scheme: Exclude<SignatureScheme, { kind: "unsupported" }>): boolean {
  if (cert.spkiAlgOid === "1.2.840.113549.1.1.10" || typeof importParams(cert, scheme) === "string") return false;
  const k = nodeKey(cert.spki);
  if (!k || k.infinity || k.type !== NODE_KEY_TYPE[scheme.kind]) return false;
  if (scheme.kind !== "ECDSA") return true;
  // OpenSSL reads a DER ECDSA-Sig-Value strictly (and compares its re-encoding); ecdsaDerToRaw is
  // lenient about leading zeros and signs. Only a canonical encoding means the same (r, s) to both.
  const raw = ecdsaDerToRaw(cert.signature, curveOf(cert.spkiAlgParams)!.size);
  return raw !== undefined && bytesEqual(ecdsaRawToDer(raw), cert.signature);
}

function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const int = (v: Uint8Array) => {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    const body = v.subarray(i);
    return encodeTlv(0x02, body[0]! & 0x80 ? concat([Uint8Array.of(0), body]) : body);
  };
  return encodeSequence([int(raw.subarray(0, half)), int(raw.subarray(half))]);
}

const nodeCaResults = new LruCache<string, SignatureCheck>(512);
// The same pair of parsed objects asks again on every upload through one CA (parses are shared
// per content): answered by identity first, without building the content key.
const nodeCaByObject = new WeakMap<ParsedCertificate, WeakMap<ParsedCertificate, SignatureCheck>>();

/** {@link verifyCertificateSignature} on the node:crypto engine, synchronously; CA results remembered as there. */
function nodeCertificateCheck(child: ParsedCertificate, issuer: ParsedCertificate): SignatureCheck {
  const run = () => verifyWithNode({ signed: child.tbs, signature: child.signature, issuer }, signatureScheme(child.sigAlgOid, child.sigAlgParams));
  if (!child.basicConstraints?.ca) return run();
  let byIssuer = nodeCaByObject.get(child);
  const seen = byIssuer?.get(issuer);
  if (seen) return seen;
  const key = `${latin1Of(issuer.spki)}|${latin1Of(child.der)}`;
  let r = nodeCaResults.get(key);
  if (!r) {
    r = run();
    nodeCaResults.set(key, r);
  }
  if (!byIssuer) nodeCaByObject.set(child, (byIssuer = new WeakMap()));
  byIssuer.set(issuer, r);
  return r;
}

/** Verifies `child`'s signature with `issuer`'s key (signature only; no names or dates). */
export function verifyCertificateSignature(child: ParsedCertificate, issuer: ParsedCertificate, crypto: Crypto): Promise<SignatureCheck> {
  if (crypto === nodeWebcrypto) return Promise.resolve(nodeCertificateCheck(child, issuer));
  const run = () => verifySignature({ signed: child.tbs, signature: child.signature, sigAlgOid: child.sigAlgOid, sigAlgParams: child.sigAlgParams, issuer, crypto });
  if (!child.basicConstraints?.ca) return run();
  const key = `${providerId(crypto)}|${latin1Of(issuer.spki)}|${latin1Of(child.der)}`;
  let p = caResults.get(key);
  if (!p) {
    p = run();
    caResults.set(key, p);
  }
  return p;
}
