/**
 * Live revocation checking against real local services: `openssl ocsp` responders and a
 * Node HTTP server serving CRLs, reached through the SSRF-safe fetcher with the loopback
 * address allow-listed (as CERTDESK_FETCH_ALLOW_HOSTS does).
 */
import "reflect-metadata";
import { AuthorityInfoAccessExtension, CRLDistributionPointsExtension, X509CrlReason } from "@peculiar/x509";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryResponseCache } from "../pki-fetch/cache";
import { fetchPkiUrl } from "../pki-fetch/fetch";
import { checkUpload, getExampleProgram } from "../policy";
import { PKI_FETCH_MAX_BYTES } from "../pki-fetch/fetch";
import { type TestCert, mintCertificate, mintCrl } from "../pki/testing/factory";
import { buildOcspRequest } from "./ocsp";
import { parseCertificate } from "../pki/certificate";
import { type Fetcher, createRevocationChecker } from "./status-checker";
import { type OcspResponder, type PkiHttpServer, startOcspResponder, startPkiHttpServer } from "./testing";

const EC = { algorithm: "EC", curve: "P-256" } as const;
const OCSP_EKU = "1.3.6.1.5.5.7.3.9";
const now = () => new Date();
const DAY = 86_400_000;

let root: TestCert;
let ica: TestCert;
let otherCa: TestCert;
let crlServer: PkiHttpServer;
const responders: OcspResponder[] = [];
let allowHosts: string[];
let fetcher: Fetcher;

const at = new Date();
const leafOpts = (subject: string, serialNumber: string, ext: { ocsp?: string; crl?: string }) =>
  mintCertificate({
    subject,
    issuer: ica,
    keys: EC,
    keyLabel: "leaf",
    at,
    serialNumber,
    extensions: [
      ...(ext.ocsp ? [new AuthorityInfoAccessExtension({ ocsp: ext.ocsp })] : []),
      ...(ext.crl ? [new CRLDistributionPointsExtension([ext.crl])] : []),
    ],
  });

const SERIAL = { good: "5a01", revoked: "5a02", unknown: "5a03", delegated: "5a04", rogue: "5a05", noEku: "5a06", crl: "5a07" };

let ocspIca: OcspResponder;
let ocspDelegated: OcspResponder;
let ocspRogue: OcspResponder;
let ocspNoEku: OcspResponder;

beforeAll(async () => {
  root = await mintCertificate({ subject: "CN=Revocation Test Root, O=Certdesk Test", ca: true, keys: EC, keyLabel: "rev-root", at });
  ica = await mintCertificate({ subject: "CN=Revocation Test Issuing CA, O=Certdesk Test", issuer: root, ca: true, keys: EC, keyLabel: "rev-ica", at });
  otherCa = await mintCertificate({ subject: "CN=Someone Else CA, O=Elsewhere", ca: true, keys: EC, keyLabel: "rev-other", at });
  const delegated = await mintCertificate({ subject: "CN=Revocation Test OCSP Responder, O=Certdesk Test", issuer: ica, keys: EC, keyLabel: "rev-resp", at, extendedKeyUsage: [OCSP_EKU] });
  const rogue = await mintCertificate({ subject: "CN=Rogue OCSP Responder", issuer: otherCa, keys: EC, keyLabel: "rev-rogue", at, extendedKeyUsage: [OCSP_EKU] });
  const noEku = await mintCertificate({ subject: "CN=Not An OCSP Responder, O=Certdesk Test", issuer: ica, keys: EC, keyLabel: "rev-noeku", at });
  const entries = [
    { serialHex: SERIAL.good, subject: "CN=Good" },
    { serialHex: SERIAL.revoked, subject: "CN=Revoked", revoked: { at: new Date(Date.now() - 3 * DAY), reason: "keyCompromise" } },
    { serialHex: SERIAL.delegated, subject: "CN=Delegated" },
    { serialHex: SERIAL.rogue, subject: "CN=Rogue" },
    { serialHex: SERIAL.noEku, subject: "CN=NoEku" },
  ];
  [ocspIca, ocspDelegated, ocspRogue, ocspNoEku] = await Promise.all([
    startOcspResponder({ ca: ica, signer: ica, entries }),
    startOcspResponder({ ca: ica, signer: delegated, entries }),
    startOcspResponder({ ca: ica, signer: rogue, entries }),
    startOcspResponder({ ca: ica, signer: noEku, entries }),
  ]);
  responders.push(ocspIca, ocspDelegated, ocspRogue, ocspNoEku);
  crlServer = await startPkiHttpServer();
  allowHosts = [`127.0.0.1:${crlServer.port}`, ...responders.map((r) => `127.0.0.1:${r.port}`)];
  fetcher = (url, req) => fetchPkiUrl(url, req, { allowHosts, timeoutMs: 1_000 });
}, 60_000);

afterAll(async () => {
  await Promise.all(responders.map((r) => r.close()));
  await crlServer?.close();
});

describe("OCSP against openssl ocsp", () => {
  it("good: signed by the issuer, fresh, for this CertID, nonce echoed", async () => {
    const leaf = await leafOpts("CN=Good, O=Acme", SERIAL.good, { ocsp: ocspIca.url });
    const c = createRevocationChecker({ fetch: fetcher, now });
    const r = await c.check(leaf.der, ica.der);
    expect(r).toMatchObject({ status: "good", source: "ocsp", url: ocspIca.url });
    expect(r.nextUpdate!.getTime()).toBeGreaterThan(Date.now());
  });

  it("good with a SHA-1 CertID too", async () => {
    const leaf = await leafOpts("CN=Good, O=Acme", SERIAL.good, { ocsp: ocspIca.url });
    const r = await createRevocationChecker({ fetch: fetcher, now, ocspHash: "SHA-1" }).check(leaf.der, ica.der);
    expect(r.status).toBe("good");
  });

  it("revoked: with the CA's reason and date", async () => {
    const leaf = await leafOpts("CN=Revoked, O=Acme", SERIAL.revoked, { ocsp: ocspIca.url });
    const r = await createRevocationChecker({ fetch: fetcher, now }).check(leaf.der, ica.der);
    expect(r.status).toBe("revoked");
    expect(r.reason).toBe("keyCompromise");
    expect(Math.abs(r.revokedAt!.getTime() - (Date.now() - 3 * DAY))).toBeLessThan(120_000);
  });

  it("unknown: the responder does not know the serial", async () => {
    const leaf = await leafOpts("CN=Unknown, O=Acme", SERIAL.unknown, { ocsp: ocspIca.url });
    const r = await createRevocationChecker({ fetch: fetcher, now }).check(leaf.der, ica.der);
    expect(r).toMatchObject({ status: "unknown", why: "not known to the responder" });
  });

  it("accepts a delegated responder the issuer certified with the OCSP-signing EKU", async () => {
    const leaf = await leafOpts("CN=Delegated, O=Acme", SERIAL.delegated, { ocsp: ocspDelegated.url });
    const r = await createRevocationChecker({ fetch: fetcher, now }).check(leaf.der, ica.der);
    expect(r.status).toBe("good");
  });

  it("refuses an answer signed by a responder another CA certified", async () => {
    const leaf = await leafOpts("CN=Rogue, O=Acme", SERIAL.rogue, { ocsp: ocspRogue.url });
    const r = await createRevocationChecker({ fetch: fetcher, now }).check(leaf.der, ica.der);
    expect(r).toMatchObject({ status: "unknown", why: "bad signature" });
    expect(r.detail).toContain("not issued by the certificate's issuer");
  });

  it("refuses an answer signed by an issuer-certified key without the OCSP-signing EKU", async () => {
    const leaf = await leafOpts("CN=NoEku, O=Acme", SERIAL.noEku, { ocsp: ocspNoEku.url });
    const r = await createRevocationChecker({ fetch: fetcher, now }).check(leaf.der, ica.der);
    expect(r).toMatchObject({ status: "unknown", why: "bad signature" });
    expect(r.detail).toContain("OCSP-signing");
  });

  it("stale: an answer whose nextUpdate has passed (the responder's 60 minutes, judged 2 hours later)", async () => {
    const leaf = await leafOpts("CN=Good, O=Acme", SERIAL.good, { ocsp: ocspIca.url });
    const later = () => new Date(Date.now() + 2 * 3_600_000);
    const r = await createRevocationChecker({ fetch: fetcher, now: later }).check(leaf.der, ica.der);
    expect(r).toMatchObject({ status: "unknown", why: "stale" });
  });

  it("refuses a replayed answer: one recorded for another nonce", async () => {
    const leaf = await leafOpts("CN=Good, O=Acme", SERIAL.good, { ocsp: `${crlServer.origin}/replay` });
    const cert = parseCertificate(leaf.der);
    const issuer = parseCertificate(ica.der);
    const old = await buildOcspRequest({ cert, issuer, crypto });
    const recorded = await fetchPkiUrl(ocspIca.url, { method: "POST", body: old.der, contentType: "application/ocsp-request" }, { allowHosts });
    crlServer.routes.set("/replay", { body: recorded.body, contentType: "application/ocsp-response" });
    const r = await createRevocationChecker({ fetch: fetcher, now }).check(leaf.der, ica.der);
    expect(r).toMatchObject({ status: "unknown", why: "bad signature" });
    expect(r.detail).toContain("nonce");
  });

  it("caches a good answer until its nextUpdate: the second check asks nobody", async () => {
    const cache = memoryResponseCache();
    const leaf = await leafOpts("CN=Good, O=Acme", SERIAL.good, { ocsp: ocspIca.url });
    const calls: string[] = [];
    const counting: Fetcher = (u, r) => (calls.push(u), fetcher(u, r));
    expect((await createRevocationChecker({ fetch: counting, now, cache }).check(leaf.der, ica.der)).status).toBe("good");
    expect(calls).toEqual([ocspIca.url]);
    expect(cache.size).toBe(1);
    expect((await createRevocationChecker({ fetch: counting, now, cache }).check(leaf.der, ica.der)).status).toBe("good");
    expect(calls).toHaveLength(1);
    // Past its nextUpdate (60 min) the cached answer is not used: the responder is asked again.
    const later = await createRevocationChecker({ fetch: counting, now: () => new Date(Date.now() + 61 * 60_000), cache }).check(leaf.der, ica.der);
    expect(calls).toHaveLength(2);
    expect(later.why).toBe("stale");
  });
});

describe("CRLs from a Node HTTP server", () => {
  const crlLeaf = (path: string) => leafOpts("CN=Crl Client, O=Acme", SERIAL.crl, { crl: `${crlServer.origin}${path}` });

  it("valid CRL not listing the certificate: good", async () => {
    crlServer.routes.set("/valid.crl", { body: (await mintCrl({ issuer: ica, thisUpdate: new Date(Date.now() - DAY), nextUpdate: new Date(Date.now() + DAY), revoked: [{ serialNumber: "77" }] })).der });
    const r = await createRevocationChecker({ fetch: fetcher, now }).check((await crlLeaf("/valid.crl")).der, ica.der);
    expect(r).toMatchObject({ status: "good", source: "crl" });
  });

  it("CRL listing the certificate: revoked, with reason and date", async () => {
    const when = new Date(Date.now() - 2 * DAY);
    crlServer.routes.set("/revoked.crl", {
      body: (await mintCrl({ issuer: ica, thisUpdate: new Date(Date.now() - DAY), nextUpdate: new Date(Date.now() + DAY), revoked: [{ serialNumber: SERIAL.crl, date: when, reason: X509CrlReason.superseded }] })).der,
    });
    const r = await createRevocationChecker({ fetch: fetcher, now }).check((await crlLeaf("/revoked.crl")).der, ica.der);
    expect(r).toMatchObject({ status: "revoked", reason: "superseded" });
    expect(Math.abs(r.revokedAt!.getTime() - when.getTime())).toBeLessThan(1000);
  });

  it("expired CRL: unknown, stale", async () => {
    crlServer.routes.set("/expired.crl", { body: (await mintCrl({ issuer: ica, thisUpdate: new Date(Date.now() - 10 * DAY), nextUpdate: new Date(Date.now() - DAY) })).der });
    const r = await createRevocationChecker({ fetch: fetcher, now }).check((await crlLeaf("/expired.crl")).der, ica.der);
    expect(r).toMatchObject({ status: "unknown", why: "stale" });
  });

  it("CRL of the wrong issuer: unknown, bad signature", async () => {
    crlServer.routes.set("/wrong.crl", { body: (await mintCrl({ issuer: otherCa, thisUpdate: new Date(Date.now() - DAY), nextUpdate: new Date(Date.now() + DAY), revoked: [{ serialNumber: SERIAL.crl }] })).der });
    const r = await createRevocationChecker({ fetch: fetcher, now }).check((await crlLeaf("/wrong.crl")).der, ica.der);
    expect(r).toMatchObject({ status: "unknown", why: "bad signature" });
  });

  it("oversized CRL: unreachable (1 MiB cap)", async () => {
    crlServer.routes.set("/huge.crl", { body: new Uint8Array(PKI_FETCH_MAX_BYTES + 10) });
    const r = await createRevocationChecker({ fetch: fetcher, now }).check((await crlLeaf("/huge.crl")).der, ica.der);
    expect(r).toMatchObject({ status: "unknown", why: "unreachable" });
    expect(r.detail).toMatch(/limit|more than/);
  });

  it("slow server: unreachable (timeout)", async () => {
    crlServer.routes.set("/slow.crl", { delayMs: 3_000 });
    const r = await createRevocationChecker({ fetch: fetcher, now }).check((await crlLeaf("/slow.crl")).der, ica.der);
    expect(r).toMatchObject({ status: "unknown", why: "unreachable" });
    expect(r.detail).toContain("time limit");
  });

  it("caches a CRL until its nextUpdate", async () => {
    crlServer.routes.set("/cached.crl", { body: (await mintCrl({ issuer: ica, thisUpdate: new Date(Date.now() - DAY), nextUpdate: new Date(Date.now() + DAY) })).der });
    const cache = memoryResponseCache();
    const leaf = await crlLeaf("/cached.crl");
    await createRevocationChecker({ fetch: fetcher, now, cache }).check(leaf.der, ica.der);
    const before = crlServer.log.filter((p) => p === "/cached.crl").length;
    const r = await createRevocationChecker({ fetch: fetcher, now, cache }).check(leaf.der, ica.der);
    expect(r.status).toBe("good");
    expect(crlServer.log.filter((p) => p === "/cached.crl").length).toBe(before);
    expect(before).toBe(1);
  });
});

describe("what the checker refuses or cannot do", () => {
  it("no URL: unknown, 'no URL'", async () => {
    const leaf = await mintCertificate({ subject: "CN=No Urls", issuer: ica, keys: EC, keyLabel: "leaf", at });
    const r = await createRevocationChecker({ fetch: fetcher, now }).check(leaf.der, ica.der);
    expect(r).toMatchObject({ status: "unknown", source: "none", why: "no URL" });
  });

  it("an OCSP URL at the metadata address or loopback (not allow-listed): refused address, nothing contacted", async () => {
    const before = crlServer.log.length;
    for (const url of ["http://169.254.169.254/latest/meta-data/", `http://127.0.0.1:${crlServer.port}/x`, `http://[::ffff:127.0.0.1]:${crlServer.port}/`, `http://2130706433:${crlServer.port}/`]) {
      const leaf = await leafOpts("CN=Ssrf, O=Acme", "5a10", { ocsp: url });
      const strict: Fetcher = (u, req) => fetchPkiUrl(u, req, { allowHosts: [] });
      const r = await createRevocationChecker({ fetch: strict, now }).check(leaf.der, ica.der);
      expect(r, url).toMatchObject({ status: "unknown", why: "refused address" });
    }
    expect(crlServer.log.length).toBe(before);
  });

  it("falls back to the CRL when OCSP gives no usable answer", async () => {
    crlServer.routes.set("/fallback.crl", { body: (await mintCrl({ issuer: ica, thisUpdate: new Date(Date.now() - DAY), nextUpdate: new Date(Date.now() + DAY), revoked: [{ serialNumber: "5a11" }] })).der });
    const leaf = await leafOpts("CN=Fallback, O=Acme", "5a11", { ocsp: `${crlServer.origin}/no-such-responder`, crl: `${crlServer.origin}/fallback.crl` });
    const r = await createRevocationChecker({ fetch: fetcher, now }).check(leaf.der, ica.der);
    expect(r).toMatchObject({ status: "revoked", source: "crl" });
  });
});

describe("through the engine's statusChecker seam", () => {
  it("REVOCATION_REVOKED (error, with reason and date) rejects the upload; good is quiet", async () => {
    const program = getExampleProgram("ca-chain")!;
    const files = (leaf: TestCert) => [{ name: "chain.pem", bytes: new TextEncoder().encode(leaf.pem + ica.pem + root.pem) }];
    const revokedLeaf = await leafOpts("CN=Acme Payments Client, O=Acme Payments Ltd", SERIAL.revoked, { ocsp: ocspIca.url });
    const checker = createRevocationChecker({ fetch: fetcher, now });
    const v = await checkUpload({ files: files(revokedLeaf), program, at: new Date(), trustAnchors: [root.pem], statusChecker: checker.statusChecker });
    const f = v.findings.find((x) => x.code === "REVOCATION_REVOKED");
    expect(v.verdict).toBe("rejected");
    expect(f?.severity).toBe("error");
    expect(f?.message).toContain("keyCompromise");
    expect(f?.message).toMatch(/\d{4}-\d\d-\d\dT/);
    const goodLeaf = await leafOpts("CN=Acme Payments Client, O=Acme Payments Ltd", SERIAL.good, { ocsp: ocspIca.url });
    const g = await checkUpload({ files: files(goodLeaf), program, at: new Date(), trustAnchors: [root.pem], statusChecker: createRevocationChecker({ fetch: fetcher, now }).statusChecker });
    expect(g.findings.map((x) => x.code)).not.toContain("REVOCATION_REVOKED");
  });
});
