/**
 * The async pre-step + pure engine, end to end: a leaf uploaded without its intermediate is
 * completed from its AIA caIssuers URL (a real local HTTP server), and live revocation answers
 * become findings with the severity the program's revocation rule gives them.
 */
import "reflect-metadata";
import { AuthorityInfoAccessExtension, CRLDistributionPointsExtension } from "@peculiar/x509";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkUpload, getExampleProgram, type Program } from "../policy";
import { type TestCert, mintCertificate, mintCrl } from "../pki/testing/factory";
import { prepareLiveChecks, pkiFetcher } from "./live-checks";
import { type PkiHttpServer, startPkiHttpServer } from "./testing";

const EC = { algorithm: "EC", curve: "P-256" } as const;
const DAY = 86_400_000;
const at = new Date();
let srv: PkiHttpServer;
let root: TestCert;
let ica: TestCert;
let leaf: TestCert;
let fetch: ReturnType<typeof pkiFetcher>;

const pem = (...c: TestCert[]) => [{ name: "client.pem", bytes: new TextEncoder().encode(c.map((x) => x.pem).join("")) }];
const withRevocation = (id: string, revocation: Program["rules"]["revocation"]): Program => {
  const p = structuredClone(getExampleProgram(id)!);
  p.rules.revocation = revocation;
  return p;
};

async function run(files: ReturnType<typeof pem>, program: Program) {
  const live = await prepareLiveChecks({ files, program, trustAnchors: [root.pem], fetch, now: () => new Date() });
  const verdict = await checkUpload({ files, program, at: new Date(), trustAnchors: [root.pem], statusChecker: live.checker.statusChecker, fetchedIntermediates: live.fetchedIntermediates });
  return { live, verdict };
}

beforeAll(async () => {
  srv = await startPkiHttpServer();
  fetch = pkiFetcher({ allowHosts: [`127.0.0.1:${srv.port}`] });
  root = await mintCertificate({ subject: "CN=Live Root, O=Certdesk Test", ca: true, keys: EC, keyLabel: "live-root", at });
  ica = await mintCertificate({ subject: "CN=Live Issuing CA, O=Certdesk Test", issuer: root, ca: true, keys: EC, keyLabel: "live-ica", at });
  leaf = await mintCertificate({
    subject: "CN=Acme Payments Client, O=Acme Payments Ltd",
    issuer: ica,
    keys: EC,
    keyLabel: "live-leaf",
    at,
    extensions: [new AuthorityInfoAccessExtension({ caIssuers: `${srv.origin}/ica.cer` }), new CRLDistributionPointsExtension([`${srv.origin}/ica.crl`])],
  });
  srv.routes.set("/ica.cer", { body: ica.der, contentType: "application/pkix-cert" });
  srv.routes.set("/ica.crl", { body: (await mintCrl({ issuer: ica, thisUpdate: new Date(Date.now() - DAY), nextUpdate: new Date(Date.now() + DAY) })).der });
});
afterAll(() => srv?.close());

describe("AIA chasing through the engine", () => {
  it("without the pre-step a leaf-only upload is incomplete; with it the fetched intermediate completes the path", async () => {
    const program = getExampleProgram("ca-chain")!;
    const offline = await checkUpload({ files: pem(leaf), program, at: new Date(), trustAnchors: [root.pem] });
    expect(offline.verdict).toBe("rejected");
    expect(offline.findings.map((f) => f.code)).toContain("CHAIN_INCOMPLETE");

    const { verdict } = await run(pem(leaf), program);
    expect(verdict.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(verdict.verdict).toBe("accepted");
    const fetched = verdict.findings.find((f) => f.code === "CHAIN_INTERMEDIATE_FETCHED")!;
    expect(fetched.severity).toBe("info");
    expect(fetched.message).toContain(`${srv.origin}/ica.cer`);
    expect(fetched.message).toMatch(/SHA-256 [0-9a-f]{64}/);
    // The corrected chain includes it, and the verdict's chain says where it came from.
    expect(verdict.chain.map((c) => [c.role, c.subject, c.source])).toEqual(expect.arrayContaining([["intermediate", "CN=Live Issuing CA, O=Certdesk Test", `${srv.origin}/ica.cer`]]));
    expect(verdict.correctedPem).toBe(leaf.pem + ica.pem);
  });

  it("a fetched certificate is never a trust anchor: a fetched self-signed root does not make the chain trusted", async () => {
    const program = getExampleProgram("ca-chain")!;
    const otherRoot = await mintCertificate({ subject: "CN=Live Other Root", ca: true, keys: EC, keyLabel: "live-other", at });
    const live = await prepareLiveChecks({ files: pem(leaf), program, trustAnchors: [otherRoot.pem], fetch, now: () => new Date() });
    srv.routes.set("/root.cer", { body: root.der });
    const verdict = await checkUpload({ files: pem(leaf), program, at: new Date(), trustAnchors: [otherRoot.pem], fetchedIntermediates: [...live.fetchedIntermediates, { der: root.der, url: `${srv.origin}/root.cer` }] });
    expect(verdict.verdict).toBe("rejected");
    expect(verdict.findings.map((f) => f.code)).not.toContain("CHAIN_INTERMEDIATE_FETCHED");
  });

  it("nothing is fetched when the upload is complete", async () => {
    srv.log.length = 0;
    const { live, verdict } = await run(pem(leaf, ica, root), getExampleProgram("ca-chain")!);
    expect(live.fetchedIntermediates).toEqual([]);
    expect(srv.log).not.toContain("/ica.cer");
    expect(verdict.findings.map((f) => f.code)).not.toContain("CHAIN_INTERMEDIATE_FETCHED");
  });
});

describe("REVOCATION_UNKNOWN severity follows the program's revocation rule", () => {
  let unreachableLeaf: TestCert;
  let noUrlLeaf: TestCert;
  beforeAll(async () => {
    unreachableLeaf = await mintCertificate({ subject: "CN=Acme Payments Client, O=Acme Payments Ltd", issuer: ica, keys: EC, keyLabel: "live-leaf", at, extensions: [new CRLDistributionPointsExtension([`${srv.origin}/gone.crl`])] });
    noUrlLeaf = await mintCertificate({ subject: "CN=Acme Payments Client, O=Acme Payments Ltd", issuer: ica, keys: EC, keyLabel: "live-leaf", at });
  });
  const unknowns = (v: Awaited<ReturnType<typeof run>>["verdict"]) => v.findings.filter((f) => f.code === "REVOCATION_UNKNOWN").map((f) => [f.certificate?.position, f.severity, f.message]);

  it("required: a warning for the reviewer, saying why (unreachable)", async () => {
    const { verdict } = await run(pem(unreachableLeaf, ica, root), withRevocation("ca-chain", "required"));
    const u = unknowns(verdict).filter(([pos]) => pos === 0);
    expect(u).toHaveLength(1);
    expect(u[0]![1]).toBe("warning");
    expect(u[0]![2]).toContain("unreachable");
  });

  it("if-available: the same answer is for the record only (info)", async () => {
    const { verdict } = await run(pem(unreachableLeaf, ica, root), withRevocation("ca-chain", "if-available"));
    expect(unknowns(verdict).filter(([pos]) => pos === 0).map(([, s]) => s)).toEqual(["info"]);
  });

  it("not-checked: nothing", async () => {
    const { verdict } = await run(pem(unreachableLeaf, ica, root), withRevocation("ca-chain", "not-checked"));
    expect(unknowns(verdict)).toEqual([]);
  });

  it("no URL: the reviewer is asked about the leaf where required, nothing where if-available", async () => {
    const required = await run(pem(noUrlLeaf, ica, root), withRevocation("ca-chain", "required"));
    expect(unknowns(required.verdict).map(([pos, sev]) => [pos, sev])).toEqual([[0, "warning"]]);
    const optional = await run(pem(noUrlLeaf, ica, root), withRevocation("ca-chain", "if-available"));
    expect(unknowns(optional.verdict)).toEqual([]);
  });

  it("a good CRL answer is quiet, and the check is recorded with its source", async () => {
    const { verdict, live } = await run(pem(leaf, ica, root), withRevocation("ca-chain", "required"));
    expect(unknowns(verdict).filter(([pos]) => pos === 0)).toEqual([]);
    expect(live.checker.results.find((r) => r.subject.includes("Acme"))).toMatchObject({ status: "good", source: "crl", url: `${srv.origin}/ica.crl` });
  });
});
