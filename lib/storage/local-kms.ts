/**
 * A stand-in for AWS KMS behind the SDK's real `KMS` client: a request handler that
 * answers GenerateDataKey, Encrypt, Decrypt and DescribeKey on the wire protocol
 * (JSON 1.1) and really wraps and unwraps data keys with a local AES-256-GCM key, the
 * encryption context bound as additional data like KMS does. Lets tests run the aws
 * mode code path (KmsKeyringNode, our client plumbing, error mapping) without AWS.
 * Not for production: the "KMS key" is a key in memory.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { KMS } from "@aws-sdk/client-kms";

type WireRequest = { headers: Record<string, string>; body?: unknown };
type WireResponse = { statusCode: number; headers: Record<string, string>; body: Uint8Array };

export type LocalKmsOptions = {
  /** The AES-256 key standing in for the KMS key's material. */
  key: Uint8Array;
  /** ARN of the (pretend) key; requests for any other key are refused like KMS does. */
  keyArn: string;
  region?: string;
  /** Key state DescribeKey reports (e.g. "Disabled" to test the health check). */
  keyState?: string;
};

export type LocalKms = { client: KMS; calls: { operation: string }[] };

/** AAD binding a ciphertext to its encryption context, in a canonical (sorted) order. */
function aad(context: Record<string, string> | undefined): Buffer {
  const sorted = Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(sorted), "utf8");
}

function json(statusCode: number, body: unknown): WireResponse {
  return {
    statusCode,
    headers: { "content-type": "application/x-amz-json-1.1" },
    body: new TextEncoder().encode(JSON.stringify(body)),
  };
}

function kmsError(type: string, message: string): WireResponse {
  return { ...json(400, { __type: type, message }), headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": type } };
}

/** Builds a real `KMS` client whose transport is the local stand-in. */
export function createLocalKms(options: LocalKmsOptions): LocalKms {
  if (options.key.length !== 32) throw new Error("createLocalKms: the key must be 32 bytes");
  const key = Buffer.from(options.key);
  const calls: { operation: string }[] = [];
  const keyId = Buffer.from(options.keyArn, "utf8");

  function wrap(plaintext: Buffer, context: Record<string, string> | undefined): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    cipher.setAAD(aad(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    // Like KMS, the blob names its key, so Decrypt needs no KeyId.
    const header = Buffer.alloc(2);
    header.writeUInt16BE(keyId.length);
    return Buffer.concat([header, keyId, iv, cipher.getAuthTag(), body]);
  }

  function unwrap(blob: Buffer, context: Record<string, string> | undefined): Buffer | undefined {
    try {
      const idLength = blob.readUInt16BE(0);
      if (!blob.subarray(2, 2 + idLength).equals(keyId)) return undefined;
      let at = 2 + idLength;
      const iv = blob.subarray(at, (at += 12));
      const tag = blob.subarray(at, (at += 16));
      const decipher = createDecipheriv("aes-256-gcm", key, iv);
      decipher.setAAD(aad(context));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(blob.subarray(at)), decipher.final()]);
    } catch {
      return undefined;
    }
  }

  async function handle(request: WireRequest): Promise<{ response: WireResponse }> {
    const target = request.headers["x-amz-target"] ?? request.headers["X-Amz-Target"] ?? "";
    const operation = target.replace(/^TrentService\./, "");
    calls.push({ operation });
    const raw = typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body as Uint8Array);
    const input = JSON.parse(raw || "{}") as {
      KeyId?: string;
      NumberOfBytes?: number;
      KeySpec?: string;
      Plaintext?: string;
      CiphertextBlob?: string;
      EncryptionContext?: Record<string, string>;
    };
    const knownKey = (id: string | undefined) => id === options.keyArn;
    switch (operation) {
      case "GenerateDataKey": {
        if (!knownKey(input.KeyId)) return { response: kmsError("NotFoundException", `Key '${input.KeyId}' does not exist`) };
        const length = input.NumberOfBytes ?? (input.KeySpec === "AES_128" ? 16 : 32);
        const plaintext = randomBytes(length);
        const blob = wrap(plaintext, input.EncryptionContext);
        return {
          response: json(200, { KeyId: options.keyArn, Plaintext: plaintext.toString("base64"), CiphertextBlob: blob.toString("base64") }),
        };
      }
      case "Encrypt": {
        if (!knownKey(input.KeyId)) return { response: kmsError("NotFoundException", `Key '${input.KeyId}' does not exist`) };
        const blob = wrap(Buffer.from(input.Plaintext ?? "", "base64"), input.EncryptionContext);
        return { response: json(200, { KeyId: options.keyArn, CiphertextBlob: blob.toString("base64") }) };
      }
      case "Decrypt": {
        if (input.KeyId !== undefined && !knownKey(input.KeyId)) {
          return { response: kmsError("IncorrectKeyException", "The key ID in the request does not identify the key used to encrypt") };
        }
        const plaintext = unwrap(Buffer.from(input.CiphertextBlob ?? "", "base64"), input.EncryptionContext);
        if (!plaintext) return { response: kmsError("InvalidCiphertextException", "") };
        return { response: json(200, { KeyId: options.keyArn, Plaintext: plaintext.toString("base64") }) };
      }
      case "DescribeKey": {
        if (!knownKey(input.KeyId)) return { response: kmsError("NotFoundException", `Key '${input.KeyId}' does not exist`) };
        const state = options.keyState ?? "Enabled";
        return { response: json(200, { KeyMetadata: { KeyId: options.keyArn, Arn: options.keyArn, KeyState: state, Enabled: state === "Enabled" } }) };
      }
      default:
        return { response: kmsError("UnsupportedOperationException", `local KMS does not implement ${operation}`) };
    }
  }

  const client = new KMS({
    region: options.region ?? options.keyArn.split(":")[3] ?? "us-east-1",
    credentials: { accessKeyId: "LOCAL", secretAccessKey: "LOCAL" },
    requestHandler: { handle } as never,
    maxAttempts: 1,
  });
  return { client, calls };
}
