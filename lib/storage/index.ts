/**
 * File storage: every file a partner uploads is envelope-encrypted with the AWS
 * Encryption SDK before it reaches S3 — a fresh data key per object, wrapped by KMS
 * on AWS or by a local AES-256 key on a laptop. S3 (and on AWS the bucket's own
 * SSE-KMS) sees only ciphertext.
 *
 * The encryption context binds each object to its organisation, app, environment,
 * submission, purpose and plaintext SHA-256. The SDK authenticates the context but does
 * not compare it with what the caller expects, so `getDecrypted` does: an object copied
 * over another submission's key (or served for the wrong tenant) is refused.
 */
import { createHash, randomUUID } from "node:crypto";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type PutObjectCommandInput,
} from "@aws-sdk/client-s3";
import { KMS } from "@aws-sdk/client-kms";
import {
  buildClient,
  CommitmentPolicy,
  KmsKeyringNode,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
  type KeyringNode,
} from "@aws-crypto/client-node";
import type { Config } from "../config";
import { getConfig } from "../config";
import { StorageError } from "./errors";
import { EMBEDDED_S3_CREDENTIALS, providedLocalKey, type LocalKeySource } from "./local-key";

export { StorageError, type StorageErrorCode } from "./errors";
export { EMBEDDED_S3_CREDENTIALS, provideLocalKey, type LocalKeySource } from "./local-key";

/** What an encrypted object is bound to. All ids, never names or e-mails (the context is stored in clear in the header). */
export type FileContext = {
  organisationId: string;
  appId: string;
  environmentId: string;
  submissionId: string;
  /** What the file is: "original", "normalised-chain", "csr", "issued-chain"… */
  purpose: string;
};

/** `versionId`: S3's VersionId of what was written, when the bucket is versioned (AWS); s3rver sends none. */
export type StoredObject = { key: string; size: number; sha256: string; versionId?: string };

export type HealthStatus = { ok: boolean; detail: string };

export type Storage = {
  /** Encrypts and stores `bytes`; the SHA-256 of the plaintext becomes part of the context. */
  putEncrypted(input: { key: string; bytes: Uint8Array; context: FileContext }): Promise<StoredObject>;
  /** Reads, decrypts and checks an object against the context (and SHA-256) it must have been stored with. */
  getDecrypted(input: { key: string; context: FileContext & { sha256: string } }): Promise<Uint8Array>;
  deleteObject(key: string): Promise<void>;
  listKeys(prefix: string): Promise<string[]>;
  /** Public, non-secret artefacts only (published trust stores: public certificates). Still SSE-KMS on AWS. */
  putPlain(input: { key: string; bytes: Uint8Array; contentType?: string }): Promise<StoredObject>;
  getPlain(key: string): Promise<Uint8Array>;
  health(): Promise<HealthStatus & { bucket: HealthStatus; keyring: HealthStatus }>;
};

/** The largest object stored; uploads are checked long before this, it bounds memory on read too. */
export const MAX_OBJECT_BYTES = 25 * 1024 * 1024;

/** Context keys we write; anything else in a header (except the SDK's own `aws-crypto-*`) is a mismatch. */
const CONTEXT_KEYS = ["certdesk:organisation", "certdesk:app", "certdesk:environment", "certdesk:submission", "certdesk:purpose", "certdesk:sha256"] as const;

const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9/_.-]*$/;

/**
 * A fresh object key for a submission's file: `submissions/<submission uuid>/<random uuid>`.
 * Random, so keys reveal nothing (no file names, no e-mails) and never collide.
 */
export function newObjectKey(submissionId: string): string {
  return `submissions/${checkId(submissionId, "submissionId")}/${randomUUID()}`;
}

function checkId(value: string, what: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) throw new StorageError("invalid-key", { detail: `${what} must be an id.` });
  return value;
}

function checkKey(key: string): string {
  // No "..", no leading "/", no "@": keys are ours, random, and carry no personal data.
  if (!KEY_PATTERN.test(key) || key.includes("..") || key.includes("//") || key.length > 512) {
    throw new StorageError("invalid-key");
  }
  return key;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function encryptionContext(context: FileContext, sha256: string): Record<string, string> {
  for (const [name, value] of Object.entries(context)) {
    if (typeof value !== "string" || value.length === 0 || value.length > 128) {
      throw new StorageError("invalid-context", { detail: `(${name})` });
    }
  }
  return {
    "certdesk:organisation": context.organisationId,
    "certdesk:app": context.appId,
    "certdesk:environment": context.environmentId,
    "certdesk:submission": context.submissionId,
    "certdesk:purpose": context.purpose,
    "certdesk:sha256": sha256,
  };
}

/** True when the header's context is exactly the expected one, ignoring the SDK's reserved `aws-crypto-*` pairs. */
function sameContext(actual: Readonly<Record<string, string>>, expected: Record<string, string>): boolean {
  const ours = Object.keys(actual).filter((k) => !k.startsWith("aws-crypto-"));
  if (ours.length !== CONTEXT_KEYS.length) return false;
  return CONTEXT_KEYS.every((k) => actual[k] === expected[k]);
}

/** The S3 client for the configuration: the embedded server locally, the regional endpoint on AWS. */
export function createS3Client(config: Config): S3Client {
  if (config.s3.endpoint) {
    return new S3Client({
      region: config.s3.region,
      endpoint: config.s3.endpoint,
      // s3rver serves buckets by path, and knows neither CRC32 trailers nor flexible checksums.
      forcePathStyle: true,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      credentials: EMBEDDED_S3_CREDENTIALS,
    });
  }
  return new S3Client({ region: config.s3.region, forcePathStyle: config.s3.forcePathStyle });
}

function s3Failure(error: unknown): StorageError {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if (e.name === "NoSuchKey" || e.name === "NotFound" || status === 404) return new StorageError("not-found", { cause: error });
  if (e.name === "AccessDenied" || status === 403) return new StorageError("access-denied", { cause: error });
  return new StorageError("unavailable", { cause: error });
}

/**
 * Storage for a configuration. `deps` injects clients: tests pass an S3 client for the
 * embedded server, or a `KMS` whose request handler stands in for AWS KMS.
 */
export function createStorage(config: Config, deps: { s3?: S3Client; kms?: KMS; localKey?: LocalKeySource } = {}): Storage {
  const s3 = deps.s3 ?? createS3Client(config);
  const bucket = config.s3.bucket;
  // REQUIRE_ENCRYPT_REQUIRE_DECRYPT: key-committing suites only, so one ciphertext cannot
  // decrypt to two different plaintexts under two data keys. One data key per message:
  // refusing more bounds the work a crafted object can make us (and KMS) do.
  const { encrypt, decrypt } = buildClient({ commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT, maxEncryptedDataKeys: 1 });

  let keyring: Promise<KeyringNode> | undefined;
  let kms: KMS | undefined;
  function getKeyring(): Promise<KeyringNode> {
    keyring ??= (async (): Promise<KeyringNode> => {
      const k = config.keyring;
      switch (k.kind) {
        case "local-aes": {
          const source = deps.localKey ?? providedLocalKey(k.keyFile);
          if (!source) throw new StorageError("keyring-unavailable", { detail: "No local wrapping key was provided (start the portal with `npm start`)." });
          const unencryptedMasterKey = await source();
          return new RawAesKeyringNode({
            keyName: "wrapping-key",
            keyNamespace: "certdesk-local",
            unencryptedMasterKey,
            wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
          });
        }
        case "kms": {
          kms = deps.kms ?? new KMS({ region: k.region });
          const client = kms;
          return new KmsKeyringNode({ generatorKeyId: k.keyArn, clientProvider: () => client });
        }
        default: {
          const never: never = k;
          throw new Error(`unknown keyring ${JSON.stringify(never)}`);
        }
      }
    })();
    // A missing key file today may exist after the operator fixes it: do not cache failure.
    keyring.catch(() => (keyring = undefined));
    return keyring;
  }

  async function keyringOrFail(): Promise<KeyringNode> {
    try {
      return await getKeyring();
    } catch (error) {
      throw new StorageError("keyring-unavailable", { cause: error });
    }
  }

  /** On AWS every object is also SSE-KMS encrypted by S3 with the portal's key. */
  function sse(): Partial<PutObjectCommandInput> {
    return config.keyring.kind === "kms"
      ? { ServerSideEncryption: "aws:kms", SSEKMSKeyId: config.keyring.keyArn, BucketKeyEnabled: true }
      : {};
  }

  async function put(key: string, body: Uint8Array, contentType: string): Promise<string | undefined> {
    try {
      const out = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, ...sse() }));
      return out.VersionId;
    } catch (error) {
      throw s3Failure(error);
    }
  }

  async function get(key: string): Promise<Uint8Array> {
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if ((out.ContentLength ?? 0) > MAX_OBJECT_BYTES * 2) throw new StorageError("too-large");
      return await out.Body!.transformToByteArray();
    } catch (error) {
      if (error instanceof StorageError) throw error;
      throw s3Failure(error);
    }
  }

  return {
    async putEncrypted({ key, bytes, context }) {
      checkKey(key);
      if (bytes.byteLength > MAX_OBJECT_BYTES) throw new StorageError("too-large");
      const sha256 = sha256Hex(bytes);
      const encryptionContext_ = encryptionContext(context, sha256);
      const ring = await keyringOrFail();
      let result: Uint8Array;
      try {
        ({ result } = await encrypt(ring, bytes, { encryptionContext: encryptionContext_ }));
      } catch (error) {
        throw new StorageError("keyring-unavailable", { cause: error });
      }
      await put(key, result, "application/octet-stream");
      return { key, size: bytes.byteLength, sha256 };
    },

    async getDecrypted({ key, context }) {
      checkKey(key);
      const expected = encryptionContext(context, context.sha256);
      const ciphertext = await get(key);
      const ring = await keyringOrFail();
      let plaintext: Uint8Array;
      let actual: Readonly<Record<string, string>>;
      try {
        const out = await decrypt(ring, ciphertext, { maxBodySize: MAX_OBJECT_BYTES });
        // A plain Uint8Array (not a Buffer), as the type promises.
        plaintext = new Uint8Array(out.plaintext);
        actual = out.messageHeader.encryptionContext;
      } catch (error) {
        throw new StorageError("integrity", { cause: error });
      }
      if (!sameContext(actual, expected)) throw new StorageError("context-mismatch");
      // Redundant with the AEAD tag, but cheap, and it ties the bytes to the recorded hash.
      if (sha256Hex(plaintext) !== context.sha256) throw new StorageError("integrity");
      return plaintext;
    },

    async deleteObject(key) {
      checkKey(key);
      try {
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        throw s3Failure(error);
      }
    },

    async listKeys(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      try {
        do {
          const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
          for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key);
          token = out.IsTruncated ? out.NextContinuationToken : undefined;
        } while (token);
      } catch (error) {
        throw s3Failure(error);
      }
      return keys.sort();
    },

    async putPlain({ key, bytes, contentType }) {
      checkKey(key);
      if (bytes.byteLength > MAX_OBJECT_BYTES) throw new StorageError("too-large");
      const versionId = await put(key, bytes, contentType ?? "application/octet-stream");
      return { key, size: bytes.byteLength, sha256: sha256Hex(bytes), ...(versionId ? { versionId } : {}) };
    },

    async getPlain(key) {
      checkKey(key);
      return get(key);
    },

    async health() {
      const bucketStatus = await (async (): Promise<HealthStatus> => {
        try {
          await s3.send(new HeadBucketCommand({ Bucket: bucket }));
          return { ok: true, detail: "bucket reachable" };
        } catch (error) {
          const failure = s3Failure(error);
          return { ok: false, detail: failure.code === "not-found" ? "The storage bucket does not exist." : failure.message };
        }
      })();
      const keyringStatus = await (async (): Promise<HealthStatus> => {
        try {
          const ring = await getKeyring();
          if (config.keyring.kind === "kms") {
            // DescribeKey, not a round trip: a health probe must not spend data-key requests.
            const described = await kms!.describeKey({ KeyId: config.keyring.keyArn });
            const state = described.KeyMetadata?.KeyState;
            return state === "Enabled" ? { ok: true, detail: "KMS key enabled" } : { ok: false, detail: `KMS key is ${state ?? "unknown"}` };
          }
          const probe = new TextEncoder().encode("certdesk health probe");
          const { result } = await encrypt(ring, probe, { encryptionContext: { "certdesk:purpose": "health" } });
          const { plaintext } = await decrypt(ring, result);
          return Buffer.from(plaintext).equals(Buffer.from(probe))
            ? { ok: true, detail: "local wrapping key works" }
            : { ok: false, detail: "local wrapping key round trip failed" };
        } catch (error) {
          const message = error instanceof StorageError || (error as Error).name === "EmbeddedError" ? (error as Error).message : new StorageError("keyring-unavailable").message;
          return { ok: false, detail: message };
        }
      })();
      const ok = bucketStatus.ok && keyringStatus.ok;
      return {
        ok,
        detail: ok ? "storage and keyring ready" : [bucketStatus, keyringStatus].filter((s) => !s.ok).map((s) => s.detail).join(" "),
        bucket: bucketStatus,
        keyring: keyringStatus,
      };
    },
  };
}

type SharedStorage = { storage: Storage };
/* One S3 client and keyring per process, shared by the Next bundle and the start script (see lib/db getDb). */
const SHARED = Symbol.for("certdesk.storage");

/** The process-wide storage from `getConfig()`. */
export function getStorage(): Storage {
  const g = globalThis as { [SHARED]?: SharedStorage };
  g[SHARED] ??= { storage: createStorage(getConfig()) };
  return g[SHARED].storage;
}
