import { beforeAll, describe, expect, it } from "vitest";
import {
  EKU,
  Extension,
  KeyUsageFlags,
  type KeySpec,
  type TestCert,
  X509CrlReason,
  mintCertificate,
  mintChain,
  mintCrl,
  nameConstraintsExtension,
  unknownCriticalExtension,
} from "./testing/factory";
import { type PathResult, type StatusChecker, validatePath } from "./index";

const EC: KeySpec = { algorithm: "EC", curve: "P-256" };
const AT = new Date("2026-01-01T00:00:00Z");
const CLIENT = [EKU.clientAuth];

let root: TestCert;
let ica: TestCert;
let leaf: TestCert;

beforeAll(async () => {
  const chain = await mintChain({ label: "validate", keys: EC, leafSans: [{ kind: "DNS", value: "client.acme.example" }] });
  root = chain.root;
  ica = chain.intermediates[0]!;
  leaf = chain.leaf;
});

function codes(r: PathResult): string[] {
  return r.findings.filter((f) => f.severity === "error").map((f) => f.code);
}

async function check(opts: Partial<Parameters<typeof validatePath>[0]> & { leaf: string | Uint8Array }): Promise<PathResult> {
  return validatePath({ intermediates: [ica.pem], trustAnchors: [root.pem], at: AT, requiredEku: CLIENT, ...opts });
}

describe("validatePath on a conforming chain", () => {
  it("accepts it with no findings and returns the path leaf → anchor", async () => {
    const r = await check({ leaf: leaf.pem });
    expect(r.findings).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.path.map((c) => c.subject)).toEqual([leaf.subject, ica.subject, root.subject]);
  });

  it("accepts DER input and intermediates given in any order, with duplicates", async () => {
    const r = await check({ leaf: leaf.der, intermediates: [root.der, ica.der, ica.pem] });
    expect(r.ok).toBe(true);
  });

  it("reports a missing intermediate as CHAIN_INCOMPLETE on the certificate whose issuer is missing", async () => {
    const r = await check({ leaf: leaf.pem, intermediates: [] });
    expect(r.ok).toBe(false);
    expect(codes(r)).toEqual(["CHAIN_INCOMPLETE"]);
    expect(r.findings[0]!.certificate).toEqual({ position: 0, subject: leaf.subject });
  });

  it("still reports the leaf's own faults when no path can be built", async () => {
    const old = await mintCertificate({ subject: "CN=Old Orphan", issuer: ica, keys: EC, notBefore: new Date("2024-01-01Z"), notAfter: new Date("2025-01-01Z") });
    const r = await check({ leaf: old.pem, intermediates: [] });
    expect(codes(r)).toEqual(["CHAIN_INCOMPLETE", "LEAF_EXPIRED"]);
    expect(r.path.map((c) => c.subject)).toEqual(["CN=Old Orphan"]);
  });

  it("reports an untrusted root as TRUST_UNTRUSTED_ROOT at its upload position", async () => {
    const other = await mintCertificate({ subject: "CN=Other Root", ca: true, keys: EC });
    const r = await check({ leaf: leaf.pem, intermediates: [ica.pem, root.pem], trustAnchors: [other.pem] });
    expect(codes(r)).toEqual(["TRUST_UNTRUSTED_ROOT"]);
    expect(r.findings[0]!.certificate?.position).toBe(2);
  });

  it("gives uploaded anchors their upload position and others -1", async () => {
    const expired = await mintCertificate({ subject: root.subject, ca: true, keys: root.keys, notAfter: new Date("2025-06-01Z"), notBefore: new Date("2020-01-01Z") });
    const r = await check({ leaf: leaf.pem, trustAnchors: [expired.pem] });
    expect(codes(r)).toEqual(["CHAIN_CERT_EXPIRED"]);
    expect(r.findings[0]!.certificate?.position).toBe(-1);
  });
});

describe("each rule fires on a certificate made to break it", () => {
  it("CHAIN_SIGNATURE_INVALID: the leaf's signature was tampered with", async () => {
    const bad = await mintCertificate({ subject: "CN=Tampered", issuer: ica, keys: EC, corruptSignature: true });
    const r = await check({ leaf: bad.pem });
    expect(codes(r)).toContain("CHAIN_SIGNATURE_INVALID");
    expect(r.ok).toBe(false);
  });

  it("LEAF_EXPIRED and LEAF_NOT_YET_VALID", async () => {
    const old = await mintCertificate({ subject: "CN=Old", issuer: ica, keys: EC, notBefore: new Date("2024-01-01Z"), notAfter: new Date("2025-01-01Z") });
    expect(codes(await check({ leaf: old.pem }))).toEqual(["LEAF_EXPIRED"]);
    const future = await mintCertificate({ subject: "CN=Future", issuer: ica, keys: EC, notBefore: new Date("2026-06-01Z"), notAfter: new Date("2027-01-01Z") });
    expect(codes(await check({ leaf: future.pem }))).toEqual(["LEAF_NOT_YET_VALID"]);
  });

  it("CHAIN_CERT_EXPIRED and CHAIN_CERT_NOT_YET_VALID on the intermediate", async () => {
    const expiredIca = await mintCertificate({ subject: ica.subject, issuer: root, ca: true, keys: ica.keys, notBefore: new Date("2020-01-01Z"), notAfter: new Date("2025-12-01Z") });
    const r = await check({ leaf: leaf.pem, intermediates: [expiredIca.pem] });
    expect(codes(r)).toEqual(["CHAIN_CERT_EXPIRED"]);
    expect(r.findings[0]!.certificate?.position).toBe(1);
    const futureIca = await mintCertificate({ subject: ica.subject, issuer: root, ca: true, keys: ica.keys, notBefore: new Date("2026-02-01Z") });
    expect(codes(await check({ leaf: leaf.pem, intermediates: [futureIca.pem] }))).toEqual(["CHAIN_CERT_NOT_YET_VALID"]);
  });

  it("CHAIN_ISSUER_NOT_CA: the issuer is an end-entity certificate", async () => {
    const notCa = await mintCertificate({ subject: "CN=Not A CA", issuer: root, keys: EC });
    const child = await mintCertificate({ subject: "CN=Child", issuer: notCa, keys: EC });
    expect(codes(await check({ leaf: child.pem, intermediates: [notCa.pem] }))).toEqual(["CHAIN_ISSUER_NOT_CA"]);
  });

  it("CHAIN_ISSUER_NOT_CA: a CA without keyCertSign", async () => {
    const noSign = await mintCertificate({ subject: "CN=No Sign CA", issuer: root, keys: EC, ca: true, keyUsage: 1 /* digitalSignature */ });
    const child = await mintCertificate({ subject: "CN=Child2", issuer: noSign, keys: EC });
    expect(codes(await check({ leaf: child.pem, intermediates: [noSign.pem] }))).toEqual(["CHAIN_ISSUER_NOT_CA"]);
  });

  it("CHAIN_PATH_LENGTH: pathLen 0 CA above another intermediate", async () => {
    const top = await mintCertificate({ subject: "CN=PathLen Zero CA", issuer: root, keys: EC, ca: { pathLength: 0 } });
    const sub = await mintCertificate({ subject: "CN=Sub CA", issuer: top, keys: EC, ca: true });
    const child = await mintCertificate({ subject: "CN=Deep Leaf", issuer: sub, keys: EC });
    const r = await check({ leaf: child.pem, intermediates: [sub.pem, top.pem] });
    expect(codes(r)).toEqual(["CHAIN_PATH_LENGTH"]);
    expect(r.findings[0]!.certificate?.position).toBe(2);
    // Quiet when the pathLen CA issues the leaf directly.
    const direct = await mintCertificate({ subject: "CN=Direct Leaf", issuer: top, keys: EC });
    expect((await check({ leaf: direct.pem, intermediates: [top.pem] })).ok).toBe(true);
  });

  it("CHAIN_TOO_LONG: more intermediates than maxDepth", async () => {
    const chain = await mintChain({ label: "deep", depth: 3, keys: EC });
    const r = await validatePath({ leaf: chain.leaf.pem, intermediates: chain.intermediates.map((c) => c.pem), trustAnchors: [chain.root.pem], at: AT, maxDepth: 2 });
    expect(codes(r)).toContain("CHAIN_TOO_LONG");
    const fine = await validatePath({ leaf: chain.leaf.pem, intermediates: chain.intermediates.map((c) => c.pem), trustAnchors: [chain.root.pem], at: AT, maxDepth: 3 });
    expect(fine.ok).toBe(true);
  });

  it("CHAIN_NAME_CONSTRAINTS: leaf outside the CA's permitted DNS subtree, and excluded beats permitted", async () => {
    const nc = await mintCertificate({
      subject: "CN=Constrained CA",
      issuer: root,
      keys: EC,
      ca: true,
      extensions: [nameConstraintsExtension({ permitted: [{ kind: "DNS", value: "acme.example" }], excluded: [{ kind: "DNS", value: "bad.acme.example" }] })],
    });
    const inside = await mintCertificate({ subject: "CN=In", issuer: nc, keys: EC, sans: [{ kind: "DNS", value: "api.acme.example" }] });
    const outside = await mintCertificate({ subject: "CN=Out", issuer: nc, keys: EC, sans: [{ kind: "DNS", value: "api.evil.example" }] });
    const excluded = await mintCertificate({ subject: "CN=Ex", issuer: nc, keys: EC, sans: [{ kind: "DNS", value: "x.bad.acme.example" }] });
    expect((await check({ leaf: inside.pem, intermediates: [nc.pem] })).ok).toBe(true);
    expect(codes(await check({ leaf: outside.pem, intermediates: [nc.pem] }))).toEqual(["CHAIN_NAME_CONSTRAINTS"]);
    expect(codes(await check({ leaf: excluded.pem, intermediates: [nc.pem] }))).toEqual(["CHAIN_NAME_CONSTRAINTS"]);
  });

  it("CHAIN_NAME_CONSTRAINTS: a hostname-shaped CN counts as DNS name when there are no SANs", async () => {
    const nc = await mintCertificate({
      subject: "CN=CN Constrained CA",
      issuer: root,
      keys: EC,
      ca: true,
      extensions: [nameConstraintsExtension({ permitted: [{ kind: "DNS", value: "acme.example" }] })],
    });
    const evil = await mintCertificate({ subject: "CN=api.evil.example", issuer: nc, keys: EC });
    const plain = await mintCertificate({ subject: "CN=Acme Client, O=Acme", issuer: nc, keys: EC });
    expect(codes(await check({ leaf: evil.pem, intermediates: [nc.pem] }))).toEqual(["CHAIN_NAME_CONSTRAINTS"]);
    expect((await check({ leaf: plain.pem, intermediates: [nc.pem] })).ok).toBe(true);
  });

  it("CHAIN_NAME_CONSTRAINTS: IP netmask and directoryName subtrees", async () => {
    const nc = await mintCertificate({
      subject: "CN=Net CA, O=Acme",
      issuer: root,
      keys: EC,
      ca: true,
      extensions: [nameConstraintsExtension({ permitted: [{ kind: "IP", value: "10.1.0.0/16" }, { kind: "DN", value: "O=Acme" }] })],
    });
    const ok = await mintCertificate({ subject: "CN=Box, O=Acme", issuer: nc, keys: EC, sans: [{ kind: "IP", value: "10.1.2.3" }] });
    const badIp = await mintCertificate({ subject: "CN=Box2, O=Acme", issuer: nc, keys: EC, sans: [{ kind: "IP", value: "10.2.0.1" }] });
    const badDn = await mintCertificate({ subject: "CN=Box3, O=Evil", issuer: nc, keys: EC, sans: [{ kind: "IP", value: "10.1.0.9" }] });
    expect((await check({ leaf: ok.pem, intermediates: [nc.pem] })).ok).toBe(true);
    expect(codes(await check({ leaf: badIp.pem, intermediates: [nc.pem] }))).toEqual(["CHAIN_NAME_CONSTRAINTS"]);
    expect(codes(await check({ leaf: badDn.pem, intermediates: [nc.pem] }))).toEqual(["CHAIN_NAME_CONSTRAINTS"]);
  });

  it("CHAIN_CRITICAL_EXTENSION: an unknown critical extension", async () => {
    const odd = await mintCertificate({ subject: "CN=Odd", issuer: ica, keys: EC, extensions: [unknownCriticalExtension()] });
    expect(codes(await check({ leaf: odd.pem }))).toEqual(["CHAIN_CRITICAL_EXTENSION"]);
  });

  it("LEAF_EKU_CLIENT_AUTH: a server-only certificate offered as client certificate", async () => {
    const server = await mintCertificate({ subject: "CN=Server Only", issuer: ica, keys: EC, extendedKeyUsage: [EKU.serverAuth] });
    const r = await check({ leaf: server.pem });
    expect(codes(r)).toEqual(["LEAF_EKU_CLIENT_AUTH"]);
    expect(r.findings[0]!.certificate?.position).toBe(0);
    // Without a required EKU the same certificate is fine.
    expect((await check({ leaf: server.pem, requiredEku: undefined })).ok).toBe(true);
  });

  it("CHAIN_EKU: an intermediate restricted to serverAuth", async () => {
    const serverCa = await mintCertificate({ subject: "CN=Server CA", issuer: root, keys: EC, ca: true, extendedKeyUsage: [EKU.serverAuth] });
    const child = await mintCertificate({ subject: "CN=Client Under Server CA", issuer: serverCa, keys: EC });
    expect(codes(await check({ leaf: child.pem, intermediates: [serverCa.pem] }))).toEqual(["CHAIN_EKU"]);
  });

  it("SIGNATURE_ALGORITHM_WEAK: a SHA-1 signed leaf", async () => {
    const rsaCa = await mintCertificate({ subject: "CN=RSA CA", issuer: root, ca: true });
    const sha1 = await mintCertificate({ subject: "CN=Sha1 Leaf", issuer: rsaCa, signatureHash: "SHA-1" });
    expect(codes(await check({ leaf: sha1.pem, intermediates: [rsaCa.pem] }))).toEqual(["SIGNATURE_ALGORITHM_WEAK"]);
  });

  it("CERTIFICATE_MALFORMED: unreadable leaf input becomes a finding, not an exception", async () => {
    const r = await check({ leaf: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" });
    expect(codes(r)).toEqual(["CERTIFICATE_MALFORMED"]);
    expect(r.path).toEqual([]);
  });
});

describe("profiles", () => {
  it("webPki: LEAF_IS_CA, KEY_TOO_SMALL and anyExtendedKeyUsage fire only under the profile", async () => {
    const caLeaf = await mintCertificate({ subject: "CN=CA As Leaf", issuer: ica, keys: EC, ca: true, extendedKeyUsage: [EKU.clientAuth] });
    expect(codes(await check({ leaf: caLeaf.pem, profile: { webPki: true } }))).toEqual(["LEAF_IS_CA"]);
    expect((await check({ leaf: caLeaf.pem })).ok).toBe(true);
    const small = await mintCertificate({ subject: "CN=Small Key", issuer: ica, keys: { algorithm: "RSA", size: 1024 } });
    expect(codes(await check({ leaf: small.pem, profile: { webPki: true } }))).toEqual(["KEY_TOO_SMALL"]);
    expect((await check({ leaf: small.pem })).ok).toBe(true);
    const anyEku = await mintCertificate({ subject: "CN=Any EKU", issuer: ica, keys: EC, extendedKeyUsage: [EKU.clientAuth, EKU.anyExtendedKeyUsage] });
    expect(codes(await check({ leaf: anyEku.pem, profile: { webPki: true } }))).toEqual(["LEAF_EKU_CLIENT_AUTH"]);
  });

  it("strict: a leaf without an authority key identifier is malformed", async () => {
    const noAki = await mintCertificate({ subject: "CN=No AKI", issuer: ica, keys: EC, omitKeyIdentifiers: true });
    expect(codes(await check({ leaf: noAki.pem, profile: { strict: true } }))).toEqual(["CERTIFICATE_MALFORMED"]);
    expect((await check({ leaf: noAki.pem })).ok).toBe(true);
  });

  it("always: duplicate extensions and keyCertSign without cA are malformed", async () => {
    const dup = await mintCertificate({ subject: "CN=Dup", issuer: ica, keys: EC, extensions: [new Extension("2.5.29.19", true, Uint8Array.of(0x30, 0x00))] });
    expect(codes(await check({ leaf: dup.pem }))).toEqual(["CERTIFICATE_MALFORMED"]);
    const kcs = await mintCertificate({ subject: "CN=Signer", issuer: ica, keys: EC, keyUsage: KeyUsageFlags.digitalSignature | KeyUsageFlags.keyCertSign });
    expect(codes(await check({ leaf: kcs.pem }))).toEqual(["CERTIFICATE_MALFORMED"]);
  });
});

describe("self-signed leaves", () => {
  it("accepts a self-signed client certificate pinned as trust anchor, refuses it otherwise", async () => {
    const self = await mintCertificate({ subject: "CN=Acme Self Signed, O=Acme Payments Ltd", keys: EC });
    const pinned = await validatePath({ leaf: self.pem, trustAnchors: [self.pem], at: AT, requiredEku: CLIENT });
    expect(pinned.findings).toEqual([]);
    expect(pinned.path).toHaveLength(1);
    expect(pinned.path[0]!.selfSigned).toBe(true);
    const r = await validatePath({ leaf: self.pem, trustAnchors: [root.pem], at: AT, requiredEku: CLIENT });
    expect(codes(r)).toEqual(["TRUST_UNTRUSTED_ROOT"]);
    expect(r.findings[0]!.certificate).toEqual({ position: 0, subject: self.subject });
  });
});

describe("peer name", () => {
  it("matches SANs case-insensitively, wildcards only in the left-most label", async () => {
    const wild = await mintCertificate({ subject: "CN=Wild", issuer: ica, keys: EC, sans: [{ kind: "DNS", value: "*.acme.example" }, { kind: "IP", value: "192.0.2.7" }] });
    expect((await check({ leaf: wild.pem, peerName: { kind: "DNS", value: "API.acme.example" } })).ok).toBe(true);
    expect(codes(await check({ leaf: wild.pem, peerName: { kind: "DNS", value: "a.b.acme.example" } }))).toEqual(["LEAF_NAME_MISMATCH"]);
    expect(codes(await check({ leaf: wild.pem, peerName: { kind: "DNS", value: "acme.example" } }))).toEqual(["LEAF_NAME_MISMATCH"]);
    expect((await check({ leaf: wild.pem, peerName: { kind: "IP", value: "192.0.2.7" } })).ok).toBe(true);
    expect(codes(await check({ leaf: wild.pem, peerName: { kind: "IP", value: "192.0.2.8" } }))).toEqual(["LEAF_NAME_MISMATCH"]);
  });
});

describe("path building", () => {
  it("backtracks over a same-named issuer with the wrong key", async () => {
    const impostor = await mintCertificate({ subject: ica.subject, issuer: root, ca: true, keys: EC, keyLabel: "impostor", omitKeyIdentifiers: true });
    const r = await check({ leaf: leaf.pem, intermediates: [impostor.pem, ica.pem] });
    expect(r.ok).toBe(true);
    expect(r.path[1]!.fingerprintSha256).toBe((await import("./index")).fingerprintSha256(ica.der));
  });

  it("reports why the only candidate issuer was rejected", async () => {
    const impostor = await mintCertificate({ subject: ica.subject, issuer: root, ca: true, keys: EC, keyLabel: "impostor2", omitKeyIdentifiers: true });
    const orphan = await mintCertificate({ subject: "CN=Orphan", issuer: ica, keys: EC, omitKeyIdentifiers: true });
    const r = await check({ leaf: orphan.pem, intermediates: [impostor.pem] });
    expect(r.ok).toBe(false);
    const sig = r.findings.find((f) => f.code === "CHAIN_SIGNATURE_INVALID");
    expect(sig?.certificate?.position).toBe(0);
    expect(sig?.message).toContain("candidate uploaded certificate 1 was rejected: signature does not verify");
  });

  it("rejects a candidate whose SKI differs from the child's AKI and says so", async () => {
    const impostor = await mintCertificate({ subject: ica.subject, issuer: root, ca: true, keys: EC, keyLabel: "impostor3" });
    const r = await check({ leaf: leaf.pem, intermediates: [impostor.pem] });
    expect(r.ok).toBe(false);
    expect(r.findings.some((f) => f.message.includes("key identifier"))).toBe(true);
  });

  it("survives a cross-signing loop", async () => {
    const a = await mintCertificate({ subject: "CN=Loop A", issuer: root, ca: true, keys: EC, keyLabel: "loopA" });
    const aKeys = a.keys;
    const b = await mintCertificate({ subject: "CN=Loop B", issuer: a, ca: true, keys: EC, keyLabel: "loopB" });
    const aByB = await mintCertificate({ subject: "CN=Loop A", issuer: b, ca: true, keys: aKeys });
    const child = await mintCertificate({ subject: "CN=Loop Leaf", issuer: b, keys: EC });
    const r = await check({ leaf: child.pem, intermediates: [aByB.pem, b.pem, a.pem] });
    expect(r.ok).toBe(true);
    const dead = await check({ leaf: child.pem, intermediates: [aByB.pem, b.pem], trustAnchors: [ica.pem] });
    expect(dead.ok).toBe(false);
  });
});

describe("revocation", () => {
  it("REVOKED when the issuer's CRL lists the leaf; quiet when it does not", async () => {
    const crl = await mintCrl({ issuer: ica, revoked: [{ serialNumber: leaf.cert.serialNumber, reason: X509CrlReason.keyCompromise }] });
    const r = await check({ leaf: leaf.pem, crls: [crl.pem] });
    expect(codes(r)).toEqual(["REVOKED"]);
    const empty = await mintCrl({ issuer: ica, revoked: [{ serialNumber: "0abc" }] });
    expect((await check({ leaf: leaf.pem, crls: [empty.der] })).ok).toBe(true);
  });

  it("refuses to rely on a CRL without cRLNumber (RFC 5280 §5.2.3)", async () => {
    const crl = await mintCrl({ issuer: ica, revoked: [], crlNumber: false });
    const r = await check({ leaf: leaf.pem, crls: [crl.pem] });
    expect(codes(r)).toEqual(["REVOCATION_UNKNOWN"]);
  });

  it("ignores a CRL whose signature does not verify", async () => {
    const forged = await mintCrl({ issuer: ica, revoked: [{ serialNumber: leaf.cert.serialNumber }], corruptSignature: true });
    const r = await check({ leaf: leaf.pem, crls: [forged.pem] });
    expect(codes(r)).not.toContain("REVOKED");
    expect(r.findings.map((f) => f.code)).toContain("REVOCATION_UNKNOWN");
  });

  it("uses the status checker seam: revoked is an error, unknown a warning", async () => {
    const revoked: StatusChecker = async (cert) => (cert.info.subject === leaf.subject ? { status: "revoked", reason: "keyCompromise" } : { status: "good" });
    expect(codes(await check({ leaf: leaf.pem, statusChecker: revoked }))).toEqual(["REVOCATION_REVOKED"]);
    const unknown: StatusChecker = async () => ({ status: "unknown", reason: "responder unreachable" });
    const r = await check({ leaf: leaf.pem, statusChecker: unknown });
    expect(r.ok).toBe(true);
    expect(r.findings.map((f) => [f.code, f.severity])).toEqual([
      ["REVOCATION_UNKNOWN", "warning"],
      ["REVOCATION_UNKNOWN", "warning"],
    ]);
  });
});
