/**
 * THE PROOF: what the activation job publishes is what a gateway needs to let the right
 * partner in, at the right time, and no one else.
 *
 * A real TLS server (Node https, requestCert) plays the API gateway. It is configured ONLY
 * from the truststore.pem and clients.json it reads back from the embedded S3 server (via
 * current.json, as a gateway deployment would), and reloads them after every job run. It
 * answers 200 when the client chain verifies against truststore.pem AND the leaf's SHA-256
 * fingerprint is listed for an app in clients.json, else 403 — like API Gateway's mutual
 * TLS plus an authorizer on the fingerprint. A second, strict server (rejectUnauthorized)
 * shows the handshake itself failing. Clients are real: Node https, curl and openssl
 * s_client, holding the partner's key and certificate.
 */
import "reflect-metadata";
import { spawn } from "node:child_process";
import { createServer, request, type Server } from "node:https";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TLSSocket } from "node:tls";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { truststoreVersions } from "@/lib/db";
import { activateEnablements } from "@/lib/jobs/activate-enablements";
import { EKU, mintCertificate, toPemString, type TestCert } from "@/lib/pki/testing/factory";
import { readPublishedTruststore } from "./publish-truststore";
import { revokeCertificate } from "./revoke-certificate";
import { scheduleEnablement } from "./schedule-enablement";
import { asUser, createTestApp, insertCertificateSubmission, setupSchedulingHarness, type TestApp } from "./testing";
import { createOneOffWindow } from "./windows";

const h = setupSchedulingHarness();

const T0 = new Date("2026-03-02T09:00:00Z");
const WINDOW = new Date("2026-03-05T10:00:00Z");
const HOUR = 3_600_000;
const EC = { algorithm: "EC", curve: "P-256" } as const;
// TLS checks validity against the real clock, so every certificate here is valid for years
// around it; the job's own clock is the injected one above.
const VALID = { notBefore: new Date("2026-01-01T00:00:00Z"), notAfter: new Date("2036-01-01T00:00:00Z") };

type Identity = { name: string; cert: TestCert; chainPem: string; keyPem: string };
type GatewayConfig = { version: number | null; ca: string[]; apps: Map<string, string> };

async function keyPem(cert: TestCert): Promise<string> {
  const pkcs8 = await crypto.subtle.exportKey("pkcs8", cert.keys.privateKey);
  return toPemString(new Uint8Array(pkcs8), "PRIVATE KEY");
}

function pemBlocks(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
}

/** What the gateway reads from S3: nothing published yet means it trusts no one (never the public roots). */
async function loadGatewayConfig(scope: { programId: string; environmentKey: string }): Promise<GatewayConfig> {
  const store = await readPublishedTruststore(h.current.storage, scope);
  if (!store) return { version: null, ca: [], apps: new Map() };
  const apps = new Map<string, string>();
  for (const app of store.clients.apps) for (const c of app.clients) apps.set(c.fingerprintSha256, app.appName);
  return { version: store.version, ca: pemBlocks(store.pem), apps };
}

let app: TestApp;
let serverKey: string;
let serverCert: string;
let serverCa: string;
let gateway: Server;
let strict: Server;
let port: number;
let strictPort: number;
let config: GatewayConfig = { version: null, ca: [], apps: new Map() };
let oldClient: Identity;
let newClient: Identity;
let newSubmissionId: string;
let keyDir: string;
const scope = () => ({ programId: app.programId, environmentKey: "production" });

/** Runs the job at `at`, then reloads both servers' trust from S3 (new connections use it). */
async function runJobAndReload(at: Date) {
  const report = await activateEnablements({ db: h.current.db, storage: h.current.storage, now: at, log: () => undefined });
  await reload();
  return report;
}

async function reload() {
  config = await loadGatewayConfig(scope());
  // `ca: []` (not undefined): an empty trust store must trust nothing, not Node's default roots.
  for (const server of [gateway, strict]) server.setSecureContext({ key: serverKey, cert: serverCert, ca: config.ca });
}

function gatewayHandler(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized) {
    res.writeHead(403, { "content-type": "text/plain", connection: "close" }).end(`forbidden: client certificate not trusted (${String(socket.authorizationError)})\n`);
    return;
  }
  const fingerprint = socket.getPeerCertificate().fingerprint256.replace(/:/g, "").toLowerCase();
  const appName = config.apps.get(fingerprint);
  if (!appName) {
    res.writeHead(403, { "content-type": "text/plain", connection: "close" }).end("forbidden: certificate not enabled for any app\n");
    return;
  }
  res.writeHead(200, { "content-type": "text/plain", connection: "close" }).end(`hello ${appName}\n`);
}

function callNode(identity: Identity, options: { port?: number } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: options.port ?? port, servername: "localhost", path: "/", ca: serverCa, cert: identity.chainPem, key: identity.keyPem, agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** A real external client process; the server runs in this process, so never block (no execFileSync). */
function tool(command: string, args: string[], input = ""): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** Key and chain written for curl/openssl: owner-only files in an owner-only temp folder, removed in afterAll. */
async function files(identity: Identity): Promise<{ cert: string; key: string; ca: string }> {
  const dir = path.join(keyDir, identity.name);
  await rm(dir, { recursive: true, force: true });
  await import("node:fs/promises").then((fs) => fs.mkdir(dir, { mode: 0o700 }));
  const out = { cert: path.join(dir, "cert.pem"), key: path.join(dir, "key.pem"), ca: path.join(dir, "server-ca.pem") };
  await writeFile(out.key, identity.keyPem, { mode: 0o600 });
  await writeFile(out.cert, identity.chainPem, { mode: 0o600 });
  await writeFile(out.ca, serverCa, { mode: 0o600 });
  return out;
}

async function curl(identity: Identity): Promise<{ status: number; body: string }> {
  const f = await files(identity);
  const r = await tool("curl", ["-sS", "--max-time", "15", "--resolve", `localhost:${port}:127.0.0.1`, "--cacert", f.ca, "--cert", f.cert, "--key", f.key, "-w", "\n%{http_code}", `https://localhost:${port}/`]);
  if (r.code !== 0) throw new Error(`curl failed (${r.code}): ${r.stderr}`);
  // `-w "\n%{http_code}"`: the status is after the last newline.
  const cut = r.stdout.lastIndexOf("\n");
  return { status: Number(r.stdout.slice(cut + 1)), body: r.stdout.slice(0, cut) };
}

async function opensslClient(identity: Identity, targetPort = port): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const f = await files(identity);
  return tool(
    "openssl",
    ["s_client", "-connect", `127.0.0.1:${targetPort}`, "-servername", "localhost", "-CAfile", f.ca, "-verify_return_error", "-cert", f.cert, "-key", f.key, "-quiet"],
    "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
  );
}

function statusLine(stdout: string): string {
  return stdout.split("\r\n")[0] ?? "";
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  const { db, acmeOrgId, users } = h.current;
  keyDir = await mkdtemp(path.join(tmpdir(), "certdesk-mtls-"));

  const gatewayCa = await mintCertificate({ subject: "CN=Gateway Test Server CA, O=Certdesk Test", ca: true, keys: EC, keyLabel: "mtls:server-ca" });
  const server = await mintCertificate({
    subject: "CN=localhost, O=Certdesk Test",
    issuer: gatewayCa,
    keys: EC,
    keyLabel: "mtls:server",
    ...VALID,
    extendedKeyUsage: [EKU.serverAuth],
    sans: [
      { kind: "DNS", value: "localhost" },
      { kind: "IP", value: "127.0.0.1" },
    ],
  });
  serverKey = await keyPem(server);
  serverCert = server.pem;
  serverCa = gatewayCa.pem;

  // The partner's current certificate: CA-issued (root → issuing CA → leaf), active already.
  const root = await mintCertificate({ subject: "CN=Acme Payments mTLS Root CA, O=Acme Payments Ltd", ca: true, keys: EC, keyLabel: "mtls:root" });
  const ica = await mintCertificate({ subject: "CN=Acme Payments mTLS Issuing CA, O=Acme Payments Ltd", ca: true, issuer: root, keys: EC, keyLabel: "mtls:ica" });
  const oldLeaf = await mintCertificate({ subject: "CN=Acme Payments Client 2025, O=Acme Payments Ltd", issuer: ica, keys: EC, keyLabel: "mtls:old", ...VALID });
  // Its replacement: a self-signed leaf (the self-signed-allowed program's case).
  const newLeaf = await mintCertificate({ subject: "CN=Acme Payments Client 2026, O=Acme Payments Ltd", keys: EC, keyLabel: "mtls:new", ...VALID });
  oldClient = { name: "old", cert: oldLeaf, chainPem: oldLeaf.pem + ica.pem, keyPem: await keyPem(oldLeaf) };
  newClient = { name: "new", cert: newLeaf, chainPem: newLeaf.pem, keyPem: await keyPem(newLeaf) };

  app = await createTestApp(db, { organisationId: acmeOrgId, name: "Acme Checkout mTLS" });
  await insertCertificateSubmission(db, { app, organisationId: acmeOrgId, environment: "production", chain: [oldLeaf, ica, root], status: "active", approvedAt: new Date("2026-01-05T00:00:00Z") });
  const approved = await insertCertificateSubmission(db, { app, organisationId: acmeOrgId, environment: "production", chain: [newLeaf], status: "approved", approvedAt: T0 });
  newSubmissionId = approved.submissionId;
  const support = asUser(users.support);
  const { id: windowId } = await createOneOffWindow(db, { actor: support, now: T0, window: { programId: app.programId, environmentKey: "production", startsAt: WINDOW, durationMinutes: 60, capacity: 3 } });
  await scheduleEnablement(db, { actor: support, now: T0, submissionId: newSubmissionId, windowId });

  gateway = createServer({ key: serverKey, cert: serverCert, ca: [], requestCert: true, rejectUnauthorized: false }, gatewayHandler);
  strict = createServer({ key: serverKey, cert: serverCert, ca: [], requestCert: true, rejectUnauthorized: true }, gatewayHandler);
  port = await listen(gateway);
  strictPort = await listen(strict);
  // First run: publishes the trust store as it stands (the old certificate only).
  const first = await runJobAndReload(T0);
  expect(first.published.filter((p) => p.programId === app.programId).map((p) => p.version)).toEqual([1]);
}, 120_000);

afterAll(async () => {
  for (const s of [gateway, strict]) {
    s?.closeAllConnections();
    await new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));
  }
  // The client keys written for curl/openssl leave with the folder.
  if (keyDir) await rm(keyDir, { recursive: true, force: true });
});

describe("mTLS against a gateway configured only from the published trust store", () => {
  it("before the window: the new certificate is refused (node, curl, strict handshake); the old one works", async () => {
    const report = await runJobAndReload(new Date(WINDOW.getTime() - 60_000));
    expect(report.activated).toEqual([]);
    expect(config.version).toBe(1);
    const refused = await callNode(newClient);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatch(/client certificate not trusted/);
    expect(await curl(newClient)).toMatchObject({ status: 403 });
    await expect(callNode(newClient, { port: strictPort })).rejects.toThrow();
    expect(await callNode(oldClient)).toEqual({ status: 200, body: "hello Acme Checkout mTLS\n" });
  });

  it("once the job has run at the window: the new certificate succeeds (curl --cert and node), the old one too (overlap)", async () => {
    const report = await runJobAndReload(new Date(WINDOW.getTime() + 60_000));
    expect(report.activated).toHaveLength(1);
    expect(config.version).toBe(2);
    expect(await curl(newClient)).toEqual({ status: 200, body: "hello Acme Checkout mTLS\n" });
    expect(await callNode(newClient)).toMatchObject({ status: 200 });
    expect(await callNode(newClient, { port: strictPort })).toMatchObject({ status: 200 });
    expect(await callNode(oldClient)).toMatchObject({ status: 200 });
  });

  it("during the 48-hour overlap the old certificate still works (openssl s_client)", async () => {
    const report = await runJobAndReload(new Date(WINDOW.getTime() + 47 * HOUR));
    expect(report.retired).toBe(0);
    const r = await opensslClient(oldClient);
    expect(statusLine(r.stdout)).toBe("HTTP/1.1 200 OK");
    expect(r.stdout).toContain("hello Acme Checkout mTLS");
  });

  it("after the overlap the old certificate is refused (openssl s_client gets 403; the strict gateway ends the handshake); the new one works", async () => {
    const report = await runJobAndReload(new Date(WINDOW.getTime() + 60_000 + 48 * HOUR + 60_000));
    expect(report.retired).toBe(1);
    expect(config.version).toBe(3);
    const r = await opensslClient(oldClient);
    expect(statusLine(r.stdout)).toBe("HTTP/1.1 403 Forbidden");
    expect(r.stdout).toMatch(/client certificate not trusted/);
    const handshake = await opensslClient(oldClient, strictPort);
    expect(handshake.stdout).not.toContain("HTTP/1.1");
    // TLS 1.3: the server's "unknown CA" alert comes after the client's Finished, so openssl
    // reports either the alert or the reset that follows it — never an HTTP answer.
    expect(handshake.stderr).toMatch(/alert|errno=|error/i);
    await expect(callNode(oldClient, { port: strictPort })).rejects.toThrow();
    expect(await callNode(newClient)).toMatchObject({ status: 200 });
  });

  it("after an emergency revocation the new certificate is refused at once, outside any window", async () => {
    const at = new Date(WINDOW.getTime() + 60 * HOUR);
    const result = await revokeCertificate({ db: h.current.db, storage: h.current.storage }, { actor: asUser(h.current.users.acme), now: at, submissionId: newSubmissionId, reason: "key-compromise", comment: "key found in a public repository" });
    expect(result.publish).toMatchObject({ published: true, version: 4 });
    await reload();
    expect(await curl(newClient)).toMatchObject({ status: 403 });
    expect(await callNode(newClient)).toMatchObject({ status: 403 });
    await expect(callNode(newClient, { port: strictPort })).rejects.toThrow();
    // The history says what caused each version.
    const versions = await h.current.db
      .select({ version: truststoreVersions.version, cause: truststoreVersions.cause })
      .from(truststoreVersions)
      .where(and(eq(truststoreVersions.programId, app.programId), eq(truststoreVersions.environmentKey, "production")))
      .orderBy(asc(truststoreVersions.version));
    expect(versions).toEqual([
      { version: 1, cause: "reconcile" },
      { version: 2, cause: "activation of CN=Acme Payments Client 2026, O=Acme Payments Ltd (Acme Checkout mTLS)" },
      { version: 3, cause: "retirement of CN=Acme Payments Client 2025, O=Acme Payments Ltd (overlap ended)" },
      { version: 4, cause: "revocation of CN=Acme Payments Client 2026, O=Acme Payments Ltd (key-compromise)" },
    ]);
    // A later job run changes nothing: the revocation is already published.
    const after = await runJobAndReload(new Date(at.getTime() + 60_000));
    expect(after.published.filter((p) => p.programId === app.programId)).toEqual([]);
  });
});
