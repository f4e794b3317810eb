/**
 * The CA journey without a browser (the Playwright spec e2e/ca/ca.spec.ts walks the same
 * steps through the pages): Globex's partner sends two CSRs under provider-ca-csr in sandbox,
 * a reviewer approves, Certdesk issues, support enables at once, the activation job publishes
 * the trust store — and a real TLS handshake (Node https, strict: requestCert +
 * rejectUnauthorized, configured ONLY from the published truststore.pem and clients.json)
 * succeeds with the issued mTLS certificate and the partner's key, then fails once the
 * partner reports a key compromise.
 */
import "reflect-metadata";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, request, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TLSSocket } from "node:tls";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { developerApps } from "@/lib/db";
import { activateEnablements } from "@/lib/jobs/activate-enablements";
import { approveSubmission } from "@/lib/reviews/approve-submission";
import { readPublishedTruststore } from "@/lib/scheduling/publish-truststore";
import { revokeCertificate } from "@/lib/scheduling/revoke-certificate";
import { scheduleEnablement } from "@/lib/scheduling/schedule-enablement";
import { asUser, setupSchedulingHarness } from "@/lib/scheduling/testing";
import { createSubmission } from "@/lib/submissions/create-submission";
import type { CaDeps } from "./authority";
import { downloadIssued } from "./download-issued";
import { issueForSubmission } from "./issue-certificates";
import { localSignerSource } from "./keys";

const h = setupSchedulingHarness();
const SCOPE = { programId: "provider-ca-csr", environmentKey: "sandbox" };
let dir: string;
let serverKey: string;
let serverCert: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "certdesk-ca-journey-"));
  const keyFile = path.join(dir, "server.key");
  const certFile = path.join(dir, "server.crt");
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", keyFile, "-out", certFile, "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"], { stdio: "ignore" });
  serverKey = await readFile(keyFile, "utf8");
  serverCert = await readFile(certFile, "utf8");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function deps(): CaDeps {
  return { db: h.current.db, storage: h.current.storage, signers: localSignerSource(h.current.config.dataDir), publicUrl: "http://localhost:3000" };
}

/** A gateway built from what is published now: chain must verify against truststore.pem, leaf must be in clients.json. */
async function gateway(): Promise<{ server: Server; port: number }> {
  const store = await readPublishedTruststore(h.current.storage, SCOPE);
  const ca = store?.pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
  const allowed = new Set((store?.clients.apps ?? []).flatMap((a) => a.clients.map((c) => c.fingerprintSha256)));
  // `ca: []` when nothing is published: trust nobody, never Node's default roots.
  const server = createServer({ key: serverKey, cert: serverCert, ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const fingerprint = (req.socket as TLSSocket).getPeerCertificate().fingerprint256.replace(/:/g, "").toLowerCase();
    const ok = allowed.has(fingerprint);
    res.writeHead(ok ? 200 : 403, { connection: "close" }).end(ok ? "hello\n" : "not enabled\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function call(port: number, client: { cert: string; key: string }): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, servername: "localhost", path: "/", ca: serverCert, cert: client.cert, key: client.key, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on("error", (e) => resolve({ error: e.message }));
    req.end();
  });
}

describe("CSRs in, certificates out, enabled, then revoked", () => {
  it("a real mTLS handshake with the issued certificate succeeds after immediate enablement and fails after key compromise", async () => {
    const keys: Record<string, string> = {};
    const uploads = [];
    for (const purpose of ["mtls", "signature"]) {
      const keyFile = path.join(dir, `${purpose}.key`);
      execFileSync("openssl", ["genrsa", "-out", keyFile, "2048"], { stdio: "ignore" });
      keys[purpose] = await readFile(keyFile, "utf8");
      const csr = execFileSync("openssl", ["req", "-new", "-key", keyFile, "-subj", `/C=FR/ST=IdF/L=Paris/O=Globex Financial/CN=${purpose}.journey.globex.test/emailAddress=pki@globex.test`], { encoding: "utf8" });
      uploads.push({ name: `globex_csr_${purpose}.pem`, bytes: new TextEncoder().encode(csr) });
    }
    const [app] = await h.current.db.select({ id: developerApps.id }).from(developerApps).where(eq(developerApps.name, "Globex Cards"));
    const created = await createSubmission({ db: h.current.db, storage: h.current.storage }, { actor: asUser(h.current.users.globex), appId: app!.id, environmentKey: "sandbox", files: uploads, submit: true });
    if (created.outcome !== "created") throw new Error(`upload ${created.outcome}: ${created.verdict.findings.map((f) => f.code).join(", ")}`);
    const submissionId = created.submission.id;
    await approveSubmission({ db: h.current.db, issue: (id) => issueForSubmission(deps(), id) }, { reviewer: h.current.users.reviewer, submissionId });

    // What the partner downloads: the mTLS chain (leaf, issuing CA, root).
    const chain = new TextDecoder().decode((await downloadIssued(h.current.db, { actor: asUser(h.current.users.globex), submissionId, name: "mtls-chain.pem" })).bytes);
    const client = { cert: chain, key: keys.mtls! };

    // Nothing published yet: the gateway trusts nobody.
    const empty = await gateway();
    try {
      expect(await call(empty.port, client)).not.toEqual({ status: 200 });
    } finally {
      empty.server.close();
    }

    // Support enables at once (sandbox); the activation job makes it active and publishes.
    const scheduled = await scheduleEnablement(h.current.db, { actor: asUser(h.current.users.support), now: new Date(), submissionId, immediate: true });
    expect(scheduled).toMatchObject({ windowId: null });
    const report = await activateEnablements({ db: h.current.db, storage: h.current.storage, now: new Date(), log: vi.fn() });
    expect(report.activated.length).toBeGreaterThan(0);
    const store = (await readPublishedTruststore(h.current.storage, SCOPE))!;
    expect(store.pem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2); // issuing CA + root

    const live = await gateway();
    try {
      expect(await call(live.port, client)).toEqual({ status: 200 });
      // The signature certificate (same CA, no clientAuth, not in clients.json) does not get in.
      const signatureChain = new TextDecoder().decode((await downloadIssued(h.current.db, { actor: asUser(h.current.users.globex), submissionId, name: "signature-chain.pem" })).bytes);
      expect(await call(live.port, { cert: signatureChain, key: keys.signature! })).not.toEqual({ status: 200 });
    } finally {
      live.server.close();
    }

    const revoked = await revokeCertificate({ db: h.current.db, storage: h.current.storage, log: vi.fn() }, { actor: asUser(h.current.users.globex), now: new Date(), submissionId, reason: "key-compromise" });
    expect(revoked.publish).toMatchObject({ published: true });
    const after = await gateway();
    try {
      const result = await call(after.port, client);
      expect(result).not.toEqual({ status: 200 });
      // Nothing else is trusted in this environment, so the handshake itself is refused.
      expect("error" in result).toBe(true);
    } finally {
      after.server.close();
    }
  });
});
