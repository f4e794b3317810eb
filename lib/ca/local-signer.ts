/**
 * A {@link CaSigner} whose key lives in the local data directory (local mode, CI, tests).
 *
 * The key file (PKCS #8, mode 0600, in a 0700 folder) is created on first use with O_EXCL,
 * like the wrapping key, so two processes racing never overwrite each other's key. It is
 * imported as a NON-extractable WebCrypto key: once loaded, nothing in the process can read
 * it back, and the signer exposes only `sign` and the public key. The bytes are never logged
 * (errors name the file, never its content).
 */
import { lstat, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { writeNew } from "../embedded/keys";
import { signingAlgorithmOf, type CaKeySpec, type CaSigner } from "./signer";

export class LocalCaKeyError extends Error {
  override readonly name = "LocalCaKeyError";
}

function generationParams(spec: CaKeySpec): RsaHashedKeyGenParams | EcKeyGenParams {
  return spec === "RSA_2048"
    ? { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }
    : { name: "ECDSA", namedCurve: "P-256" };
}

/**
 * Creates (first use) or opens the CA key in `file`, and returns a signer over it.
 * A key file readable by others, or a link, is refused rather than "fixed".
 */
export async function createLocalSigner(options: { file: string; algorithm: CaKeySpec }): Promise<CaSigner & { created: boolean }> {
  const { file, algorithm } = options;
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  let created = false;
  try {
    await lstat(file);
  } catch {
    const pair = (await globalThis.crypto.subtle.generateKey(generationParams(algorithm), true, ["sign", "verify"])) as CryptoKeyPair;
    const pkcs8 = new Uint8Array(await globalThis.crypto.subtle.exportKey("pkcs8", pair.privateKey));
    created = await writeNew(file, pkcs8);
    pkcs8.fill(0);
  }
  const info = await lstat(file);
  if (!info.isFile()) throw new LocalCaKeyError(`The CA key ${file} must be a regular file (not a link or directory).`);
  if ((info.mode & 0o077) !== 0) {
    throw new LocalCaKeyError(`The CA key ${file} is accessible to other users (mode ${(info.mode & 0o777).toString(8)}); refusing to use it. Run: chmod 600 ${JSON.stringify(file)}`);
  }
  const bytes = await readFile(file);
  let privateKey: CryptoKey;
  let spki: Uint8Array;
  try {
    const params = signingAlgorithmOf(algorithm);
    // Extractable only for this one export of the public half; the signer keeps the non-extractable import.
    const once = await globalThis.crypto.subtle.importKey("pkcs8", bytes, params, true, ["sign"]);
    spki = await publicSpkiOf(once, algorithm);
    privateKey = await globalThis.crypto.subtle.importKey("pkcs8", bytes, params, false, ["sign"]);
  } catch {
    throw new LocalCaKeyError(`The CA key ${file} is not a ${algorithm} PKCS #8 key (damaged, or made for another key type).`);
  } finally {
    bytes.fill(0);
  }
  const params = signingAlgorithmOf(algorithm);
  return {
    algorithm,
    created,
    describe: `local:${file}`,
    publicKeySpki: async () => spki.slice(),
    async sign(data) {
      const signature = await globalThis.crypto.subtle.sign(params.name === "ECDSA" ? { name: "ECDSA", hash: "SHA-256" } : params, privateKey, Uint8Array.from(data));
      return new Uint8Array(signature);
    },
  };
}

/** The SubjectPublicKeyInfo of a private key, through its JWK public members. */
async function publicSpkiOf(key: CryptoKey, algorithm: CaKeySpec): Promise<Uint8Array> {
  const jwk = await globalThis.crypto.subtle.exportKey("jwk", key);
  const publicJwk: JsonWebKey =
    algorithm === "RSA_2048" ? { kty: "RSA", n: jwk.n, e: jwk.e } : { kty: "EC", crv: jwk.crv, x: jwk.x, y: jwk.y };
  const pub = await globalThis.crypto.subtle.importKey("jwk", publicJwk, signingAlgorithmOf(algorithm), true, ["verify"]);
  return new Uint8Array(await globalThis.crypto.subtle.exportKey("spki", pub));
}
