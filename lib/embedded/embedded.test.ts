import { createServer } from "node:net";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CreateBucketCommand, HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig, type Config } from "../config";
import {
  DATA_DIR_MARKER,
  EMBEDDED_S3_CREDENTIALS,
  EmbeddedError,
  ensureAuthSecret,
  ensureLocalKey,
  readLocalKey,
  resetLocalData,
  startEmbeddedS3,
  startS3Server,
} from "./index";

let cwd: string;
let config: Config;

beforeEach(async () => {
  cwd = await mkdtemp(path.join(tmpdir(), "certdesk-embedded-"));
  config = loadConfig({ CERTDESK_DATA_DIR: ".certdesk" }, cwd);
});

afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const mode = async (p: string) => (await stat(p)).mode & 0o777;

describe("local wrapping key", () => {
  it("is created once, 32 random bytes, mode 0600 in a 0700 folder, and kept on later starts", async () => {
    const first = await ensureLocalKey(config);
    expect(first).toEqual({ keyFile: path.join(cwd, ".certdesk", "wrapping-key"), created: true });
    expect(await mode(first.keyFile)).toBe(0o600);
    expect(await mode(config.dataDir)).toBe(0o700);
    const key = await readFile(first.keyFile);
    expect(key).toHaveLength(32);
    expect(await ensureLocalKey(config)).toMatchObject({ created: false });
    expect(await readFile(first.keyFile)).toEqual(key);
    expect(await readLocalKey(first.keyFile)).toEqual(new Uint8Array(key));
  });

  it("refuses to start when the key is readable by others, and says how to fix it", async () => {
    const { keyFile } = await ensureLocalKey(config);
    await chmod(keyFile, 0o644);
    await expect(ensureLocalKey(config)).rejects.toThrow(EmbeddedError);
    await expect(readLocalKey(keyFile)).rejects.toThrow(/readable or writable by other users \(mode 0644\).*chmod 600/);
  });

  it("refuses a key of the wrong length", async () => {
    const { keyFile } = await ensureLocalKey(config);
    await chmod(keyFile, 0o600);
    await writeFile(keyFile, Buffer.alloc(16));
    await expect(ensureLocalKey(config)).rejects.toThrow(/16 bytes, not 32/);
  });

  it("refuses a data dir other users can enter", async () => {
    await mkdir(config.dataDir, { mode: 0o755 });
    await chmod(config.dataDir, 0o755);
    await expect(ensureLocalKey(config)).rejects.toThrow(/accessible to other users \(mode 0755\)/);
  });

  it("refuses a data dir that already holds someone else's files", async () => {
    await mkdir(config.dataDir, { mode: 0o700 });
    await writeFile(path.join(config.dataDir, "thesis.docx"), "years of work");
    await expect(ensureLocalKey(config)).rejects.toThrow(/not Certdesk's \(thesis.docx/);
    expect(await readdir(config.dataDir)).toEqual(["thesis.docx"]);
  });
});

describe("auth secret", () => {
  it("uses CERTDESK_AUTH_SECRET when set, without touching the disk", async () => {
    const secret = "s".repeat(40);
    const withSecret = loadConfig({ CERTDESK_DATA_DIR: ".certdesk", CERTDESK_AUTH_SECRET: secret }, cwd);
    expect(await ensureAuthSecret(withSecret)).toBe(secret);
    await expect(stat(withSecret.dataDir)).rejects.toThrow();
  });

  it("otherwise creates a private random one and keeps it across starts", async () => {
    const secret = await ensureAuthSecret(config);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(await mode(path.join(config.dataDir, "auth-secret"))).toBe(0o600);
    expect(await ensureAuthSecret(config)).toBe(secret);
    const other = await mkdtemp(path.join(tmpdir(), "certdesk-embedded-"));
    try {
      expect(await ensureAuthSecret(loadConfig({}, other))).not.toBe(secret);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});

describe("reset", () => {
  it("empties the data dir it created", async () => {
    await ensureLocalKey(config);
    await ensureAuthSecret(config);
    await mkdir(path.join(config.dataDir, "db", "base"), { recursive: true });
    const { removed } = await resetLocalData(config, { cwd });
    expect(removed).toEqual(expect.arrayContaining(["wrapping-key", "auth-secret", "db", DATA_DIR_MARKER]));
    expect(await readdir(config.dataDir)).toEqual([]);
    // And a fresh start after the reset works.
    expect(await ensureLocalKey(config)).toMatchObject({ created: true });
  });

  it("refuses CERTDESK_DATA_DIR=/ and any folder outside the working directory", async () => {
    for (const dir of ["/", "..", tmpdir(), "."]) {
      const bad = loadConfig({ CERTDESK_DATA_DIR: dir }, cwd);
      await expect(resetLocalData(bad, { cwd })).rejects.toThrow(/must be a folder inside/);
    }
  });

  it("refuses a folder inside the working directory that is not ours, and a link out of it", async () => {
    const foreign = path.join(cwd, "src");
    await mkdir(foreign);
    await writeFile(path.join(foreign, "main.ts"), "keep me");
    await expect(resetLocalData(loadConfig({ CERTDESK_DATA_DIR: "src" }, cwd), { cwd })).rejects.toThrow(/does not look like Certdesk's/);
    const outside = await mkdtemp(path.join(tmpdir(), "certdesk-outside-"));
    try {
      await writeFile(path.join(outside, DATA_DIR_MARKER), "");
      await symlink(outside, path.join(cwd, "linked"));
      await expect(resetLocalData(loadConfig({ CERTDESK_DATA_DIR: "linked" }, cwd), { cwd })).rejects.toThrow(/link/);
      expect(await readdir(outside)).toEqual([DATA_DIR_MARKER]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
    expect(await readFile(path.join(foreign, "main.ts"), "utf8")).toBe("keep me");
  });
});

describe("embedded S3 server", () => {
  it("serves the configured bucket on loopback, keeps its data in <dataDir>/s3, and frees the port on stop", async () => {
    const s3 = await startS3Server({ directory: path.join(config.dataDir, "s3"), port: 0, bucket: "certdesk-local" });
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: EMBEDDED_S3_CREDENTIALS,
    });
    try {
      expect(s3.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await client.send(new HeadBucketCommand({ Bucket: "certdesk-local" }));
      await client.send(new CreateBucketCommand({ Bucket: "another" }));
      expect((await readdir(s3.directory)).sort()).toEqual(["another", "certdesk-local"]);
    } finally {
      client.destroy();
      await s3.stop();
    }
    // The port is free again: something else can listen on it.
    await new Promise<void>((resolve, reject) => {
      const probe = createServer().once("error", reject);
      probe.listen(s3.port, "127.0.0.1", () => probe.close(() => resolve()));
    });
  });

  it("says which port is taken instead of crashing", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const taken = loadConfig({ CERTDESK_DATA_DIR: ".certdesk", CERTDESK_S3_ENDPOINT: `http://127.0.0.1:${port}` }, cwd);
      await expect(startEmbeddedS3(taken)).rejects.toThrow(new RegExp(`Port ${port} on 127.0.0.1 is already in use`));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it("refuses an endpoint on another host", async () => {
    const remote = loadConfig({ CERTDESK_DATA_DIR: ".certdesk", CERTDESK_S3_ENDPOINT: "http://10.0.0.5:4568" }, cwd);
    await expect(startEmbeddedS3(remote)).rejects.toThrow(/not on this machine/);
  });
});
