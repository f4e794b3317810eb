/**
 * Test support: the real embedded S3 server (s3rver) on a random loopback port with the local
 * AES keyring, in a temporary folder removed afterwards; so tests exercise storage exactly as
 * `npm start` runs it. Register it inside a test file; read `.current` inside tests.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { loadConfig, type Config } from "../config";
import { createS3Client, createStorage, type Storage } from "../storage";
import { ensureLocalKey, readLocalKey } from "./keys";
import { startS3Server, type EmbeddedS3 } from "./s3";

export type TestStorage = { storage: Storage; config: Config; s3Dir: string };

export function setupTestStorage(options: { prefix: string; bucket?: string }): { readonly current: TestStorage } {
  const bucket = options.bucket ?? "certdesk-test";
  let current: TestStorage | undefined;
  let dir: string | undefined;
  let s3: EmbeddedS3 | undefined;
  let destroy: (() => void) | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), `certdesk-${options.prefix}-`));
    const s3Dir = path.join(dir, "s3");
    s3 = await startS3Server({ directory: s3Dir, port: 0, bucket });
    const config = loadConfig({ CERTDESK_DATA_DIR: ".certdesk", CERTDESK_S3_ENDPOINT: s3.endpoint, CERTDESK_S3_BUCKET: bucket }, dir);
    const { keyFile } = await ensureLocalKey(config);
    const client = createS3Client(config);
    destroy = () => client.destroy();
    current = { storage: createStorage(config, { s3: client, localKey: () => readLocalKey(keyFile) }), config, s3Dir };
  }, 60_000);
  afterAll(async () => {
    destroy?.();
    await s3?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return {
    get current() {
      if (!current) throw new Error("setupTestStorage: read .current inside a test");
      return current;
    },
  };
}
