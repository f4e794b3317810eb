/**
 * The handshake matrix through the sandbox gateway of `npm start`, with real curl processes:
 * the gateway reads only what the activation job published to the embedded S3 server and
 * decides with the same authorizer code as the Lambda.
 */
import "reflect-metadata";
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activateEnablements } from "@/lib/jobs/activate-enablements";
import { mintCertificate, toPemString, type TestCert } from "@/lib/pki/testing/factory";
import { revokeCertificate } from "@/lib/scheduling/revoke-certificate";
import { scheduleEnablement } from "@/lib/scheduling/schedule-enablement";
import { asUser, createTestApp, insertCertificateSubmission, setupSchedulingHarness, type TestApp } from "@/lib/scheduling/testing";
import { createOneOffWindow } from "@/lib/scheduling/windows";
import { sandboxGatewayPort, startSandboxGateway, whoamiCurlCommand, type SandboxGateway } from "./sandbox";

const h = setupSchedulingHarness();

const T0 = new Date("2026-03-02T09:00:00Z");
const WINDOW = new Date("2026-03-05T10:00:00Z");
const HOUR = 3_600_000;
const EC = { algorithm: "EC", curve: "P-256" } as const;
// TLS checks validity against the real clock: certificates valid for years around it.
const VALID = { notBefore: new Date("2026-01-01T00:00:00Z"), notAfter: new Date("2036-01-01T00:00:00Z") };

type Identity = { name: string; chainPem: string; keyPem: string };

let app: TestApp;
let gateway: SandboxGateway;
let dataDir: string;
let clock = T0;
let oldClient: Identity;
let newClient: Identity;
let stranger: Identity;
let newSubmissionId: string;
const matrix: string[] = [];

async function identity(name: string, leaf: TestCert, chain: TestCert[] = []): Promise<Identity> {
  const pkcs8 = await crypto.subtle.exportKey("pkcs8", leaf.keys.privateKey);
  return { name, chainPem: [leaf, ...chain].map((c) => c.pem).join(""), keyPem: toPemString(new Uint8Array(pkcs8), "PRIVATE KEY") };
}

async function runJob(at: Date) {
  clock = at;
  const report = await activateEnablements({ db: h.current.db, storage: h.current.storage, now: at, log: () => undefined });
  await gateway.reload();
  return report;
}

/** A real curl process; the gateway runs in this process, so never block on it. */
function curl(who: Identity): Promise<{ exit: number | null; status: number | null; body: string; stderr: string }> {
  return (async () => {
    const dir = path.join(dataDir, "clients", who.name);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const certFile = path.join(dir, "client-chain.pem");
    const keyFile = path.join(dir, "client-key.pem");
    await writeFile(certFile, who.chainPem, { mode: 0o600 });
    await writeFile(keyFile, who.keyPem, { mode: 0o600 });
    // The exact command the environment page shows, plus -sS and the status for the test.
    const shown = whoamiCurlCommand({ port: gateway.port, caFile: gateway.caFile, certFile, keyFile }).split(" ").slice(1);
    return new Promise((resolve, reject) => {
      const child = spawn("curl", ["-sS", "--max-time", "15", "-w", "\n%{http_code}", ...shown], { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("close", (exit) => {
        const cut = stdout.lastIndexOf("\n");
        const status = Number(stdout.slice(cut + 1));
        matrix.push(`${clock.toISOString()} ${who.name.padEnd(8)} curl exit ${exit} ${exit === 0 ? `HTTP ${status}` : stderr.trim().split("\n").pop()}`);
        resolve({ exit, status: exit === 0 ? status : null, body: stdout.slice(0, Math.max(cut, 0)), stderr });
      });
    });
  })();
}

beforeAll(async () => {
  const { db, acmeOrgId, users } = h.current;
  dataDir = await mkdtemp(path.join(tmpdir(), "certdesk-sandbox-gw-"));

  const root = await mintCertificate({ subject: "CN=Acme Payments mTLS Root CA, O=Acme Payments Ltd", ca: true, keys: EC, keyLabel: "sgw:root" });
  const ica = await mintCertificate({ subject: "CN=Acme Payments mTLS Issuing CA, O=Acme Payments Ltd", ca: true, issuer: root, keys: EC, keyLabel: "sgw:ica" });
  const oldLeaf = await mintCertificate({ subject: "CN=Acme Payments Client 2025, O=Acme Payments Ltd", issuer: ica, keys: EC, keyLabel: "sgw:old", ...VALID });
  const newLeaf = await mintCertificate({ subject: "CN=Acme Payments Client 2026, O=Acme Payments Ltd", keys: EC, keyLabel: "sgw:new", ...VALID });
  // Same private CA as the old certificate, never submitted: the trust store alone would admit it.
  const strangerLeaf = await mintCertificate({ subject: "CN=Acme Payments Test Laptop, O=Acme Payments Ltd", issuer: ica, keys: EC, keyLabel: "sgw:stranger", ...VALID });
  oldClient = await identity("old", oldLeaf, [ica]);
  newClient = await identity("new", newLeaf);
  stranger = await identity("stranger", strangerLeaf, [ica]);

  app = await createTestApp(db, { organisationId: acmeOrgId, name: "Acme Checkout Sandbox GW" });
  await insertCertificateSubmission(db, { app, organisationId: acmeOrgId, environment: "production", chain: [oldLeaf, ica, root], status: "active", approvedAt: new Date("2026-01-05T00:00:00Z") });
  const approved = await insertCertificateSubmission(db, { app, organisationId: acmeOrgId, environment: "production", chain: [newLeaf], status: "approved", approvedAt: T0 });
  newSubmissionId = approved.submissionId;
  const support = asUser(users.support);
  const { id: windowId } = await createOneOffWindow(db, { actor: support, now: T0, window: { programId: app.programId, environmentKey: "production", startsAt: WINDOW, durationMinutes: 60, capacity: 3 } });
  await scheduleEnablement(db, { actor: support, now: T0, submissionId: newSubmissionId, windowId });

  gateway = await startSandboxGateway({ storage: h.current.storage, dataDir, port: 0, pollMs: 60_000, now: () => clock, log: () => undefined });
  await runJob(T0);
}, 120_000);

afterAll(async () => {
  if (process.env.CERTDESK_PRINT_MATRIX) console.log(matrix.join("\n"));
  await gateway?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("the sandbox gateway (npm start's https://localhost:8443/whoami), curl through the published trust store", () => {
  it("creates its server CA in the data dir, key readable by its owner only", async () => {
    expect(gateway.caFile).toBe(path.join(dataDir, "gateway", "ca.pem"));
    expect((await stat(path.join(dataDir, "gateway", "ca-key.pem"))).mode & 0o777).toBe(0o600);
    expect(sandboxGatewayPort({})).toBe(8443);
    expect(sandboxGatewayPort({ CERTDESK_GATEWAY_PORT: "9443" })).toBe(9443);
    expect(() => sandboxGatewayPort({ CERTDESK_GATEWAY_PORT: "84x3" })).toThrow(/CERTDESK_GATEWAY_PORT/);
  });

  it("before the window: the new certificate is refused in the handshake; the old one is admitted as its app", async () => {
    await runJob(new Date(WINDOW.getTime() - 60_000));
    const refused = await curl(newClient);
    expect(refused.exit).not.toBe(0);
    expect(refused.status).toBeNull();
    const old = await curl(oldClient);
    expect(old.status).toBe(200);
    expect(JSON.parse(old.body)).toMatchObject({ appId: app.appId, organisationId: h.current.acmeOrgId, environment: "production", status: "active" });
  });

  it("after activation: the new certificate answers 200 with the right app; during the overlap the old one too (retiring)", async () => {
    const report = await runJob(new Date(WINDOW.getTime() + 60_000));
    expect(report.activated).toHaveLength(1);
    const fresh = await curl(newClient);
    expect(fresh.status).toBe(200);
    const body = JSON.parse(fresh.body);
    expect(body).toMatchObject({ appId: app.appId, organisationId: h.current.acmeOrgId, environment: "production", status: "active" });
    expect(body.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
    await runJob(new Date(WINDOW.getTime() + 47 * HOUR));
    const old = await curl(oldClient);
    expect(old.status).toBe(200);
    expect(JSON.parse(old.body)).toMatchObject({ appId: app.appId, status: "retiring" });
  });

  it("a certificate from the same private CA that was never submitted: 403 problem+json, not a handshake failure", async () => {
    const r = await curl(stranger);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body)).toMatchObject({ type: "urn:certdesk:problem:forbidden", status: 403, code: "unknown-certificate" });
  });

  it("the overlap's end is enforced by the authorizer even before the job runs; after retirement the old one is refused in the handshake", async () => {
    clock = new Date(WINDOW.getTime() + 60_000 + 48 * HOUR + 1_000);
    const early = await curl(oldClient);
    expect(early.status).toBe(403);
    expect(JSON.parse(early.body)).toMatchObject({ code: "overlap-ended" });
    const report = await runJob(new Date(WINDOW.getTime() + 49 * HOUR + 60_000));
    expect(report.retired).toBe(1);
    const r = await curl(oldClient);
    expect(r.exit).not.toBe(0);
    expect(r.status).toBeNull();
    expect((await curl(newClient)).status).toBe(200);
  });

  it("after an emergency revocation the new certificate is refused at once", async () => {
    const at = new Date(WINDOW.getTime() + 60 * HOUR);
    await revokeCertificate({ db: h.current.db, storage: h.current.storage }, { actor: asUser(h.current.users.acme), now: at, submissionId: newSubmissionId, reason: "key-compromise", comment: "key found in a public repository" });
    clock = at;
    await gateway.reload();
    const r = await curl(newClient);
    expect(r.exit).not.toBe(0);
    expect(r.status).toBeNull();
  });
});
