/**
 * The signer seam: everything Certdesk's CA signs (CA certificates, partners' certificates,
 * CRLs) goes through a {@link CaSigner}. The private key stays behind it — in AWS KMS, or in
 * a non-extractable WebCrypto key locally — so the issuance code never holds key bytes.
 *
 * `@peculiar/x509`'s generators take a WebCrypto `Crypto` and a `CryptoKey`; they only call
 * `crypto.subtle.sign(algorithm, key, tbs)` (and `getRandomValues` when no serial is given).
 * {@link signingCrypto} gives them an object of that shape whose `sign` calls the signer, so
 * one issuance path serves both implementations.
 */
import "reflect-metadata";

/** The CA key types Certdesk supports, named as KMS names key specs. */
export const CA_KEY_SPECS = ["RSA_2048", "ECC_NIST_P256"] as const;
export type CaKeySpec = (typeof CA_KEY_SPECS)[number];

/** The WebCrypto algorithm a key spec signs with (always SHA-256). */
export function signingAlgorithmOf(spec: CaKeySpec): RsaHashedImportParams | EcKeyImportParams & { hash: string } {
  switch (spec) {
    case "RSA_2048":
      return { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
    case "ECC_NIST_P256":
      return { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
    default: {
      const never: never = spec;
      throw new Error(`unknown CA key spec ${String(never)}`);
    }
  }
}

export type CaSigner = {
  /** The key's type; the signature is always over SHA-256. */
  readonly algorithm: CaKeySpec;
  /** The public key, DER SubjectPublicKeyInfo. */
  publicKeySpki(): Promise<Uint8Array>;
  /**
   * Signs `data` (the DER to be signed, hashed with SHA-256 by the implementation).
   * RSA: PKCS #1 v1.5 signature. ECDSA: raw r‖s (WebCrypto's shape), 64 bytes for P-256.
   */
  sign(data: Uint8Array): Promise<Uint8Array>;
  /** Where the key lives, for logs and docs: "kms:<arn>" or "local:<file>". Never key material. */
  readonly describe: string;
};

/**
 * A WebCrypto-shaped `Crypto` and `CryptoKey` through which `@peculiar/x509`'s generators
 * sign with `signer`. Only `subtle.sign` and `getRandomValues` are implemented: anything else
 * the generators might call fails loudly instead of silently using another key.
 */
export function signingCrypto(signer: CaSigner): { crypto: Crypto; signingKey: CryptoKey; signingAlgorithm: Algorithm } {
  const params = signingAlgorithmOf(signer.algorithm);
  const keyAlgorithm =
    params.name === "ECDSA"
      ? { name: "ECDSA", namedCurve: "P-256" }
      : { name: "RSASSA-PKCS1-v1_5", hash: { name: "SHA-256" }, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) };
  const signingKey = { type: "private", extractable: false, algorithm: keyAlgorithm, usages: ["sign"] } as unknown as CryptoKey;
  const unsupported = (name: string) => () => {
    throw new Error(`signingCrypto: ${name} is not available through a CA signer`);
  };
  const subtle = {
    sign: async (_algorithm: unknown, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer> => {
      if (key !== signingKey) throw new Error("signingCrypto: asked to sign with a key that is not the CA's");
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      const signature = await signer.sign(bytes);
      return signature.slice().buffer as ArrayBuffer;
    },
    digest: (algorithm: AlgorithmIdentifier, data: BufferSource) => globalThis.crypto.subtle.digest(algorithm, data),
    exportKey: unsupported("exportKey"),
    importKey: unsupported("importKey"),
    verify: unsupported("verify"),
    generateKey: unsupported("generateKey"),
  };
  const crypto = {
    subtle,
    getRandomValues: (array: Uint8Array<ArrayBuffer>) => globalThis.crypto.getRandomValues(array),
    randomUUID: () => globalThis.crypto.randomUUID(),
  } as unknown as Crypto;
  return { crypto, signingKey, signingAlgorithm: { name: params.name, hash: "SHA-256", ...(params.name === "ECDSA" ? { namedCurve: "P-256" } : {}) } as Algorithm };
}

/**
 * DER `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (what KMS and OpenSSL return)
 * to WebCrypto's raw r‖s, each left-padded to `size` bytes (32 for P-256).
 */
export function derEcdsaToRaw(der: Uint8Array, size = 32): Uint8Array {
  let at = 0;
  const fail = (why: string): never => {
    throw new Error(`not a DER ECDSA signature: ${why}`);
  };
  const length = (): number => {
    const first = der[at++] ?? fail("truncated");
    if (first < 0x80) return first;
    const n = first & 0x7f;
    if (n < 1 || n > 2) fail("bad length");
    let value = 0;
    for (let i = 0; i < n; i++) value = (value << 8) | (der[at++] ?? fail("truncated"));
    return value;
  };
  if (der[at++] !== 0x30) fail("no SEQUENCE");
  const seqLength = length();
  if (at + seqLength !== der.length) fail("trailing or missing bytes");
  const out = new Uint8Array(size * 2);
  for (const half of [0, 1]) {
    if (der[at++] !== 0x02) fail("no INTEGER");
    const intLength = length();
    let int = der.subarray(at, at + intLength);
    if (int.length !== intLength) fail("truncated integer");
    at += intLength;
    while (int.length > 1 && int[0] === 0) int = int.subarray(1);
    if (int.length > size) fail("integer too long");
    out.set(int, half * size + (size - int.length));
  }
  return out;
}
