/**
 * A stand-in for AWS KMS's asymmetric keys behind the SDK's real `KMS` client: a request
 * handler answering GetPublicKey and Sign on the wire protocol (JSON 1.1), signing DIGESTS
 * with a local key exactly as KMS does (RSASSA_PKCS1_V1_5_SHA_256; ECDSA_SHA_256 answered
 * DER-encoded). Lets tests run the `kms` signer through the real client. Tests only.
 */
import { createECDH, createPrivateKey, createPublicKey, generateKeyPairSync, privateEncrypt, constants, randomBytes, type KeyObject } from "node:crypto";
import { KMS } from "@aws-sdk/client-kms";
import type { CaKeySpec } from "../signer";

type WireRequest = { headers: Record<string, string>; body?: unknown };
type WireResponse = { statusCode: number; headers: Record<string, string>; body: Uint8Array };

export type SigningKmsCall = { operation: string; input: Record<string, unknown> };

const json = (statusCode: number, body: unknown, type?: string): WireResponse => ({
  statusCode,
  headers: { "content-type": "application/x-amz-json-1.1", ...(type ? { "x-amzn-errortype": type } : {}) },
  body: new TextEncoder().encode(JSON.stringify(type ? { __type: type, ...(body as object) } : body)),
});

// P-256 group order.
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const big = (b: Uint8Array) => BigInt(`0x${Buffer.from(b).toString("hex") || "0"}`);
const bytes32 = (n: bigint) => Buffer.from(n.toString(16).padStart(64, "0"), "hex");
function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, t0, t1] = [((a % m) + m) % m, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return ((t0 % m) + m) % m;
}
function derInt(n: bigint): Buffer {
  const hex = n.toString(16);
  let b = Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex");
  while (b.length > 1 && b[0] === 0 && b[1]! < 0x80) b = b.subarray(1);
  if (b[0]! >= 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return Buffer.concat([Buffer.from([0x02, b.length]), b]);
}

/** ECDSA over a given digest (what KMS does with MessageType DIGEST); k·G comes from ECDH. */
function ecdsaSignDigest(key: KeyObject, digest: Uint8Array): Buffer {
  const d = big(Buffer.from(key.export({ format: "jwk" }).d!, "base64url"));
  const z = big(digest);
  for (;;) {
    const k = big(randomBytes(32)) % N;
    if (k === 0n) continue;
    const ecdh = createECDH("prime256v1");
    ecdh.setPrivateKey(bytes32(k));
    const point = ecdh.getPublicKey();
    const r = big(point.subarray(1, 33)) % N;
    if (r === 0n) continue;
    const s = (modInverse(k, N) * (z + r * d)) % N;
    if (s === 0n) continue;
    const body = Buffer.concat([derInt(r), derInt(s)]);
    return Buffer.concat([Buffer.from([0x30, body.length]), body]);
  }
}

const SHA256_DIGEST_INFO = Buffer.from("3031300d060960864801650304020105000420", "hex");

export function createSigningKms(options: { keyArn: string; keySpec: CaKeySpec; region?: string }): { client: KMS; calls: SigningKmsCall[]; publicKeyDer: Uint8Array } {
  const { privateKey } =
    options.keySpec === "RSA_2048"
      ? generateKeyPairSync("rsa", { modulusLength: 2048 })
      : generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const key = createPrivateKey(privateKey.export({ format: "pem", type: "pkcs8" }));
  const publicKeyDer = new Uint8Array(createPublicKey(key).export({ format: "der", type: "spki" }));
  const calls: SigningKmsCall[] = [];

  async function handle(request: WireRequest): Promise<{ response: WireResponse }> {
    const target = request.headers["x-amz-target"] ?? request.headers["X-Amz-Target"] ?? "";
    const operation = target.replace(/^TrentService\./, "");
    const raw = typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body as Uint8Array);
    const input = JSON.parse(raw || "{}") as { KeyId?: string; Message?: string; MessageType?: string; SigningAlgorithm?: string };
    calls.push({ operation, input });
    if (input.KeyId !== options.keyArn) return { response: json(400, { message: `Key '${input.KeyId}' does not exist` }, "NotFoundException") };
    switch (operation) {
      case "GetPublicKey":
        return {
          response: json(200, {
            KeyId: options.keyArn,
            KeySpec: options.keySpec,
            KeyUsage: "SIGN_VERIFY",
            PublicKey: Buffer.from(publicKeyDer).toString("base64"),
            SigningAlgorithms: [options.keySpec === "RSA_2048" ? "RSASSA_PKCS1_V1_5_SHA_256" : "ECDSA_SHA_256"],
          }),
        };
      case "Sign": {
        const message = Buffer.from(input.Message ?? "", "base64");
        const expected = options.keySpec === "RSA_2048" ? "RSASSA_PKCS1_V1_5_SHA_256" : "ECDSA_SHA_256";
        if (input.SigningAlgorithm !== expected) return { response: json(400, { message: "bad algorithm" }, "InvalidKeyUsageException") };
        if (input.MessageType !== "DIGEST") {
          // KMS: a RAW message is at most 4096 bytes.
          if (message.length > 4096) return { response: json(400, { message: "Message exceeds 4096 bytes" }, "ValidationException") };
          return { response: json(400, { message: "this stand-in signs digests only" }, "ValidationException") };
        }
        if (message.length !== 32) return { response: json(400, { message: "Digest is invalid length for algorithm" }, "ValidationException") };
        const signature =
          options.keySpec === "RSA_2048"
            ? privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, message]))
            : ecdsaSignDigest(key, message);
        return { response: json(200, { KeyId: options.keyArn, Signature: signature.toString("base64"), SigningAlgorithm: expected }) };
      }
      default:
        return { response: json(400, { message: `not implemented: ${operation}` }, "UnsupportedOperationException") };
    }
  }

  const client = new KMS({
    region: options.region ?? options.keyArn.split(":")[3] ?? "eu-west-1",
    credentials: { accessKeyId: "LOCAL", secretAccessKey: "LOCAL" },
    requestHandler: { handle } as never,
    maxAttempts: 1,
  });
  return { client, calls, publicKeyDer };
}
