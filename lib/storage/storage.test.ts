import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, type Config } from "../config";
import { ensureLocalKey, startS3Server, type EmbeddedS3 } from "../embedded";
import { createLocalKms } from "./local-kms";
import { createS3Client, createStorage, newObjectKey, StorageError, type FileContext, type Storage } from "./index";

let dir: string;
let s3server: EmbeddedS3;
let config: Config;
let raw: S3Client;
let storage: Storage;

const BUCKET = "certdesk-test";
const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "certdesk-storage-"));
  s3server = await startS3Server({ directory: path.join(dir, "s3"), port: 0, bucket: BUCKET });
  config = loadConfig({ CERTDESK_DATA_DIR: ".certdesk", CERTDESK_S3_ENDPOINT: s3server.endpoint, CERTDESK_S3_BUCKET: BUCKET }, dir);
  await ensureLocalKey(config);
  raw = createS3Client(config);
  storage = createStorage(config, { s3: raw });
});

afterAll(async () => {
  raw?.destroy();
  await s3server?.stop();
  await rm(dir, { recursive: true, force: true });
});

function context(overrides: Partial<FileContext> = {}): FileContext {
  return {
    organisationId: randomUUID(),
    appId: randomUUID(),
    environmentId: randomUUID(),
    submissionId: randomUUID(),
    purpose: "original",
    ...overrides,
  };
}

/** A partner's upload: a PEM-looking text with a secret-looking random part. */
function upload(): Uint8Array {
  const secret = randomBytes(600).toString("base64");
  return new TextEncoder().encode(`-----BEGIN CERTIFICATE REQUEST-----\n${secret}\n-----END CERTIFICATE REQUEST-----\nCN=Acme Payments Ltd\n`);
}

/** True when any 8-byte run of `plaintext` occurs in `stored`. */
function leaks(stored: Uint8Array, plaintext: Uint8Array): boolean {
  const haystack = Buffer.from(stored);
  for (let i = 0; i + 8 <= plaintext.length; i += 4) {
    if (haystack.includes(Buffer.from(plaintext.subarray(i, i + 8)))) return true;
  }
  return false;
}

async function rawObject(key: string): Promise<Uint8Array> {
  const out = await raw.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return out.Body!.transformToByteArray();
}

async function storageError(promise: Promise<unknown>): Promise<StorageError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(StorageError);
    return error as StorageError;
  }
  throw new Error("expected a StorageError");
}

describe("encrypted storage on the embedded S3 server (local AES keyring)", () => {
  it("round-trips a file and reports its size and SHA-256", async () => {
    const ctx = context();
    const bytes = upload();
    const key = newObjectKey(ctx.submissionId);
    const stored = await storage.putEncrypted({ key, bytes, context: ctx });
    expect(stored.size).toBe(bytes.length);
    expect(stored.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await storage.getDecrypted({ key, context: { ...ctx, sha256: stored.sha256 } })).toEqual(bytes);
  });

  it("stores none of the plaintext: not on s3rver's disk, not through GetObject", async () => {
    const ctx = context();
    const bytes = upload();
    const key = newObjectKey(ctx.submissionId);
    await storage.putEncrypted({ key, bytes, context: ctx });
    const viaApi = await rawObject(key);
    const onDisk = await readFile(path.join(s3server.directory, BUCKET, `${key}._S3rver_object`));
    expect(Buffer.from(onDisk).equals(Buffer.from(viaApi))).toBe(true);
    expect(viaApi.length).toBeGreaterThan(bytes.length);
    expect(leaks(viaApi, bytes)).toBe(false);
    expect(leaks(onDisk, bytes)).toBe(false);
    // The check itself can fail: the plaintext does leak into a plain object.
    expect(leaks(Buffer.concat([Buffer.from("x"), bytes]), bytes)).toBe(true);
  });

  it("uses object keys that carry no names or e-mails, and refuses keys that could", async () => {
    const key = newObjectKey("0b9b3f5e-7d1c-4a7e-9a4b-2f1d3c5e6a7b");
    expect(key).toMatch(/^submissions\/0b9b3f5e-7d1c-4a7e-9a4b-2f1d3c5e6a7b\/[0-9a-f-]{36}$/);
    expect(newObjectKey("0b9b3f5e-7d1c-4a7e-9a4b-2f1d3c5e6a7b")).not.toBe(key);
    for (const bad of ["partner@acme.test/cert.pem", "../etc/passwd", "/abs", "a//b", "Acme Payments.pem"]) {
      expect((await storageError(storage.putPlain({ key: bad, bytes: new Uint8Array(1) }))).code).toBe("invalid-key");
    }
    expect(() => newObjectKey("partner@acme.test")).toThrow(StorageError);
  });

  it("refuses to return a file for any other organisation, app, environment, submission, purpose or hash", async () => {
    const ctx = context();
    const key = newObjectKey(ctx.submissionId);
    const { sha256 } = await storage.putEncrypted({ key, bytes: upload(), context: ctx });
    const wrong: Partial<FileContext & { sha256: string }>[] = [
      { organisationId: randomUUID() },
      { appId: randomUUID() },
      { environmentId: randomUUID() },
      { submissionId: randomUUID() },
      { purpose: "csr" },
      { sha256: "0".repeat(64) },
    ];
    for (const change of wrong) {
      const error = await storageError(storage.getDecrypted({ key, context: { ...ctx, sha256, ...change } }));
      expect(error.code).toBe("context-mismatch");
      expect(error.message).toMatch(/different organisation, app, environment or submission/);
    }
  });

  it("refuses another submission's object copied over this one's key", async () => {
    const mine = context();
    const theirs = context();
    const myKey = newObjectKey(mine.submissionId);
    const theirKey = newObjectKey(theirs.submissionId);
    const { sha256 } = await storage.putEncrypted({ key: myKey, bytes: upload(), context: mine });
    await storage.putEncrypted({ key: theirKey, bytes: upload(), context: theirs });
    await raw.send(new PutObjectCommand({ Bucket: BUCKET, Key: myKey, Body: await rawObject(theirKey) }));
    expect((await storageError(storage.getDecrypted({ key: myKey, context: { ...mine, sha256 } }))).code).toBe("context-mismatch");
  });

  it("detects a flipped byte anywhere in the stored object", async () => {
    const ctx = context();
    const key = newObjectKey(ctx.submissionId);
    const { sha256 } = await storage.putEncrypted({ key, bytes: upload(), context: ctx });
    const original = await rawObject(key);
    // Header (context, data key), body, and the trailing signature.
    for (const at of [20, 200, Math.floor(original.length / 2), original.length - 1]) {
      const tampered = Uint8Array.from(original);
      tampered[at]! ^= 0x01;
      await raw.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: tampered }));
      const error = await storageError(storage.getDecrypted({ key, context: { ...ctx, sha256 } }));
      // The header is authenticated too, so even a flip in the context is an integrity failure.
      expect(error.code).toBe("integrity");
      expect(error.message).not.toMatch(/aws-crypto|ECONN|Exception/);
    }
    // Restored, the object reads again: it was the flipped byte that failed.
    await raw.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: original }));
    expect((await storage.getDecrypted({ key, context: { ...ctx, sha256 } })).length).toBeGreaterThan(0);
  });

  it("refuses a file that is not an encrypted object at all", async () => {
    const ctx = context();
    const key = newObjectKey(ctx.submissionId);
    await storage.putPlain({ key, bytes: upload() });
    expect((await storageError(storage.getDecrypted({ key, context: { ...ctx, sha256: "0".repeat(64) } }))).code).toBe("integrity");
  });

  it("cannot decrypt with another wrapping key", async () => {
    const ctx = context();
    const key = newObjectKey(ctx.submissionId);
    const { sha256 } = await storage.putEncrypted({ key, bytes: upload(), context: ctx });
    const otherDir = await mkdtemp(path.join(tmpdir(), "certdesk-storage-other-"));
    try {
      const other = loadConfig({ CERTDESK_DATA_DIR: ".certdesk", CERTDESK_S3_ENDPOINT: s3server.endpoint, CERTDESK_S3_BUCKET: BUCKET }, otherDir);
      await ensureLocalKey(other);
      const stranger = createStorage(other, { s3: raw });
      expect((await storageError(stranger.getDecrypted({ key, context: { ...ctx, sha256 } }))).code).toBe("integrity");
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it("lists, deletes and reports missing objects as not found", async () => {
    const ctx = context();
    const keys = [newObjectKey(ctx.submissionId), newObjectKey(ctx.submissionId)];
    for (const key of keys) await storage.putEncrypted({ key, bytes: upload(), context: ctx });
    expect(await storage.listKeys(`submissions/${ctx.submissionId}/`)).toEqual([...keys].sort());
    await storage.deleteObject(keys[0]!);
    expect(await storage.listKeys(`submissions/${ctx.submissionId}/`)).toEqual([keys[1]]);
    const error = await storageError(storage.getDecrypted({ key: keys[0]!, context: { ...ctx, sha256: "0".repeat(64) } }));
    expect(error.code).toBe("not-found");
  });

  it("stores public artefacts as they are", async () => {
    const bytes = new TextEncoder().encode("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    const stored = await storage.putPlain({ key: "truststores/ca-chain/sandbox/v1.pem", bytes, contentType: "application/x-pem-file" });
    expect(stored.size).toBe(bytes.length);
    expect(await storage.getPlain("truststores/ca-chain/sandbox/v1.pem")).toEqual(bytes);
  });

  it("reports healthy, and names the bucket problem when the bucket is missing", async () => {
    expect(await storage.health()).toMatchObject({ ok: true, bucket: { ok: true }, keyring: { ok: true } });
    const missing = createStorage({ ...config, s3: { ...config.s3, bucket: "no-such-bucket" } }, { s3: raw });
    const health = await missing.health();
    expect(health).toMatchObject({ ok: false, bucket: { ok: false }, keyring: { ok: true } });
    expect(health.detail).toBe("The storage bucket does not exist.");
    expect(health.detail).not.toMatch(/no-such-bucket|NoSuchBucket/);
  });
});

describe("when the S3 server is down", () => {
  it("says storage is unreachable, without the network error's text, and the health check reports it", async () => {
    const down = await startS3Server({ directory: path.join(dir, "s3-down"), port: 0, bucket: BUCKET });
    await down.stop();
    const cfg = { ...config, s3: { ...config.s3, endpoint: down.endpoint } };
    const s3 = createS3Client(cfg);
    try {
      const unreachable = createStorage(cfg, { s3 });
      const ctx = context();
      const error = await storageError(unreachable.putEncrypted({ key: newObjectKey(ctx.submissionId), bytes: upload(), context: ctx }));
      expect(error.code).toBe("unavailable");
      expect(error.message).toBe("File storage is not reachable right now. Try again in a moment.");
      expect(await unreachable.health()).toMatchObject({ ok: false, bucket: { ok: false, detail: error.message }, keyring: { ok: true } });
    } finally {
      s3.destroy();
    }
  });
});

describe("the aws code path: KMS keyring with an injected KMS client", () => {
  function kmsConfig(): Config {
    return { ...config, keyring: { kind: "kms", keyArn: KEY_ARN, region: "eu-west-1" } };
  }

  it("round-trips through GenerateDataKey and Decrypt, storing only ciphertext", async () => {
    const kms = createLocalKms({ key: randomBytes(32), keyArn: KEY_ARN });
    const aws = createStorage(kmsConfig(), { s3: raw, kms: kms.client });
    const ctx = context();
    const bytes = upload();
    const key = newObjectKey(ctx.submissionId);
    const { sha256 } = await aws.putEncrypted({ key, bytes, context: ctx });
    expect(kms.calls.map((c) => c.operation)).toEqual(["GenerateDataKey"]);
    const stored = await rawObject(key);
    expect(leaks(stored, bytes)).toBe(false);
    // The header names the KMS key that wrapped the data key.
    expect(Buffer.from(stored).includes(Buffer.from(KEY_ARN))).toBe(true);
    expect(await aws.getDecrypted({ key, context: { ...ctx, sha256 } })).toEqual(bytes);
    expect(kms.calls.map((c) => c.operation)).toEqual(["GenerateDataKey", "Decrypt"]);
    expect((await storageError(aws.getDecrypted({ key, context: { ...ctx, sha256, appId: randomUUID() } }))).code).toBe("context-mismatch");
  });

  it("fails clearly when KMS cannot unwrap the data key (another key, or a tampered wrapped key)", async () => {
    const kms = createLocalKms({ key: randomBytes(32), keyArn: KEY_ARN });
    const aws = createStorage(kmsConfig(), { s3: raw, kms: kms.client });
    const ctx = context();
    const key = newObjectKey(ctx.submissionId);
    const { sha256 } = await aws.putEncrypted({ key, bytes: upload(), context: ctx });
    // Same ARN, different key material: KMS answers InvalidCiphertextException.
    const rotatedAway = createStorage(kmsConfig(), { s3: raw, kms: createLocalKms({ key: randomBytes(32), keyArn: KEY_ARN }).client });
    const error = await storageError(rotatedAway.getDecrypted({ key, context: { ...ctx, sha256 } }));
    expect(error.code).toBe("integrity");
    expect(error.message).not.toMatch(/InvalidCiphertext|arn:aws/);
    // A local-mode object is not readable through the KMS keyring, and vice versa.
    const localKey = newObjectKey(ctx.submissionId);
    const local = await storage.putEncrypted({ key: localKey, bytes: upload(), context: ctx });
    expect((await storageError(aws.getDecrypted({ key: localKey, context: { ...ctx, sha256: local.sha256 } }))).code).toBe("integrity");
    expect((await storageError(storage.getDecrypted({ key, context: { ...ctx, sha256 } }))).code).toBe("integrity");
  });

  it("asks S3 to encrypt every object with the portal's KMS key as well (SSE-KMS), plain artefacts included", async () => {
    const s3 = createS3Client(config);
    const sent: { ServerSideEncryption?: string; SSEKMSKeyId?: string }[] = [];
    s3.middlewareStack.add(
      (next) => async (args) => {
        sent.push(args.input as (typeof sent)[number]);
        return next(args);
      },
      { step: "initialize", name: "capturePutInput" },
    );
    try {
      const aws = createStorage(kmsConfig(), { s3, kms: createLocalKms({ key: randomBytes(32), keyArn: KEY_ARN }).client });
      const ctx = context();
      await aws.putEncrypted({ key: newObjectKey(ctx.submissionId), bytes: upload(), context: ctx });
      await aws.putPlain({ key: "truststores/s2s-zip/stage/v1.pem", bytes: new Uint8Array([1]) });
      expect(sent).toHaveLength(2);
      for (const input of sent) expect(input).toMatchObject({ ServerSideEncryption: "aws:kms", SSEKMSKeyId: KEY_ARN });
    } finally {
      s3.destroy();
    }
  });

  it("reports a disabled KMS key in the health check", async () => {
    const enabled = createStorage(kmsConfig(), { s3: raw, kms: createLocalKms({ key: randomBytes(32), keyArn: KEY_ARN }).client });
    expect(await enabled.health()).toMatchObject({ ok: true, keyring: { ok: true, detail: "KMS key enabled" } });
    const disabled = createStorage(kmsConfig(), {
      s3: raw,
      kms: createLocalKms({ key: randomBytes(32), keyArn: KEY_ARN, keyState: "Disabled" }).client,
    });
    expect(await disabled.health()).toMatchObject({ ok: false, keyring: { ok: false, detail: "KMS key is Disabled" } });
  });
});
