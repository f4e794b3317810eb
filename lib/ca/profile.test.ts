/**
 * The CA's issuance path end to end, judged by OpenSSL and by lib/pki: every issued certificate
 * verifies strictly, carries the CSR's key and nothing else of the CSR, the profile per purpose,
 * unpredictable serials, and revocation shows in a CRL OpenSSL honours.
 */
import "reflect-metadata";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Pkcs10CertificateRequest, X509Certificate, X509CrlReason } from "@peculiar/x509";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validatePath } from "@/lib/pki";
import { createKmsSigner } from "./kms-signer";
import { createLocalSigner } from "./local-signer";
import {
  caNames,
  createCrl,
  createIssuingCertificate,
  createRootCertificate,
  EKU_CLIENT_AUTH,
  issueLeafCertificate,
  publicCaUrls,
  randomSerial,
  type IssuedPurpose,
} from "./profile";
import { derEcdsaToRaw, type CaKeySpec, type CaSigner } from "./signer";
import { createSigningKms } from "./testing/signing-kms";

let dir: string;
const NOW = new Date();
const URLS = publicCaUrls("https://certdesk.example.test", { programId: "provider-ca-csr", environmentKey: "sandbox" });

function openssl(args: string[], input?: string): { status: number; out: string } {
  const r = spawnSync("openssl", args, { encoding: "utf8", input });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

async function makeCsr(name: string, subject: string, opts: { ec?: boolean } = {}): Promise<{ csr: Pkcs10CertificateRequest; keyFile: string; pem: string }> {
  const keyFile = path.join(dir, `${name}.key`);
  const csrFile = path.join(dir, `${name}.csr`);
  if (opts.ec) execFileSync("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", keyFile]);
  else execFileSync("openssl", ["genrsa", "-out", keyFile, "2048"], { stdio: "ignore" });
  // A CSR asking for more than it may have: a serialNumber and a title in the subject, and
  // requested extensions (CA:TRUE, serverAuth, a SAN). None of it may reach the certificate.
  execFileSync("openssl", [
    "req", "-new", "-key", keyFile, "-out", csrFile, "-subj", subject,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "extendedKeyUsage=serverAuth", "-addext", "subjectAltName=DNS:evil.example",
  ]);
  const pem = await readFile(csrFile, "utf8");
  return { csr: new Pkcs10CertificateRequest(pem), keyFile, pem };
}

type Ca = { rootSigner: CaSigner; issuingSigner: CaSigner; root: X509Certificate; issuing: X509Certificate; rootFile: string; issuingFile: string };

async function makeCa(label: string, signers: { root: CaSigner; issuing: CaSigner }): Promise<Ca> {
  const names = caNames({ provider: "Treezor", programId: "provider-ca-csr", environmentLabel: `Sandbox ${label}` });
  const root = await createRootCertificate({ signer: signers.root, subject: names.root, now: NOW });
  const issuing = await createIssuingCertificate({ rootSigner: signers.root, root, issuingSpki: await signers.issuing.publicKeySpki(), subject: names.issuing, now: NOW });
  const rootFile = path.join(dir, `${label}-root.pem`);
  const issuingFile = path.join(dir, `${label}-issuing.pem`);
  await writeFile(rootFile, root.toString("pem"));
  await writeFile(issuingFile, issuing.toString("pem"));
  return { rootSigner: signers.root, issuingSigner: signers.issuing, root, issuing, rootFile, issuingFile };
}

async function issue(ca: Ca, csr: Pkcs10CertificateRequest, purpose: IssuedPurpose, serialNumber?: string) {
  return issueLeafCertificate({ signer: ca.issuingSigner, issuing: ca.issuing, csr, purpose, now: NOW, validityDays: 365, urls: URLS, ...(serialNumber ? { serialNumber } : {}) });
}

async function strictVerify(ca: Ca, leaf: X509Certificate, extra: string[] = []): Promise<{ status: number; out: string }> {
  const file = path.join(dir, `leaf-${leaf.serialNumber}.pem`);
  await writeFile(file, leaf.toString("pem"));
  return openssl(["verify", "-x509_strict", "-CAfile", ca.rootFile, "-untrusted", ca.issuingFile, ...extra, file]);
}

let local: Ca;
const SUBJECT = "/C=FR/ST=IdF/L=Paris/O=Globex Financial/OU=IT/CN=api.globex.test/emailAddress=pki@globex.test/serialNumber=12345/title=Boss";

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "certdesk-ca-"));
  local = await makeCa("local", {
    root: await createLocalSigner({ file: path.join(dir, "keys", "root.key"), algorithm: "RSA_2048" }),
    issuing: await createLocalSigner({ file: path.join(dir, "keys", "issuing.key"), algorithm: "RSA_2048" }),
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("issued certificates", () => {
  it.each(["mtls", "signature"] as const)("%s: verifies strictly (OpenSSL and validatePath), carries the CSR's key, the allowed subject and the purpose's profile", async (purpose) => {
    const { csr } = await makeCsr(`partner-${purpose}`, SUBJECT);
    const leaf = await issue(local, csr, purpose);

    const verdict = await strictVerify(local, leaf);
    expect(verdict.out).toMatch(/: OK/);
    expect(verdict.status).toBe(0);
    const path_ = await validatePath({
      leaf: leaf.toString("pem"),
      intermediates: [local.issuing.toString("pem")],
      trustAnchors: [local.root.toString("pem")],
      at: NOW,
      ...(purpose === "mtls" ? { requiredEku: [EKU_CLIENT_AUTH] } : {}),
      profile: { strict: true },
    });
    expect(path_.findings).toEqual([]);
    expect(path_.ok).toBe(true);

    // The public key is the CSR's, byte for byte.
    expect(Buffer.from(leaf.publicKey.rawData).equals(Buffer.from(csr.publicKey.rawData))).toBe(true);
    // Subject: the allowlist only, in the CSR's order.
    expect(leaf.subject).toBe("C=FR, ST=IdF, L=Paris, O=Globex Financial, OU=IT, CN=api.globex.test, E=pki@globex.test");
    const text = openssl(["x509", "-noout", "-text"], leaf.toString("pem")).out;
    expect(text).not.toMatch(/evil\.example|Server Authentication|CA:TRUE|serialNumber=12345|Boss/);
    expect(text).toMatch(/CA:FALSE/);
    expect(text).toContain(`URI:${URLS.crl}`);
    expect(text).toContain(`CA Issuers - URI:${URLS.caPem}`);
    expect(text).toMatch(/X509v3 Subject Key Identifier/);
    expect(text).toMatch(/X509v3 Authority Key Identifier/);
    if (purpose === "mtls") {
      expect(text).toMatch(/X509v3 Key Usage: critical\n\s+Digital Signature, Key Encipherment\n/);
      expect(text).toMatch(/TLS Web Client Authentication/);
      expect(openssl(["verify", "-purpose", "sslclient", "-CAfile", local.rootFile, "-untrusted", local.issuingFile], leaf.toString("pem")).status).toBe(0);
    } else {
      expect(text).toMatch(/X509v3 Key Usage: critical\n\s+Digital Signature, Non Repudiation\n/);
      expect(text).not.toMatch(/Client Authentication/);
      // Not usable as a TLS client certificate.
      const file = path.join(dir, "sig-leaf.pem");
      await writeFile(file, leaf.toString("pem"));
      expect(openssl(["verify", "-purpose", "sslclient", "-CAfile", local.rootFile, "-untrusted", local.issuingFile, file]).status).not.toBe(0);
    }
    // notBefore one minute back; validity from the program.
    expect(leaf.notBefore.getTime()).toBe(Math.floor((NOW.getTime() - 60_000) / 1000) * 1000);
    expect(Math.round((leaf.notAfter.getTime() - NOW.getTime()) / 86_400_000)).toBe(365);
  });

  it("ECDSA P-256 CSRs get digitalSignature without keyEncipherment", async () => {
    const { csr } = await makeCsr("partner-ec", "/C=FR/O=Globex/CN=ec.globex.test", { ec: true });
    const leaf = await issue(local, csr, "mtls");
    expect((await strictVerify(local, leaf)).status).toBe(0);
    const text = openssl(["x509", "-noout", "-text"], leaf.toString("pem")).out;
    expect(text).toMatch(/X509v3 Key Usage: critical\n\s+Digital Signature\n/);
  });

  it("the CA certificates: root self-signed, issuing CA with pathlen 0, both strict", async () => {
    const text = openssl(["x509", "-noout", "-text"], local.issuing.toString("pem")).out;
    expect(text).toMatch(/CA:TRUE, pathlen:0/);
    expect(text).toMatch(/Certificate Sign, CRL Sign/);
    expect(openssl(["verify", "-x509_strict", "-CAfile", local.rootFile, local.issuingFile]).status).toBe(0);
  });

  it("1,000 serials: distinct, positive, at most 159 bits, and ≥ 150 bit positions used across them", () => {
    const serials = Array.from({ length: 1000 }, () => randomSerial());
    expect(new Set(serials).size).toBe(1000);
    let union = 0n;
    for (const s of serials) {
      const n = BigInt(`0x${s}`);
      expect(n > 0n).toBe(true);
      expect(n < 1n << 159n).toBe(true);
      union |= n;
    }
    expect(union.toString(2).replace(/0/g, "").length).toBeGreaterThanOrEqual(150);
  });

  it("serials in issued certificates are positive INTEGERs OpenSSL reads back unchanged", async () => {
    const { csr } = await makeCsr("serial", "/C=FR/O=Globex/CN=s.globex.test");
    const serial = "7f" + "ff".repeat(19);
    const leaf = await issue(local, csr, "mtls", serial);
    expect(openssl(["x509", "-noout", "-serial"], leaf.toString("pem")).out.trim().toLowerCase()).toBe(`serial=${serial}`);
    expect((await strictVerify(local, leaf)).status).toBe(0);
  });
});

describe("revocation and the CRL", () => {
  it("a revoked certificate is listed with its reason, the CRL number increases, and openssl verify -crl_check refuses it", async () => {
    const { csr } = await makeCsr("revoked", SUBJECT);
    const leaf = await issue(local, csr, "mtls");
    const crlFile = path.join(dir, "crl.pem");
    const first = await createCrl({ signer: local.issuingSigner, issuer: local.issuing, crlNumber: 1, now: NOW, entries: [] });
    await writeFile(crlFile, `-----BEGIN X509 CRL-----\n${Buffer.from(first.rawData).toString("base64")}\n-----END X509 CRL-----\n`);
    expect((await strictVerify(local, leaf, ["-crl_check", "-CRLfile", crlFile])).status).toBe(0);

    const revokedAt = new Date(NOW.getTime() - 5_000);
    const second = await createCrl({ signer: local.issuingSigner, issuer: local.issuing, crlNumber: 2, now: NOW, entries: [{ serialNumber: leaf.serialNumber, revokedAt, reason: X509CrlReason.keyCompromise }] });
    const derFile = path.join(dir, "crl.der");
    await writeFile(derFile, new Uint8Array(second.rawData));
    const text = openssl(["crl", "-inform", "DER", "-in", derFile, "-noout", "-text"]).out;
    expect(text).toMatch(/X509v3 CRL Number:\s*\n\s*2\n/);
    expect(text.toLowerCase()).toContain(`serial number: ${leaf.serialNumber.toUpperCase()}`.toLowerCase());
    expect(text).toMatch(/CRL Reason Code:\s*\n\s*Key Compromise/);
    const nextUpdate = second.nextUpdate!.getTime() - second.thisUpdate.getTime();
    expect(nextUpdate).toBe(7 * 86_400_000);

    execFileSync("openssl", ["crl", "-inform", "DER", "-in", derFile, "-out", crlFile]);
    const refused = await strictVerify(local, leaf, ["-crl_check", "-CRLfile", crlFile]);
    expect(refused.status).not.toBe(0);
    expect(refused.out).toMatch(/certificate revoked/);
  });
});

describe("signers", () => {
  it.each(["RSA_2048", "ECC_NIST_P256"] as const)("kms (%s): the real KMS client signs digests, the public key is fetched once, certificates verify", async (spec: CaKeySpec) => {
    const rootKms = createSigningKms({ keyArn: "arn:aws:kms:eu-west-1:123456789012:key/root-0001", keySpec: spec });
    const issuingKms = createSigningKms({ keyArn: "arn:aws:kms:eu-west-1:123456789012:key/issuing-0001", keySpec: spec });
    const ca = await makeCa(`kms-${spec}`, {
      root: createKmsSigner({ client: rootKms.client, keyId: "arn:aws:kms:eu-west-1:123456789012:key/root-0001", algorithm: spec }),
      issuing: createKmsSigner({ client: issuingKms.client, keyId: "arn:aws:kms:eu-west-1:123456789012:key/issuing-0001", algorithm: spec }),
    });
    expect(Buffer.from(ca.issuing.publicKey.rawData).equals(Buffer.from(issuingKms.publicKeyDer))).toBe(true);
    const { csr } = await makeCsr(`kms-${spec}`, SUBJECT);
    const leaf = await issue(ca, csr, "mtls");
    expect((await strictVerify(ca, leaf)).status).toBe(0);
    // A CRL with many entries is far over KMS's 4 KiB message limit: only its digest travels.
    const entries = Array.from({ length: 200 }, () => ({ serialNumber: randomSerial(), revokedAt: NOW, reason: X509CrlReason.keyCompromise }));
    const crl = await createCrl({ signer: ca.issuingSigner, issuer: ca.issuing, crlNumber: 1, now: NOW, entries });
    expect(crl.rawData.byteLength).toBeGreaterThan(4096);
    expect(await crl.verify({ publicKey: ca.issuing }, globalThis.crypto)).toBe(true);

    const signs = issuingKms.calls.filter((c) => c.operation === "Sign");
    expect(signs.length).toBe(2);
    for (const c of signs) {
      expect(c.input.MessageType).toBe("DIGEST");
      expect(Buffer.from(String(c.input.Message), "base64")).toHaveLength(32);
      expect(c.input.SigningAlgorithm).toBe(spec === "RSA_2048" ? "RSASSA_PKCS1_V1_5_SHA_256" : "ECDSA_SHA_256");
    }
    expect(issuingKms.calls.filter((c) => c.operation === "GetPublicKey")).toHaveLength(1);
  });

  it("kms: a key of another spec than configured is refused before anything is signed", async () => {
    const kms = createSigningKms({ keyArn: "arn:aws:kms:eu-west-1:123456789012:key/x", keySpec: "ECC_NIST_P256" });
    const signer = createKmsSigner({ client: kms.client, keyId: "arn:aws:kms:eu-west-1:123456789012:key/x", algorithm: "RSA_2048" });
    await expect(signer.sign(new Uint8Array([1, 2, 3]))).rejects.toThrow(/ECC_NIST_P256, expected RSA_2048/);
    expect(kms.calls.map((c) => c.operation)).toEqual(["GetPublicKey"]);
  });

  it("DER ECDSA signatures become raw r‖s (short and padded integers)", () => {
    const der = Uint8Array.from([0x30, 0x08, 0x02, 0x02, 0x00, 0x80, 0x02, 0x02, 0x01, 0x02]);
    const raw = derEcdsaToRaw(der, 32);
    expect(raw).toHaveLength(64);
    expect(raw[31]).toBe(0x80);
    expect([raw[62], raw[63]]).toEqual([1, 2]);
    expect(() => derEcdsaToRaw(Uint8Array.from([0x31, 0]))).toThrow(/SEQUENCE/);
  });

  it("local: the key file is mode 0600 in a 0700 folder, reused on the next start, and a loose mode is refused", async () => {
    const file = path.join(dir, "modes", "issuing.key");
    const first = await createLocalSigner({ file, algorithm: "ECC_NIST_P256" });
    expect(first.created).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    const again = await createLocalSigner({ file, algorithm: "ECC_NIST_P256" });
    expect(again.created).toBe(false);
    expect(Buffer.from(await again.publicKeySpki()).equals(Buffer.from(await first.publicKeySpki()))).toBe(true);
    const { chmod } = await import("node:fs/promises");
    await chmod(file, 0o644);
    await expect(createLocalSigner({ file, algorithm: "ECC_NIST_P256" })).rejects.toThrow(/accessible to other users/);
  });

  it("local: the signer exposes no key material (nothing but the public key and signatures)", async () => {
    const file = path.join(dir, "secret", "root.key");
    const signer = await createLocalSigner({ file, algorithm: "RSA_2048" });
    const keyBytes = await readFile(file);
    const seen = JSON.stringify(signer) + String(signer) + signer.describe;
    expect(seen).not.toContain(keyBytes.toString("base64").slice(40, 80));
    expect(Object.keys(signer).sort()).toEqual(["algorithm", "created", "describe", "publicKeySpki", "sign"]);
  });
});
