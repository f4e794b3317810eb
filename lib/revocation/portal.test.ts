/**
 * The portal and the API go online before the engine (issue 15): an upload's leaf is checked
 * live, the answer is recorded with the submission for the reviewer, and the SSRF rules hold
 * with the default (empty) allow-list.
 */
import "reflect-metadata";
import { CRLDistributionPointsExtension, X509CrlReason } from "@peculiar/x509";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintCertificate, mintCrl, qcStatementsExtension, type TestCert } from "@/lib/pki/testing/factory";
import { authorizeUpload, createSubmission } from "@/lib/submissions/create-submission";
import { checkUploadForTarget } from "@/lib/submissions/check-upload-for-app";
import { acmeChain, asUser, pemFile, setupHarness } from "@/lib/submissions/testing";
import { pkiFetcher } from "./live-checks";
import { latestRevocationCheck } from "./records";
import { type PkiHttpServer, startPkiHttpServer } from "./testing";

const h = setupHarness();
let srv: PkiHttpServer;
let chain: { root: TestCert; ica: TestCert; leaf: TestCert };

const DAY = 86_400_000;

beforeAll(async () => {
  srv = await startPkiHttpServer();
  const base = await acmeChain("live-portal");
  const leaf = await mintCertificate({
    subject: "CN=Acme Payments live-portal Client, 2.5.4.97=PSDGB-FCA-654321, O=Acme Payments Ltd",
    issuer: base.ica,
    keyLabel: "live-portal:leaf",
    serialNumber: "7d01",
    extensions: [qcStatementsExtension({ roles: ["PSP_AI", "PSP_PI"], ncaName: "Financial Conduct Authority", ncaId: "GB-FCA" }), new CRLDistributionPointsExtension([`${srv.origin}/ica.crl`])],
  });
  chain = { ...base, leaf };
  srv.routes.set("/ica.crl", { body: (await mintCrl({ issuer: base.ica, thisUpdate: new Date(Date.now() - DAY), nextUpdate: new Date(Date.now() + DAY), revoked: [{ serialNumber: "7d01", reason: X509CrlReason.keyCompromise, date: new Date(Date.now() - DAY) }] })).der });
});
afterAll(() => srv?.close());

describe("live checks at upload", () => {
  it("with the default empty allow-list the loopback CRL URL is refused without a connection, and the check is recorded for the reviewer", async () => {
    const { db, storage, users, apps } = h.current;
    srv.log.length = 0;
    const now = () => new Date();
    const result = await createSubmission({ db, storage, now }, { actor: asUser(users.acme), appId: apps.acmeCheckout, environmentKey: "stage", files: [pemFile("chain.pem", chain.leaf, chain.ica, chain.root)] });
    expect(result.outcome).toBe("created");
    if (result.outcome !== "created") return;
    expect(srv.log).toEqual([]);
    const record = await latestRevocationCheck(db, result.submission.id);
    expect(record).toMatchObject({ status: "unknown", source: "crl", why: "refused address", trigger: "upload", url: `${srv.origin}/ica.crl` });
    expect(result.verdict.findings.filter((f) => f.code === "REVOCATION_UNKNOWN" && f.certificate?.position === 0).map((f) => f.severity)).toEqual(["info"]);
  });

  it("reached through the allow-list, the CA's CRL makes the upload REVOCATION_REVOKED", async () => {
    const { db, users, apps } = h.current;
    const target = await authorizeUpload(db, asUser(users.acme), { appId: apps.acmeCheckout, environmentKey: "stage" });
    const checked = await checkUploadForTarget(db, {
      target,
      files: [pemFile("chain.pem", chain.leaf, chain.ica, chain.root)],
      purpose: "mtls",
      now: new Date(),
      live: { fetch: pkiFetcher({ allowHosts: [`127.0.0.1:${srv.port}`] }) },
    });
    expect(checked.verdict.verdict).toBe("rejected");
    expect(checked.verdict.findings.find((f) => f.code === "REVOCATION_REVOKED")?.message).toContain("keyCompromise");
    expect(checked.revocation).toMatchObject({ status: "revoked", source: "crl", reason: "keyCompromise" });
    expect(srv.log).toContain("/ica.crl");
  });
});
