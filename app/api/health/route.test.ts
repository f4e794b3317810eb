import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** A loopback port nothing listens on (yet). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let dataDir: string;
let stopS3: (() => Promise<void>) | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "certdesk-health-"));
  // This file runs in its own process (Vitest forks), so the process-wide config is ours.
  process.env.CERTDESK_MODE = "local";
  process.env.CERTDESK_DATA_DIR = dataDir;
  process.env.CERTDESK_S3_ENDPOINT = `http://127.0.0.1:${await freePort()}`;
  delete process.env.DATABASE_URL;
  const { getConfig } = await import("@/lib/config");
  const { ensureLocalKey } = await import("@/lib/embedded");
  await ensureLocalKey(getConfig());
  // Open (and migrate) the database up front: a cold PGlite open on a loaded machine is slow.
  const { getDb } = await import("@/lib/db");
  await getDb();
});

afterAll(async () => {
  await stopS3?.();
  const { closeDb } = await import("@/lib/db");
  await closeDb();
  await rm(dataDir, { recursive: true, force: true });
});

describe("GET /api/health", () => {
  it("answers 503 'degraded' and names the part that is down when S3 does not answer", async () => {
    const { GET } = await import("./route");
    const response = await GET();
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body.status).toBe("degraded");
    expect(body.database).toEqual({ ok: true, detail: "reachable, migrations applied" });
    expect(body.storage.ok).toBe(false);
    expect(body.keyring).toEqual({ ok: true, detail: "local wrapping key works" });
    // No endpoint, key path or credentials in the answer.
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|wrapping-key|S3RVER|certdesk-health-/);
  });

  it("answers 200 'ok' once storage is up", async () => {
    const { getConfig } = await import("@/lib/config");
    const { startEmbeddedS3 } = await import("@/lib/embedded");
    const s3 = await startEmbeddedS3(getConfig());
    stopS3 = () => s3.stop();
    const { GET } = await import("./route");
    const response = await GET();
    const body = await response.json();
    expect(response.status).toBe(200);
    expect(body).toEqual({
      status: "ok",
      database: { ok: true, detail: "reachable, migrations applied" },
      storage: { ok: true, detail: "bucket reachable" },
      keyring: { ok: true, detail: "local wrapping key works" },
    });
  });
});
