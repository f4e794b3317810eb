/**
 * Issuance on approval, end to end on the real parts (PGlite, the embedded S3 server, OpenSSL):
 * Globex's partner sends two CSRs under provider-ca-csr in sandbox, a reviewer approves, the CA
 * signs, the engine self-checks, the chains are stored encrypted and attached, the enablement
 * flow takes the mTLS chain; a renewal with the active key is KEY_REUSED; a key compromise
 * revokes at the CA and the CRL says so.
 */
import "reflect-metadata";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { Pkcs10CertificateRequest, X509Certificate } from "@peculiar/x509";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { auditEvents, caIssuances, certificateAuthorities, certificates, developerApps, environments, issuedCertificates, notifications, programs, submissionFiles, submissions } from "@/lib/db";
import { getExampleProgram } from "@/lib/policy";
import { approveSubmission } from "@/lib/reviews/approve-submission";
import { revokeCertificate } from "@/lib/scheduling/revoke-certificate";
import { asUser, setupSchedulingHarness } from "@/lib/scheduling/testing";
import { createSubmission } from "@/lib/submissions/create-submission";
import { getSubmission } from "@/lib/submissions/get-submission";
import { submissionJson } from "@/lib/submissions/http/views";
import { downloadFile } from "@/lib/submissions/download-file";
import { findAuthority, initCertificateAuthority, publishDueCrls, readPublishedCrl, type CaDeps } from "./authority";
import JSZip from "jszip";
import { downloadIssued } from "./download-issued";
import { initDemoAuthorities } from "./init-demo";
import { issueForSubmission } from "./issue-certificates";
import { publicCaPem, publicCrl } from "./public";
import { localSignerSource } from "./keys";

const h = setupSchedulingHarness();
let dir: string;
let appId: string;
const SCOPE = { programId: "provider-ca-csr", environmentKey: "sandbox" };

function deps(): CaDeps {
  return { db: h.current.db, storage: h.current.storage, signers: localSignerSource(h.current.config.dataDir), publicUrl: "https://certdesk.example.test" };
}

async function csr(name: string, cn: string): Promise<{ file: { name: string; bytes: Uint8Array }; keyFile: string; pem: string }> {
  const keyFile = path.join(dir, `${name}.key`);
  execFileSync("openssl", ["genrsa", "-out", keyFile, "2048"], { stdio: "ignore" });
  const pem = execFileSync("openssl", ["req", "-new", "-key", keyFile, "-subj", `/C=FR/ST=IdF/L=Paris/O=Globex Financial/CN=${cn}/emailAddress=pki@globex.test`], { encoding: "utf8" });
  return { file: { name: `globex_csr_${name}.pem`, bytes: new TextEncoder().encode(pem) }, keyFile, pem };
}

async function submitCsrs(files: { name: string; bytes: Uint8Array }[]) {
  return createSubmission({ db: h.current.db, storage: h.current.storage }, { actor: asUser(h.current.users.globex), appId, environmentKey: "sandbox", files, submit: true });
}

function openssl(args: string[]): { status: number; out: string } {
  const r = spawnSync("openssl", args, { encoding: "utf8" });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** Everything the code under test logs, for the "no key bytes in logs" check. */
const logged: string[] = [];

beforeAll(async () => {
  for (const method of ["log", "error", "warn", "info", "debug"] as const) {
    const original = console[method].bind(console);
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logged.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack ?? ""}` : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
      original(...args);
    });
  }
  dir = await mkdtemp(path.join(tmpdir(), "certdesk-issuance-"));
  const [app] = await h.current.db.select({ id: developerApps.id }).from(developerApps).where(eq(developerApps.name, "Globex Cards"));
  appId = app!.id;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the CA of a program environment", () => {
  it("ca init is idempotent: one root and issuing CA per environment, the first CRL published", async () => {
    const first = await initCertificateAuthority(deps(), SCOPE);
    const again = await initCertificateAuthority(deps(), SCOPE);
    expect(again.created).toBe(false);
    expect(again.authority.id).toBe(first.authority.id);
    const production = await initCertificateAuthority(deps(), { ...SCOPE, environmentKey: "production" });
    expect(production.authority.rootPem).not.toBe(first.authority.rootPem);
    expect(first.authority.crlNumber).toBe(1);
    expect(await readPublishedCrl(h.current.storage, SCOPE)).toBeInstanceOf(Uint8Array);
    await expect(initCertificateAuthority(deps(), { programId: "ca-chain", environmentKey: "sandbox" })).rejects.toThrow(/issuance is not provider-ca/);
    await expect(initCertificateAuthority(deps(), { ...SCOPE, environmentKey: "moon" })).rejects.toThrow(/no environment "moon"/);
    // npm start's pass over the demo programs: both environments of provider-ca-csr, nothing else, nothing twice.
    expect(await initDemoAuthorities({ db: h.current.db, config: h.current.config, storage: h.current.storage })).toEqual({ created: [], existing: ["provider-ca-csr/sandbox", "provider-ca-csr/production"] });
  });
});

describe("issuance on approval", () => {
  let submissionId: string;
  let mtls: Awaited<ReturnType<typeof csr>>;
  let signature: Awaited<ReturnType<typeof csr>>;

  it("issues one certificate per CSR, self-checked, stored encrypted, attached, announced", async () => {
    mtls = await csr("mtls", "cards.globex.test");
    signature = await csr("signature", "signing.globex.test");
    const created = await submitCsrs([mtls.file, signature.file]);
    expect(created.outcome).toBe("created");
    if (created.outcome !== "created") return;
    submissionId = created.submission.id;

    const before = submissionJson(await getSubmission({ db: h.current.db }, { actor: asUser(h.current.users.globex), submissionId }));
    expect(before.certificates).toEqual([]);

    const approved = await approveSubmission({ db: h.current.db, issue: (id) => issueForSubmission(deps(), id) }, { reviewer: h.current.users.reviewer, submissionId });
    expect(approved.status).toBe("approved");
    const [issuance] = await h.current.db.select().from(caIssuances).where(eq(caIssuances.submissionId, submissionId));
    expect(issuance).toMatchObject({ status: "issued" });
    expect(Object.keys(issuance!.selfCheck!).sort()).toEqual(["mtls", "signature"]);
    for (const check of Object.values(issuance!.selfCheck!)) expect(check.verdict).toBe("accepted");

    const authority = (await findAuthority(h.current.db, SCOPE))!;
    await writeFile(path.join(dir, "root.pem"), authority.rootPem);
    await writeFile(path.join(dir, "issuing.pem"), authority.issuingPem);
    const view = submissionJson(await getSubmission({ db: h.current.db }, { actor: asUser(h.current.users.globex), submissionId }));
    expect(view.certificates.map((c) => ("purpose" in c ? c.purpose : null))).toEqual(["mtls", "signature"]);
    for (const c of view.certificates) {
      if (!("pem" in c)) throw new Error("issued certificate expected");
      const file = path.join(dir, `${c.purpose}.pem`);
      await writeFile(file, c.pem);
      const verified = openssl(["verify", "-x509_strict", "-CAfile", path.join(dir, "root.pem"), "-untrusted", path.join(dir, "issuing.pem"), file]);
      expect(verified.out).toMatch(/OK/);
      expect(verified.status).toBe(0);
      const cert = new X509Certificate(c.pem);
      const request = new Pkcs10CertificateRequest((c.purpose === "mtls" ? mtls : signature).pem);
      expect(Buffer.from(cert.publicKey.rawData).equals(Buffer.from(request.publicKey.rawData))).toBe(true);
      expect(c.chainPem.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
      expect(c.serialNumber).toBe(cert.serialNumber.toLowerCase());
      expect(c.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
    }

    // Attached encrypted, downloadable through the audited path.
    const files = await h.current.db.select().from(submissionFiles).where(and(eq(submissionFiles.submissionId, submissionId), eq(submissionFiles.kind, "issued-chain")));
    expect(files.map((f) => f.name).sort()).toEqual(["mtls-chain.pem", "signature-chain.pem"]);
    const raw = await h.current.storage.getPlain(files[0]!.objectKey).catch(() => new Uint8Array());
    expect(Buffer.from(raw).toString("latin1")).not.toContain("BEGIN CERTIFICATE");
    const downloaded = await downloadFile({ db: h.current.db, storage: h.current.storage }, { actor: asUser(h.current.users.globex), submissionId, fileId: files[0]!.id });
    expect(new TextDecoder().decode(downloaded.bytes)).toMatch(/BEGIN CERTIFICATE/);

    // The enablement flow gets the mTLS chain: leaf, issuing CA, root.
    const rows = await h.current.db.select().from(certificates).where(eq(certificates.submissionId, submissionId));
    expect(rows.map((r) => `${r.position}:${r.role}:${r.status}`).sort()).toEqual(["0:leaf:approved", "1:intermediate:approved", "2:root:approved"]);

    const notes = await h.current.db.select().from(notifications).where(eq(notifications.kind, "certificate.issued"));
    expect(notes.some((n) => n.title === "Your certificates are ready")).toBe(true);
    const events = await h.current.db.select().from(auditEvents).where(and(eq(auditEvents.action, "certificate.issue"), eq(auditEvents.targetId, submissionId)));
    expect(events.map((e) => e.outcome)).toEqual(["success"]);

    // Idempotent: nothing is issued twice.
    expect(await issueForSubmission(deps(), submissionId)).toMatchObject({ status: "skipped" });
    expect(await h.current.db.select().from(issuedCertificates).where(eq(issuedCertificates.submissionId, submissionId))).toHaveLength(2);
  });

  it("downloads: each PEM, each chain and a zip of both purposes, scoped to the partner's organisation and audited; public CA endpoints", async () => {
    const globex = asUser(h.current.users.globex);
    const chain = await downloadIssued(h.current.db, { actor: globex, submissionId, name: "mtls-chain.pem" });
    expect(new TextDecoder().decode(chain.bytes).match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
    const zip = await JSZip.loadAsync((await downloadIssued(h.current.db, { actor: globex, submissionId, name: "certificates.zip" })).bytes);
    expect(Object.keys(zip.files).sort()).toEqual(["ca.pem", "mtls-chain.pem", "mtls.pem", "signature-chain.pem", "signature.pem"]);
    await expect(downloadIssued(h.current.db, { actor: asUser(h.current.users.acme), submissionId, name: "mtls.pem" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(downloadIssued(h.current.db, { actor: globex, submissionId, name: "../../etc/passwd" })).rejects.toMatchObject({ code: "NOT_FOUND" });

    const caPem = (await publicCaPem(h.current.db, SCOPE))!;
    const authority = (await findAuthority(h.current.db, SCOPE))!;
    expect(caPem).toBe(`${authority.issuingPem.trim()}\n${authority.rootPem.trim()}\n`);
    expect(await publicCaPem(h.current.db, { programId: "provider-ca-csr", environmentKey: "nope" })).toBeNull();
    expect(await publicCaPem(h.current.db, { programId: "../x", environmentKey: "sandbox" })).toBeNull();
    const crl = (await publicCrl(h.current.storage, SCOPE))!;
    expect(crl[0]).toBe(0x30);
  });

  it("a renewal CSR with the active certificate's key (either purpose) is KEY_REUSED; new keys are not", async () => {
    // The issued certificate goes live (as the activation job would make it).
    await h.current.db.update(submissions).set({ status: "active" }).where(eq(submissions.id, submissionId));
    await h.current.db.update(certificates).set({ status: "active" }).where(eq(certificates.submissionId, submissionId));
    const fresh = await csr("signature2", "signing2.globex.test");
    const reused = await submitCsrs([mtls.file, fresh.file]);
    expect(reused.outcome).toBe("rejected");
    expect(reused.verdict.findings.map((f) => f.code)).toContain("KEY_REUSED");
    // The signature key too: compared with what the CA issued for either purpose.
    const fresh2 = await csr("mtls2", "cards2.globex.test");
    const reusedSignature = await submitCsrs([fresh2.file, { ...signature.file, name: "globex_csr_signature.pem" }]);
    expect(reusedSignature.verdict.findings.map((f) => f.code)).toContain("KEY_REUSED");
    // Two new keys: quiet.
    const renewed = await submitCsrs([fresh2.file, fresh.file]);
    expect(renewed.verdict.findings.map((f) => f.code)).not.toContain("KEY_REUSED");
    expect(renewed.outcome).toBe("created");
    if (renewed.outcome === "created") await h.current.db.update(submissions).set({ status: "withdrawn" }).where(eq(submissions.id, renewed.submission.id));
  });

  it("key compromise revokes at the CA: the CRL lists the serial with its reason, its number increases, openssl -crl_check refuses", async () => {
    const authorityBefore = (await findAuthority(h.current.db, SCOPE))!;
    const result = await revokeCertificate({ db: h.current.db, storage: h.current.storage, log: vi.fn() }, { actor: asUser(h.current.users.globex), now: new Date(), submissionId, reason: "key-compromise" });
    expect(result.revokedCertificates).toBe(3);
    const revoked = await h.current.db.select().from(issuedCertificates).where(eq(issuedCertificates.submissionId, submissionId));
    expect(revoked.map((r) => [r.status, r.crlReason])).toEqual([["revoked", 1], ["revoked", 1]]);
    expect((await findAuthority(h.current.db, SCOPE))!.crlStale).toBe(true);

    const run = await publishDueCrls(deps());
    expect(run.published).toContain("provider-ca-csr/sandbox");
    const authority = (await findAuthority(h.current.db, SCOPE))!;
    expect(authority.crlNumber).toBeGreaterThan(authorityBefore.crlNumber);
    const der = (await readPublishedCrl(h.current.storage, SCOPE))!;
    const derFile = path.join(dir, "crl.der");
    await writeFile(derFile, der);
    const text = openssl(["crl", "-inform", "DER", "-in", derFile, "-noout", "-text"]).out;
    for (const r of revoked) expect(text.toLowerCase()).toContain(`serial number: ${r.serialNumber}`);
    expect(text).toMatch(/Key Compromise/);
    expect(text).toMatch(new RegExp(`X509v3 CRL Number:\\s*\\n\\s*${authority.crlNumber}\\n`));

    const crlPem = path.join(dir, "crl.pem");
    execFileSync("openssl", ["crl", "-inform", "DER", "-in", derFile, "-out", crlPem]);
    const refused = openssl(["verify", "-x509_strict", "-crl_check", "-CRLfile", crlPem, "-CAfile", path.join(dir, "root.pem"), "-untrusted", path.join(dir, "issuing.pem"), path.join(dir, "mtls.pem")]);
    expect(refused.status).not.toBe(0);
    expect(refused.out).toMatch(/certificate revoked/);
    const audit = await h.current.db.select().from(auditEvents).where(and(eq(auditEvents.action, "certificate.revoke"), eq(auditEvents.targetId, submissionId)));
    expect(audit[0]!.details).toMatchObject({ revokedAtCa: revoked.map((r) => r.serialNumber) });
    // Nothing more to publish until the next revocation or a day has passed.
    expect((await publishDueCrls(deps())).published).not.toContain("provider-ca-csr/sandbox");
  });

  it("a self-check failure blocks release: nothing issued to the partner, support alerted, recorded with the submission", async () => {
    // A program whose rules the CA itself cannot meet: issuers must have 4096-bit RSA keys (the CA's are 2048).
    const strict = { ...getExampleProgram("provider-ca-csr")!, id: "t-strict-ca" };
    strict.rules = { ...strict.rules, issuerMinRsaBits: 4096 };
    await h.current.db.insert(programs).values({ id: strict.id, version: 1, name: strict.name, definition: strict });
    const [app] = await h.current.db.insert(developerApps).values({ organisationId: h.current.globexOrgId, name: "Globex Strict", programId: strict.id }).returning({ id: developerApps.id });
    await h.current.db.insert(environments).values({ appId: app!.id, key: "sandbox", label: "Sandbox", production: false });
    const a = await csr("strict-mtls", "strict.globex.test");
    const b = await csr("strict-signature", "strict-sign.globex.test");
    const created = await createSubmission({ db: h.current.db, storage: h.current.storage }, { actor: asUser(h.current.users.globex), appId: app!.id, environmentKey: "sandbox", files: [a.file, b.file], submit: true });
    if (created.outcome !== "created") throw new Error(`upload ${created.outcome}`);
    const id = created.submission.id;
    const approved = await approveSubmission({ db: h.current.db, issue: (sid) => issueForSubmission(deps(), sid) }, { reviewer: h.current.users.reviewer, submissionId: id });
    expect(approved.status).toBe("approved");
    const [issuance] = await h.current.db.select().from(caIssuances).where(eq(caIssuances.submissionId, id));
    expect(issuance!.status).toBe("blocked");
    expect(issuance!.selfCheck!.mtls!.verdict).toBe("rejected");
    expect(issuance!.detail).toMatch(/engine rejected the issued mtls chain/);
    expect(await h.current.db.select().from(issuedCertificates).where(eq(issuedCertificates.submissionId, id))).toEqual([]);
    expect(await h.current.db.select().from(certificates).where(eq(certificates.submissionId, id))).toEqual([]);
    const view = submissionJson(await getSubmission({ db: h.current.db }, { actor: asUser(h.current.users.globex), submissionId: id }));
    expect(view.certificates).toEqual([]);
    const alerts = await h.current.db.select().from(notifications).where(eq(notifications.kind, "certificate.issue_blocked"));
    expect(alerts.length).toBeGreaterThan(0);
    // Support hears of it; the partner does not (nothing was released).
    expect(alerts.some((n) => n.userId === h.current.users.support.id)).toBe(true);
    expect(alerts.some((n) => n.userId === h.current.users.globex.id)).toBe(false);
    const events = await h.current.db.select().from(auditEvents).where(and(eq(auditEvents.action, "certificate.issue"), eq(auditEvents.targetId, id)));
    expect(events.map((e) => e.outcome)).toEqual(["failure"]);
  });

  it("no CA key bytes in the logs or the audit trail", async () => {
    const key = await readFile(path.join(h.current.config.dataDir, "ca", "provider-ca-csr", "sandbox", "issuing.key"));
    const needle = key.toString("base64").slice(20, 60);
    const all = await h.current.db.select().from(auditEvents);
    expect(JSON.stringify(all)).not.toContain(needle);
    // A failing signer (a damaged key file) logs and throws without the key's bytes either.
    const damaged = path.join(h.current.config.dataDir, "ca", "provider-ca-csr", "production", "issuing.key");
    const original = await readFile(damaged);
    const { writeFile: write } = await import("node:fs/promises");
    await write(damaged, Buffer.concat([original.subarray(0, 200), Buffer.from("garbage")]));
    const fresh = localSignerSource(h.current.config.dataDir);
    await expect(fresh.open("local:ca/provider-ca-csr/production/issuing.key", "RSA_2048")).rejects.toThrow(/not a RSA_2048 PKCS #8 key/);
    await h.current.db.update(certificateAuthorities).set({ crlStale: true }).where(eq(certificateAuthorities.environmentKey, "production"));
    const run = await publishDueCrls({ ...deps(), signers: fresh });
    expect(run.failed).toContain("provider-ca-csr/production");
    await write(damaged, original);
    const needles = [needle, original.toString("base64").slice(20, 60), original.subarray(30, 60).toString("hex")];
    expect(logged.join("\n")).toMatch(/CRL of provider-ca-csr\/production not published/);
    for (const n of needles) expect(logged.join("\n")).not.toContain(n);
    expect(JSON.stringify(all)).not.toContain(path.join(h.current.config.dataDir, "ca"));
  });
});
