/**
 * `certdesk check --fetch` (issue 15): offline by default; with --fetch it asks the CA (CRL here,
 * from a real local HTTP server reached through CERTDESK_FETCH_ALLOW_HOSTS) and fetches missing
 * intermediates from AIA caIssuers.
 */
import "reflect-metadata";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { AuthorityInfoAccessExtension, CRLDistributionPointsExtension, X509CrlReason } from "@peculiar/x509";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintCertificate, mintCrl } from "../lib/pki/testing/factory";
import { type PkiHttpServer, startPkiHttpServer } from "../lib/revocation/testing";
import { parseArgs } from "./args";

const ROOT = path.resolve(import.meta.dirname, "..");
const EC = { algorithm: "EC", curve: "P-256" } as const;
const DAY = 86_400_000;
let dir: string;
let srv: PkiHttpServer;

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "cli/certdesk.ts", ...args], { cwd: ROOT, env: { ...process.env, CERTDESK_FETCH_ALLOW_HOSTS: "", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
const f = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "certdesk-cli-fetch-"));
  srv = await startPkiHttpServer();
  const at = new Date();
  const root = await mintCertificate({ subject: "CN=Cli Fetch Root, O=Certdesk Test", ca: true, keys: EC, keyLabel: "clif-root", at });
  const ica = await mintCertificate({ subject: "CN=Cli Fetch Issuing CA, O=Certdesk Test", issuer: root, ca: true, keys: EC, keyLabel: "clif-ica", at });
  const leaf = await mintCertificate({
    subject: "CN=Acme Payments Client, O=Acme Payments Ltd",
    issuer: ica,
    keys: EC,
    keyLabel: "clif-leaf",
    at,
    serialNumber: "7c01",
    extensions: [new CRLDistributionPointsExtension([`${srv.origin}/ica.crl`]), new AuthorityInfoAccessExtension({ caIssuers: `${srv.origin}/ica.cer` })],
  });
  srv.routes.set("/ica.crl", { body: (await mintCrl({ issuer: ica, thisUpdate: new Date(Date.now() - DAY), nextUpdate: new Date(Date.now() + DAY), revoked: [{ serialNumber: "7c01", date: new Date(Date.now() - DAY), reason: X509CrlReason.keyCompromise }] })).der });
  srv.routes.set("/ica.cer", { body: ica.der });
  await writeFile(f("chain.pem"), leaf.pem + ica.pem + root.pem);
  await writeFile(f("leaf-only.pem"), leaf.pem);
  await writeFile(f("root.pem"), root.pem);
});
afterAll(async () => {
  await srv?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("certdesk check --fetch", () => {
  it("parses --fetch; off by default", () => {
    const on = parseArgs(["check", "a.pem", "--program", "ca-chain", "--fetch"]);
    const off = parseArgs(["check", "a.pem", "--program", "ca-chain"]);
    expect(on.kind === "check" && on.args.fetch).toBe(true);
    expect(off.kind === "check" && off.args.fetch).toBe(false);
  });

  it("without --fetch nothing is fetched; with it the CA's CRL says revoked (REVOCATION_REVOKED, exit 1)", async () => {
    srv.log.length = 0;
    const base = ["check", f("chain.pem"), "--program", "ca-chain", "--trust-anchor", f("root.pem"), "--json"];
    const offline = await run(base, { CERTDESK_FETCH_ALLOW_HOSTS: `127.0.0.1:${srv.port}` });
    expect(JSON.parse(offline.stdout).findings.map((x: { code: string }) => x.code)).not.toContain("REVOCATION_REVOKED");
    expect(srv.log).toEqual([]);
    const online = await run([...base, "--fetch"], { CERTDESK_FETCH_ALLOW_HOSTS: `127.0.0.1:${srv.port}` });
    const out = JSON.parse(online.stdout);
    const revoked = out.findings.find((x: { code: string }) => x.code === "REVOCATION_REVOKED");
    expect(revoked?.severity).toBe("error");
    expect(revoked?.message).toContain("keyCompromise");
    expect(online.code).toBe(1);
    expect(srv.log).toContain("/ica.crl");
  }, 60_000);

  it("with --fetch a leaf-only upload is completed from its AIA caIssuers URL (CHAIN_INTERMEDIATE_FETCHED, corrected chain written)", async () => {
    const base = ["check", f("leaf-only.pem"), "--program", "ca-chain", "--trust-anchor", f("root.pem"), "--json"];
    const offline = JSON.parse((await run(base, { CERTDESK_FETCH_ALLOW_HOSTS: `127.0.0.1:${srv.port}` })).stdout);
    expect(offline.findings.map((x: { code: string }) => x.code)).toContain("CHAIN_INCOMPLETE");
    const online = await run([...base, "--fetch", "--write-corrected", f("corrected.pem")], { CERTDESK_FETCH_ALLOW_HOSTS: `127.0.0.1:${srv.port}` });
    const out = JSON.parse(online.stdout);
    const fetched = out.findings.find((x: { code: string }) => x.code === "CHAIN_INTERMEDIATE_FETCHED");
    expect(fetched?.severity).toBe("info");
    expect(fetched?.message).toContain(`${srv.origin}/ica.cer`);
    expect(out.findings.map((x: { code: string }) => x.code)).not.toContain("CHAIN_INCOMPLETE");
    expect(out.correctedPem).toContain("BEGIN CERTIFICATE");
    expect((out.correctedPem as string).split("BEGIN CERTIFICATE").length - 1).toBe(2);
  }, 60_000);

  it("with --fetch but without the allow-list, a loopback URL is refused and nothing is contacted", async () => {
    srv.log.length = 0;
    const r = await run(["check", f("chain.pem"), "--program", "ca-chain", "--trust-anchor", f("root.pem"), "--json", "--fetch"]);
    const out = JSON.parse(r.stdout);
    expect(out.findings.map((x: { code: string }) => x.code)).not.toContain("REVOCATION_REVOKED");
    expect(srv.log).toEqual([]);
  }, 60_000);
});
