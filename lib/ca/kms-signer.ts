/**
 * A {@link CaSigner} over an asymmetric `SIGN_VERIFY` AWS KMS key (RSA_2048 or ECC_NIST_P256).
 *
 * The data is hashed here and KMS signs the digest (`MessageType: "DIGEST"`): KMS refuses
 * raw messages over 4 KiB, and a CRL grows past that with a few dozen revocations. KMS
 * returns ECDSA signatures DER-encoded; WebCrypto's (and so `@peculiar/x509`'s) shape is
 * raw r‖s, so they are converted. The public key is fetched once and cached.
 */
import { createHash } from "node:crypto";
import { GetPublicKeyCommand, SignCommand, type KMS, type KMSClient } from "@aws-sdk/client-kms";
import { CA_KEY_SPECS, derEcdsaToRaw, type CaKeySpec, type CaSigner } from "./signer";

export type KmsSignerOptions = {
  /** The KMS client (tests pass one whose request handler stands in for KMS). */
  client: KMS | KMSClient;
  /** Key ARN (preferred) or id. */
  keyId: string;
  /** The key spec the deployment created; checked against GetPublicKey before the first signature. */
  algorithm: CaKeySpec;
};

export class KmsSignerError extends Error {
  override readonly name = "KmsSignerError";
}

export function createKmsSigner(options: KmsSignerOptions): CaSigner {
  const { client, keyId, algorithm } = options;
  if (!(CA_KEY_SPECS as readonly string[]).includes(algorithm)) throw new KmsSignerError(`unsupported CA key spec ${algorithm}`);
  const send = (command: GetPublicKeyCommand | SignCommand) => (client as KMSClient).send(command as never) as Promise<unknown>;
  let publicKey: Promise<Uint8Array> | undefined;

  function loadPublicKey(): Promise<Uint8Array> {
    publicKey ??= (async () => {
      const out = (await send(new GetPublicKeyCommand({ KeyId: keyId }))) as { PublicKey?: Uint8Array; KeySpec?: string; KeyUsage?: string };
      if (!out.PublicKey) throw new KmsSignerError(`KMS returned no public key for ${keyId}`);
      // A key of another type or usage is a deployment mistake; signing with it would produce
      // certificates whose signature algorithm does not match the issuer's key.
      if (out.KeySpec && out.KeySpec !== algorithm) throw new KmsSignerError(`KMS key ${keyId} is ${out.KeySpec}, expected ${algorithm}`);
      if (out.KeyUsage && out.KeyUsage !== "SIGN_VERIFY") throw new KmsSignerError(`KMS key ${keyId} is for ${out.KeyUsage}, expected SIGN_VERIFY`);
      return new Uint8Array(out.PublicKey);
    })();
    publicKey.catch(() => (publicKey = undefined));
    return publicKey;
  }

  return {
    algorithm,
    describe: `kms:${keyId}`,
    publicKeySpki: loadPublicKey,
    async sign(data) {
      await loadPublicKey();
      const digest = createHash("sha256").update(data).digest();
      const out = (await send(
        new SignCommand({
          KeyId: keyId,
          Message: digest,
          MessageType: "DIGEST",
          SigningAlgorithm: algorithm === "RSA_2048" ? "RSASSA_PKCS1_V1_5_SHA_256" : "ECDSA_SHA_256",
        }),
      )) as { Signature?: Uint8Array };
      if (!out.Signature) throw new KmsSignerError(`KMS returned no signature for ${keyId}`);
      const signature = new Uint8Array(out.Signature);
      return algorithm === "ECC_NIST_P256" ? derEcdsaToRaw(signature, 32) : signature;
    },
  };
}
