/**
 * Signature verification over raw WebCrypto, signature only — never names or dates. (Node's
 * `X509Certificate.verify(publicKey)` also checks only the signature; we do not use it because
 * it needs a KeyObject per call, gives no reason when it fails, and does not let the caller
 * inject the crypto provider or decide which algorithms and parameters are acceptable.)
 *
 * Imported keys are cached per issuer certificate and algorithm, so a CA that signs many
 * certificates in one call (or a trust anchor across calls) is imported once.
 */
import { type ParsedCertificate } from "./certificate";
import { DerError, children, concat, content, decodeOid, encodeOid, encodeSequence, encodeTlv, expectTag, readTlv } from "./der";

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
      const h = HASH_OIDS[decodeOid(content(params, children(params, inner)[0]!))];
      if (!h) return undefined;
      hash = h;
    } else if (c.tag === 0xa1) {
      const [mgfOid, mgfAlg] = children(params, inner);
      if (decodeOid(content(params, mgfOid!)) !== "1.2.840.113549.1.1.8" || !mgfAlg) return undefined;
      const h = HASH_OIDS[decodeOid(content(params, children(params, mgfAlg)[0]!))];
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
    return CURVES[decodeOid(content(spkiAlgParams, t))];
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
const keyCache = new Map<string, Promise<CryptoKey | string>>();
const KEY_CACHE_LIMIT = 2048;
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
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value!);
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
const caResults = new Map<string, Promise<SignatureCheck>>();
const CA_RESULT_LIMIT = 4096;

function latin1Of(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
}

/** Verifies `child`'s signature with `issuer`'s key (signature only; no names or dates). */
export function verifyCertificateSignature(child: ParsedCertificate, issuer: ParsedCertificate, crypto: Crypto): Promise<SignatureCheck> {
  const run = () => verifySignature({ signed: child.tbs, signature: child.signature, sigAlgOid: child.sigAlgOid, sigAlgParams: child.sigAlgParams, issuer, crypto });
  if (!child.basicConstraints?.ca) return run();
  const key = `${providerId(crypto)}|${latin1Of(issuer.spki)}|${latin1Of(child.der)}`;
  let p = caResults.get(key);
  if (!p) {
    p = run();
    if (caResults.size >= CA_RESULT_LIMIT) caResults.delete(caResults.keys().next().value!);
    caResults.set(key, p);
  }
  return p;
}
