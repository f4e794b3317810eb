import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CertificateParseError, certificateIdentity, inspectCertificate, inspectCsr, isIssuerOf, isSelfSigned, toPem, validatePath } from "./index";
import { DEFAULT_AT, mintCertificate, mintChain, mintCsr, qcStatementsExtension } from "./testing/factory";

const CERTS = path.resolve(import.meta.dirname, "../../../shared/testdata/certs");

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function asInput(file: string): string | Uint8Array {
  const bytes = readFileSync(file);
  return bytes.includes("-----BEGIN") ? bytes.toString("latin1") : new Uint8Array(bytes);
}

describe("inspectCertificate on factory certificates", () => {
  it("reports subject, attributes, SANs, key, EKU, key identifiers and PSD2 roles", async () => {
    const { intermediates, leaf: _leaf } = await mintChain({ label: "inspect", keys: { algorithm: "EC", curve: "P-256" } });
    const leaf = await mintCertificate({
      subject: "CN=Acme Client, O=Acme Payments Ltd, C=GB",
      issuer: intermediates[0],
      keys: { algorithm: "EC", curve: "P-384" },
      sans: [
        { kind: "DNS", value: "client.acme.example" },
        { kind: "IP", value: "192.0.2.1" },
      ],
      extensions: [qcStatementsExtension({ roles: ["PSP_AI", "PSP_PI"], ncaName: "Financial Conduct Authority", ncaId: "GB-FCA" })],
    });
    const info = inspectCertificate(leaf.pem);
    expect(info.subject).toBe("CN=Acme Client, O=Acme Payments Ltd, C=GB");
    expect(info.subjectAttributes).toMatchObject({ CN: "Acme Client", O: "Acme Payments Ltd", C: "GB" });
    expect(info.issuer).toBe(intermediates[0]!.subject);
    expect(info.sans).toEqual([
      { kind: "DNS", value: "client.acme.example" },
      { kind: "IP", value: "192.0.2.1" },
    ]);
    expect(info.publicKey).toEqual({ algorithm: "EC", size: 384, curve: "P-384" });
    expect(info.signatureAlgorithm).toEqual({ oid: "1.2.840.10045.4.3.2", name: "ecdsa-with-SHA256", hash: "SHA-256" });
    expect(info.extendedKeyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]);
    expect(info.keyUsage).toEqual(["digitalSignature"]);
    expect(info.basicConstraints).toEqual({ ca: false, critical: true });
    expect(info.authorityKeyIdentifier).toBe(inspectCertificate(intermediates[0]!.der).subjectKeyIdentifier);
    expect(info.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(info.selfIssued).toBe(false);
    expect(info.selfSigned).toBe(false);
    expect(info.psd2).toEqual({
      roles: [
        { oid: "0.4.0.19495.1.3", name: "PSP_AI" },
        { oid: "0.4.0.19495.1.2", name: "PSP_PI" },
      ],
      ncaName: "Financial Conduct Authority",
      ncaId: "GB-FCA",
      qcCompliance: true,
      qcTypes: ["0.4.0.1862.1.6.3"],
    });
    expect(info.qcStatements?.qcCompliance).toBe(true);
    // Plain data: survives a JSON round trip unchanged.
    expect(JSON.parse(JSON.stringify(info))).toEqual(info);
  });

  it("recognises self-signed certificates and issuer relationships", async () => {
    const { root, intermediates } = await mintChain({ label: "inspect2", keys: { algorithm: "EC", curve: "P-256" } });
    expect(inspectCertificate(root.der).selfSigned).toBe(true);
    expect(await isSelfSigned(root.pem)).toBe(true);
    expect(await isIssuerOf(root.pem, intermediates[0]!.pem)).toBe(true);
    expect(await isIssuerOf(intermediates[0]!.pem, root.pem)).toBe(false);
    const impostor = await mintCertificate({ subject: root.subject, ca: true, keyLabel: "impostor", keys: { algorithm: "EC", curve: "P-256" }, omitKeyIdentifiers: true });
    expect(await isIssuerOf(impostor.pem, intermediates[0]!.pem)).toBe(false);
  });

  it("verifies RSA-PSS and Ed25519 self-signatures (pyca vectors)", async () => {
    for (const file of ["pyca/x509/custom/rsa_pss_cert.pem", "pyca/x509/ed25519/root-ed25519.pem"]) {
      const pem = readFileSync(path.join(CERTS, file), "utf8");
      expect(inspectCertificate(pem).selfSigned, file).toBe(true);
      expect(await isSelfSigned(pem), file).toBe(true);
    }
  });

  it("throws CertificateParseError for unreadable input", () => {
    expect(() => inspectCertificate("not a certificate")).toThrow(CertificateParseError);
    expect(() => inspectCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01]))).toThrow(CertificateParseError);
    expect(() => inspectCertificate(toPem(new Uint8Array([0x30, 0x00])))).toThrow(CertificateParseError);
  });
});

describe("trust anchors", () => {
  it("a root given only as a trust anchor is still described with its self-signature checked once a path reaches it", async () => {
    const { root, intermediates, leaf } = await mintChain({ label: "anchor-described", keys: { algorithm: "EC", curve: "P-256" } });
    // Index it first, as the policy layer does: identity only, no description yet.
    expect(certificateIdentity(root.pem).fingerprintSha256).toBe(inspectCertificate(root.der).fingerprintSha256);
    const good = await validatePath({ leaf: leaf.pem, intermediates: intermediates.map((c) => c.pem), trustAnchors: [root.pem], at: DEFAULT_AT });
    expect(good.ok).toBe(true);
    expect(good.path.map((c) => [c.selfIssued, c.selfSigned])).toEqual([[false, false], [false, false], [true, true]]);

    // A root whose signature on itself is broken still anchors (RFC 5280 §6.1: an anchor's own
    // signature is not part of path validation) but is not described as self-signed.
    const broken = root.der.slice();
    broken[broken.length - 3] = broken[broken.length - 3]! ^ 0x01;
    const other = await validatePath({ leaf: leaf.pem, intermediates: intermediates.map((c) => c.pem), trustAnchors: [broken], at: DEFAULT_AT });
    expect(other.path.at(-1)?.fingerprintSha256).toBe(certificateIdentity(broken).fingerprintSha256);
    expect(other.path.at(-1)?.selfSigned).toBe(false);
    expect(inspectCertificate(broken).selfSigned).toBe(false);
  });
});

describe("inspectCsr", () => {
  it("verifies the signature and reports requested SANs", async () => {
    const csr = await mintCsr({ subject: "CN=Acme Client, O=Acme Payments Ltd", sans: [{ kind: "DNS", value: "client.acme.example" }], keys: { algorithm: "EC", curve: "P-256" } });
    const info = await inspectCsr(csr.pem);
    expect(info.signatureValid).toBe(true);
    expect(info.subjectAttributes.O).toBe("Acme Payments Ltd");
    expect(info.sans).toEqual([{ kind: "DNS", value: "client.acme.example" }]);
    expect(info.requestedExtensions.map((e) => e.oid)).toEqual(["2.5.29.17"]);
    const bad = await mintCsr({ subject: "CN=Tampered", corruptSignature: true, keys: { algorithm: "EC", curve: "P-256" } });
    expect((await inspectCsr(bad.der)).signatureValid).toBe(false);
  });

  it("agrees with OpenSSL on the pyca CSR vectors' signatures", async () => {
    const rows = readFileSync(path.join(CERTS, "parse-status.tsv"), "utf8").trim().split("\n").slice(1).map((l) => l.split("\t"));
    let checked = 0;
    for (const [file, kind, , , openssl] of rows) {
      if (kind !== "csr" || !openssl!.startsWith("ok")) continue;
      const info = await inspectCsr(asInput(path.join(CERTS, file!)));
      const expected = openssl!.includes("sig_valid=True");
      // OpenSSL verifies MD4/DSA CSRs we cannot check with WebCrypto; we never claim validity it denies.
      if (!expected) expect(info.signatureValid, file).toBe(false);
      if (expected && /rsa_sha256|ec_sha256|rsa_sha1|ec_sha1/.test(file!)) expect(info.signatureValid, file).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });
});

describe("inspection of the shared test corpus", () => {
  it("reads every certificate OpenSSL reads (parse-status.tsv)", () => {
    const rows = readFileSync(path.join(CERTS, "parse-status.tsv"), "utf8").trim().split("\n").slice(1).map((l) => l.split("\t"));
    let read = 0;
    for (const [file, kind, , , openssl] of rows) {
      if (kind !== "cert" || !openssl!.startsWith("ok")) continue;
      const info = inspectCertificate(asInput(path.join(CERTS, file!)));
      expect(JSON.parse(JSON.stringify(info)).subject, file).toBe(info.subject);
      read++;
    }
    expect(read).toBeGreaterThan(500);
  });

  it("gives the same identity (subject, fingerprint, SPKI hash) as the full inspection, for every certificate OpenSSL reads", () => {
    const rows = readFileSync(path.join(CERTS, "parse-status.tsv"), "utf8").trim().split("\n").slice(1).map((l) => l.split("\t"));
    let compared = 0;
    for (const [file, kind, , , openssl] of rows) {
      if (kind !== "cert" || !openssl!.startsWith("ok")) continue;
      const input = asInput(path.join(CERTS, file!));
      // Identity first: it must not depend on a description made before it.
      const id = certificateIdentity(input);
      const { subject, fingerprintSha256, spkiSha256 } = inspectCertificate(input);
      expect(id, file).toEqual({ subject, fingerprintSha256, spkiSha256 });
      compared++;
    }
    expect(compared).toBeGreaterThan(500);
  });

  it("reads real chains, Mozilla roots and limbo-online chains", () => {
    let read = 0;
    for (const file of walk(path.join(CERTS, "real-chains")).filter((f) => /\.(pem|der)$/.test(f))) {
      const input = asInput(file);
      const blocks = typeof input === "string" ? (input.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []) : [input];
      for (const b of blocks) {
        inspectCertificate(b);
        read++;
      }
    }
    expect(read).toBeGreaterThan(80);
  });

  it("reads every pkilint fixture and yields the PSD2 roles of INDEX.tsv", () => {
    const index = readFileSync(path.join(CERTS, "pkilint/INDEX.tsv"), "utf8").trim().split("\n").slice(1).map((l) => l.split("\t"));
    let psd2 = 0;
    for (const [file, , , , hasPsd2, roles] of index) {
      const info = inspectCertificate(readFileSync(path.join(CERTS, "pkilint", file!), "utf8"));
      if (hasPsd2 === "True") {
        psd2++;
        // INDEX.tsv writes "-" for psp_not_unspecified.crttest, whose single role is named "Unknown".
        const names = info.psd2?.roles.map((r) => r.name).filter((n) => n !== "Unknown").sort() ?? [];
        expect(names.join(",") || "-", file).toBe(roles!.split(",").sort().join(","));
      } else {
        expect(info.psd2, file).toBeUndefined();
      }
    }
    expect(psd2).toBe(21);
  });

  it("yields the NCA of a real PSD2 QWAC", () => {
    const file = readFileSync(path.join(CERTS, "pkilint/etsi/qevcp_w_psd2_eidas_pre_certificate/psp_roles_good.crttest"), "utf8");
    const info = inspectCertificate(file);
    expect(info.psd2?.ncaId).toMatch(/^[A-Z]{2}-/);
    expect(info.psd2?.ncaName.length).toBeGreaterThan(0);
    expect(info.subjectAttributes.organizationIdentifier).toMatch(/^PSD[A-Z]{2}-/);
  });
});
