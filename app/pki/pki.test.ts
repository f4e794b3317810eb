/**
 * The public CA endpoints through their Next route handlers, on the process-wide database and
 * embedded S3: no sign-in, the right content types, cacheable, and plain 404s for unknown CAs.
 */
import "reflect-metadata";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { X509Certificate } from "@peculiar/x509";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

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
const params = (programId: string, environmentKey: string) => ({ params: Promise.resolve({ programId, environmentKey }) });

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "certdesk-pki-"));
  // This file runs in its own process (Vitest forks), so the process-wide config is ours.
  process.env.CERTDESK_MODE = "local";
  process.env.CERTDESK_DATA_DIR = dataDir;
  process.env.CERTDESK_S3_ENDPOINT = `http://127.0.0.1:${await freePort()}`;
  delete process.env.DATABASE_URL;
  const { getConfig } = await import("@/lib/config");
  const { ensureLocalKey, startEmbeddedS3 } = await import("@/lib/embedded");
  await ensureLocalKey(getConfig());
  const s3 = await startEmbeddedS3(getConfig());
  stopS3 = () => s3.stop();
  const { getDb } = await import("@/lib/db");
  const { getStorage } = await import("@/lib/storage");
  const { caDeps } = await import("@/lib/ca/runtime");
  const { initCertificateAuthority } = await import("@/lib/ca/authority");
  await initCertificateAuthority(caDeps(getConfig(), { db: await getDb(), storage: getStorage() }), { programId: "provider-ca-csr", environmentKey: "sandbox" });
});

afterAll(async () => {
  const { closeDb } = await import("@/lib/db");
  await closeDb();
  await stopS3?.();
  await rm(dataDir, { recursive: true, force: true });
});

describe("GET /pki/{programId}/{environmentKey}/ca.pem", () => {
  it("serves the issuing CA then the root, PEM, cacheable, without sign-in", async () => {
    const { GET } = await import("./[programId]/[environmentKey]/ca.pem/route");
    const response = await GET(new Request("http://localhost/pki/provider-ca-csr/sandbox/ca.pem"), params("provider-ca-csr", "sandbox"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-pem-file");
    expect(response.headers.get("cache-control")).toMatch(/^public/);
    const [issuing, root] = (await response.text()).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!.map((p) => new X509Certificate(p));
    expect(issuing!.subject).toMatch(/Issuing CA/);
    expect(root!.subject).toMatch(/Root CA/);
    expect(issuing!.issuer).toBe(root!.subject);
  });

  it.each([
    ["provider-ca-csr", "moon"],
    ["ca-chain", "sandbox"],
    ["..", "sandbox"],
    ["provider-ca-csr", "SANDBOX"],
  ])("answers %s/%s with a plain 404", async (programId, environmentKey) => {
    const { GET } = await import("./[programId]/[environmentKey]/ca.pem/route");
    const response = await GET(new Request("http://localhost/"), params(programId, environmentKey));
    expect(response.status).toBe(404);
    expect(response.headers.get("cache-control")).toBe("no-store");
  });
});

describe("GET /pki/{programId}/{environmentKey}/crl", () => {
  it("serves the issuing CA's CRL as DER, application/pkix-crl, signed by the issuing CA, cacheable for a minute", async () => {
    const { GET } = await import("./[programId]/[environmentKey]/crl/route");
    const response = await GET(new Request("http://localhost/pki/provider-ca-csr/sandbox/crl"), params("provider-ca-csr", "sandbox"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pkix-crl");
    expect(response.headers.get("cache-control")).toBe("public, max-age=60");
    const der = new Uint8Array(await response.arrayBuffer());
    expect(der[0]).toBe(0x30);
    const { X509Crl } = await import("@peculiar/x509");
    const crl = new X509Crl(der);
    const ca = await (await import("./[programId]/[environmentKey]/ca.pem/route")).GET(new Request("http://localhost/"), params("provider-ca-csr", "sandbox"));
    const issuing = new X509Certificate((await ca.text()).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)![0]);
    expect(crl.issuer).toBe(issuing.subject);
    expect(await crl.verify({ publicKey: issuing }, globalThis.crypto)).toBe(true);
    expect(crl.nextUpdate!.getTime() - crl.thisUpdate.getTime()).toBe(7 * 86_400_000);
  });

  it("answers an unknown CA with a plain 404", async () => {
    const { GET } = await import("./[programId]/[environmentKey]/crl/route");
    expect((await GET(new Request("http://localhost/"), params("provider-ca-csr", "production"))).status).toBe(404);
  });
});
