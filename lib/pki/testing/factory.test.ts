import { describe, expect, it } from "vitest";
import { X509Certificate, mintCertificate, mintChain, mintCrl, mintCsr, qcStatementsExtension } from "./factory";

describe("test-PKI factory", () => {
  it("mints a chain whose signatures verify and whose leaf is a clientAuth end entity", async () => {
    const { root, intermediates, leaf } = await mintChain({ label: "factory" });
    const ica = intermediates[0]!;
    expect(await leaf.cert.verify({ publicKey: ica.cert.publicKey, signatureOnly: true })).toBe(true);
    expect(await ica.cert.verify({ publicKey: root.cert.publicKey, signatureOnly: true })).toBe(true);
    expect(leaf.cert.issuer).toBe(ica.cert.subject);
    expect(leaf.cert.getExtension("2.5.29.37")).not.toBeNull();
  });

  it("corrupts signatures on request and forces SHA-1", async () => {
    const root = await mintCertificate({ subject: "CN=Factory Root", ca: true });
    const bad = await mintCertificate({ subject: "CN=Bad", issuer: root, corruptSignature: true });
    expect(await bad.cert.verify({ publicKey: root.cert.publicKey, signatureOnly: true })).toBe(false);
    const sha1 = await mintCertificate({ subject: "CN=Sha1", issuer: root, signatureHash: "SHA-1" });
    expect(new X509Certificate(sha1.der).signatureAlgorithm.hash.name).toBe("SHA-1");
    expect(await sha1.cert.verify({ publicKey: root.cert.publicKey, signatureOnly: true })).toBe(true);
  });

  it("mints CSRs, CRLs, EC and Ed25519 certificates and QCStatements", async () => {
    const csr = await mintCsr({ subject: "CN=Csr, O=Acme" });
    expect(csr.pem).toContain("BEGIN CERTIFICATE REQUEST");
    const ec = await mintCertificate({ subject: "CN=EC CA", ca: true, keys: { algorithm: "EC", curve: "P-384" } });
    const ed = await mintCertificate({
      subject: "CN=Ed",
      issuer: ec,
      keys: { algorithm: "Ed25519" },
      extensions: [qcStatementsExtension({ roles: ["PSP_AI"], ncaName: "Dutch Bank", ncaId: "NL-DNB" })],
    });
    expect(await ed.cert.verify({ publicKey: ec.cert.publicKey, signatureOnly: true })).toBe(true);
    const crl = await mintCrl({ issuer: ec, revoked: [{ serialNumber: ed.cert.serialNumber }] });
    expect(crl.pem).toContain("BEGIN X509 CRL");
  });
});
