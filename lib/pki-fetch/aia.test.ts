import "reflect-metadata";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AuthorityInfoAccessExtension } from "@peculiar/x509";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validatePath } from "../pki/validate";
import { type TestCert, mintCertificate } from "../pki/testing/factory";
import { type PkiHttpServer, startPkiHttpServer } from "../revocation/testing";
import { chaseAia } from "./aia";
import { memoryResponseCache } from "./cache";
import { fetchPkiUrl } from "./fetch";

const EC = { algorithm: "EC", curve: "P-256" } as const;
const at = new Date();
let srv: PkiHttpServer;
let root: TestCert;
let ica1: TestCert;
let ica2: TestCert;
let leaf: TestCert;
let impostor: TestCert;
let fetch: Parameters<typeof chaseAia>[0]["fetch"];

function p7c(pem: string): Uint8Array {
  const dir = mkdtempSync(path.join(os.tmpdir(), "certdesk-p7c-"));
  try {
    writeFileSync(path.join(dir, "c.pem"), pem);
    execFileSync("openssl", ["crl2pkcs7", "-nocrl", "-certfile", "c.pem", "-outform", "DER", "-out", "c.p7c"], { cwd: dir });
    return new Uint8Array(readFileSync(path.join(dir, "c.p7c")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  srv = await startPkiHttpServer();
  const aia = (p: string) => [new AuthorityInfoAccessExtension({ caIssuers: `${srv.origin}${p}` })];
  root = await mintCertificate({ subject: "CN=AIA Test Root", ca: true, keys: EC, keyLabel: "aia-root", at });
  ica1 = await mintCertificate({ subject: "CN=AIA Policy CA", issuer: root, ca: true, keys: EC, keyLabel: "aia-ica1", at, extensions: aia("/root.cer") });
  ica2 = await mintCertificate({ subject: "CN=AIA Issuing CA", issuer: ica1, ca: true, keys: EC, keyLabel: "aia-ica2", at, extensions: aia("/ica1.p7c") });
  leaf = await mintCertificate({ subject: "CN=Acme Client, O=Acme", issuer: ica2, keys: EC, keyLabel: "aia-leaf", at, extensions: aia("/ica2.cer") });
  // Same name as the issuing CA, another key: served at a URL, it must not be taken.
  impostor = await mintCertificate({ subject: "CN=AIA Issuing CA", issuer: ica1, ca: true, keys: EC, keyLabel: "aia-impostor", at });
  srv.routes.set("/ica2.cer", { body: ica2.der, contentType: "application/pkix-cert" });
  srv.routes.set("/ica1.p7c", { body: p7c(ica1.pem), contentType: "application/pkcs7-mime" });
  srv.routes.set("/root.cer", { body: root.der });
  fetch = (url, req) => fetchPkiUrl(url, req, { allowHosts: [`127.0.0.1:${srv.port}`] });
});
afterAll(() => srv.close());

describe("chaseAia", () => {
  it("fetches the missing intermediates (DER, then .p7c), each verified as the issuer, and the path then validates", async () => {
    const out = await chaseAia({ leaf: leaf.der, intermediates: [], trustAnchors: [root.der], fetch, maxDepth: 4, now: at });
    expect(out.fetched.map((f) => [f.subject, f.url])).toEqual([
      ["CN=AIA Issuing CA", `${srv.origin}/ica2.cer`],
      ["CN=AIA Policy CA", `${srv.origin}/ica1.p7c`],
    ]);
    expect(out.fetched[0]!.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
    const before = await validatePath({ leaf: leaf.der, intermediates: [], trustAnchors: [root.der], at });
    expect(before.ok).toBe(false);
    const after = await validatePath({ leaf: leaf.der, intermediates: out.fetched.map((f) => f.der), trustAnchors: [root.der], at });
    expect(after.ok).toBe(true);
  });

  it("fetches nothing when the chain is complete, and stops at the program's depth", async () => {
    srv.log.length = 0;
    expect((await chaseAia({ leaf: leaf.der, intermediates: [ica2.der, ica1.der], trustAnchors: [root.der], fetch, maxDepth: 4, now: at })).fetched).toEqual([]);
    expect(srv.log).toEqual([]);
    const one = await chaseAia({ leaf: leaf.der, intermediates: [], trustAnchors: [root.der], fetch, maxDepth: 1, now: at });
    expect(one.fetched).toHaveLength(1);
  });

  it("refuses a certificate that did not issue the one below it", async () => {
    srv.routes.set("/ica2.cer", { body: impostor.der });
    try {
      const out = await chaseAia({ leaf: leaf.der, intermediates: [], trustAnchors: [root.der], fetch, maxDepth: 4, now: at });
      expect(out.fetched).toEqual([]);
      expect(out.misses[0]!.why).toContain("issued");
    } finally {
      srv.routes.set("/ica2.cer", { body: ica2.der });
    }
  });

  it("a fetched root is a candidate, never a trust anchor", async () => {
    const out = await chaseAia({ leaf: leaf.der, intermediates: [], trustAnchors: [], fetch, maxDepth: 4, now: at });
    expect(out.fetched.map((f) => f.subject)).toEqual(["CN=AIA Issuing CA", "CN=AIA Policy CA", "CN=AIA Test Root"]);
    const r = await validatePath({ leaf: leaf.der, intermediates: out.fetched.map((f) => f.der), trustAnchors: [], at });
    expect(r.ok).toBe(false);
  });

  it("caches what it fetched; refused URLs are misses", async () => {
    const cache = memoryResponseCache();
    await chaseAia({ leaf: leaf.der, intermediates: [], trustAnchors: [root.der], fetch, cache, maxDepth: 4, now: at });
    srv.log.length = 0;
    const again = await chaseAia({ leaf: leaf.der, intermediates: [], trustAnchors: [root.der], fetch, cache, maxDepth: 4, now: at });
    expect(again.fetched).toHaveLength(2);
    expect(srv.log).toEqual([]);
    const strict = await chaseAia({ leaf: leaf.der, intermediates: [], trustAnchors: [root.der], fetch: (u, r) => fetchPkiUrl(u, r, { allowHosts: [] }), maxDepth: 4, now: at });
    expect(strict.fetched).toEqual([]);
    expect(strict.misses[0]!.why).toContain("loopback");
    expect(srv.log).toEqual([]);
  });
});
