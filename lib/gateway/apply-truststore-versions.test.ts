/**
 * After each publish the activation job points the API Gateway domain at the S3 VersionId of
 * the `current/truststore.pem` it just wrote, and stores the truststoreWarnings API Gateway
 * returns. Real SDK clients throughout: S3 against the embedded server (with a versioned-
 * bucket shim: s3rver sends no VersionId), API Gateway against a fake endpoint.
 */
import "reflect-metadata";
import { and, asc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { programs, truststoreVersions } from "@/lib/db";
import { activateEnablements } from "@/lib/jobs/activate-enablements";
import { mintCertificate, type TestCert } from "@/lib/pki/testing/factory";
import { readPublishedTruststore } from "@/lib/scheduling/publish-truststore";
import { revokeCertificate } from "@/lib/scheduling/revoke-certificate";
import { asUser, createTestApp, insertCertificateSubmission, setupSchedulingHarness, type TestApp } from "@/lib/scheduling/testing";
import { createStorage, type Storage } from "@/lib/storage";
import { anchorFor } from "./anchors";
import { listGatewayTruststores } from "./list-truststore-versions";
import { X509Certificate } from "node:crypto";
import { createFakeApiGateway, createVersionedS3Client, type FakeApiGateway } from "./testing";
import { createApiGatewayTruststoreUpdater, truststoreUri } from "./truststore-updater";

const h = setupSchedulingHarness();
const T0 = new Date("2026-03-02T09:00:00Z");
const EC = { algorithm: "EC", curve: "P-256" } as const;

let storage: Storage;
let versions: Map<string, string[]>;
let root: TestCert;
let ica: TestCert;

async function rows(app: TestApp) {
  return h.current.db
    .select()
    .from(truststoreVersions)
    .where(and(eq(truststoreVersions.programId, app.programId), eq(truststoreVersions.environmentKey, "production")))
    .orderBy(asc(truststoreVersions.version));
}

function lastVersionOf(app: TestApp): string {
  const list = versions.get(`truststores/${app.programId}/production/current/truststore.pem`) ?? [];
  return list[list.length - 1]!;
}

beforeAll(async () => {
  const versioned = createVersionedS3Client(h.current.config);
  versions = versioned.versions;
  storage = createStorage(h.current.config, { s3: versioned.s3 });
  root = await mintCertificate({ subject: "CN=Acme Gateway Root CA, O=Acme Payments Ltd", ca: true, keys: EC, keyLabel: "apply:root" });
  ica = await mintCertificate({ subject: "CN=Acme Gateway Issuing CA, O=Acme Payments Ltd", ca: true, issuer: root, keys: EC, keyLabel: "apply:ica" });
}, 60_000);

async function appWithActiveChain(name: string, chain?: TestCert[]) {
  const app = await createTestApp(h.current.db, { organisationId: h.current.acmeOrgId, name });
  const leaf = await mintCertificate({ subject: `CN=${name} client, O=Acme Payments Ltd`, issuer: ica, keys: EC, keyLabel: `apply:${name}` });
  const s = await insertCertificateSubmission(h.current.db, { app, organisationId: h.current.acmeOrgId, environment: "production", chain: chain ?? [leaf, ica, root], status: "active", approvedAt: T0 });
  return { app, submissionId: s.submissionId, leaf };
}

function fakeFor(app: TestApp, warnings: string[] = []): FakeApiGateway {
  return createFakeApiGateway([
    { domainName: "api.other-program.example-bank.com", truststoreUri: `s3://${h.current.config.s3.bucket}/truststores/other/production/current/truststore.pem` },
    { domainName: `api-${app.programId}.example-bank.com`, truststoreUri: truststoreUri(h.current.config.s3.bucket, { programId: app.programId, environmentKey: "production" }), warnings },
  ]);
}

describe("the activation job updates the API Gateway domain after each publish", () => {
  it("calls UpdateDomainName with the VersionId of the current/truststore.pem it wrote, and stores the warnings", async () => {
    const { app } = await appWithActiveChain("Apply One");
    const warnings = ["Certificate CN=Acme Gateway Issuing CA expires in 20 days"];
    const gw = fakeFor(app, warnings);
    const report = await activateEnablements({ db: h.current.db, storage, now: T0, log: () => undefined, gateway: createApiGatewayTruststoreUpdater({ client: gw.client, bucket: h.current.config.s3.bucket }) });
    const versionId = lastVersionOf(app);
    expect(versionId).toBeTruthy();
    const updates = gw.calls.filter((c) => c.operation === "UpdateDomainName");
    expect(updates).toEqual([
      {
        operation: "UpdateDomainName",
        domainName: `api-${app.programId}.example-bank.com`,
        body: { mutualTlsAuthentication: { truststoreUri: `s3://${h.current.config.s3.bucket}/truststores/${app.programId}/production/current/truststore.pem`, truststoreVersion: versionId } },
      },
    ]);
    expect(gw.domains[1]!.truststoreVersion).toBe(versionId);
    expect(report.gateway?.applied).toEqual([expect.objectContaining({ programId: app.programId, version: 1, warnings })]);
    const [row] = await rows(app);
    expect(row).toMatchObject({ version: 1, s3VersionId: versionId, gatewayStatus: "applied", gatewayWarnings: warnings });
    expect(row!.gatewayDetail).toContain(versionId);
    // What support sees on the Enablements page; partners are refused.
    const views = await listGatewayTruststores(h.current.db, { actor: asUser(h.current.users.support), now: T0 });
    expect(views.find((v) => v.programId === app.programId)).toMatchObject({ environmentKey: "production", version: 1, gatewayStatus: "applied", gatewayWarnings: warnings });
    await expect(listGatewayTruststores(h.current.db, { actor: asUser(h.current.users.acme), now: T0 })).rejects.toThrow(/support/i);
  });

  it("a version a revocation published outside the job reaches the gateway at the next run; a failed update is retried", async () => {
    const { app, submissionId } = await appWithActiveChain("Apply Two");
    const gw = fakeFor(app);
    const updater = createApiGatewayTruststoreUpdater({ client: gw.client, bucket: h.current.config.s3.bucket });
    await activateEnablements({ db: h.current.db, storage, now: T0, log: () => undefined, gateway: updater });
    await revokeCertificate({ db: h.current.db, storage }, { actor: asUser(h.current.users.support), now: new Date(T0.getTime() + 60_000), submissionId, reason: "key-compromise", comment: "test" });
    expect((await rows(app)).map((r) => r.gatewayStatus)).toEqual(["applied", "pending"]);
    gw.failNext(1);
    const failed = await activateEnablements({ db: h.current.db, storage, now: new Date(T0.getTime() + 120_000), log: () => undefined, gateway: updater });
    expect(failed.gateway?.failed).toEqual([expect.objectContaining({ programId: app.programId, version: 2 })]);
    expect((await rows(app))[1]).toMatchObject({ gatewayStatus: "failed", gatewayDetail: expect.stringMatching(/TooManyRequestsException/) });
    const retried = await activateEnablements({ db: h.current.db, storage, now: new Date(T0.getTime() + 180_000), log: () => undefined, gateway: updater });
    expect(retried.gateway?.applied).toEqual([expect.objectContaining({ programId: app.programId, version: 2 })]);
    expect(gw.domains[1]!.truststoreVersion).toBe(lastVersionOf(app));
    expect((await rows(app)).map((r) => r.gatewayStatus)).toEqual(["applied", "applied"]);
  });

  it("no domain uses the trust store: skipped, with the URI in the reason; no VersionId (s3rver as is): skipped, no API call", async () => {
    const { app } = await appWithActiveChain("Apply Three");
    const gw = createFakeApiGateway([]);
    await activateEnablements({ db: h.current.db, storage, now: T0, log: () => undefined, gateway: createApiGatewayTruststoreUpdater({ client: gw.client, bucket: h.current.config.s3.bucket }) });
    expect((await rows(app))[0]).toMatchObject({ gatewayStatus: "skipped", gatewayDetail: expect.stringContaining(`truststores/${app.programId}/production/current/truststore.pem`) });

    const { app: local } = await appWithActiveChain("Apply Four");
    const gw2 = fakeFor(local);
    await activateEnablements({ db: h.current.db, storage: h.current.storage, now: T0, log: () => undefined, gateway: createApiGatewayTruststoreUpdater({ client: gw2.client, bucket: h.current.config.s3.bucket }) });
    expect((await rows(local))[0]).toMatchObject({ s3VersionId: null, gatewayStatus: "skipped", gatewayDetail: expect.stringMatching(/no VersionId/) });
    expect(gw2.calls.filter((c) => c.operation === "UpdateDomainName")).toEqual([]);
  });
});

describe("a chain submitted without its root", () => {
  it("gets the anchor the engine validated against added to truststore.pem", async () => {
    const leaf = await mintCertificate({ subject: "CN=Rootless client, O=Acme Payments Ltd", issuer: ica, keys: EC, keyLabel: "apply:rootless" });
    const app = await createTestApp(h.current.db, { organisationId: h.current.acmeOrgId, name: "Rootless" });
    // The program's own anchor (a provider CA), as lib/policy's `trustAnchors` holds it.
    await h.current.db
      .update(programs)
      .set({ definition: { id: app.programId, environments: [{ id: "production", label: "Production", production: true }], trustAnchors: { mode: "replace", pems: [root.pem] } } })
      .where(eq(programs.id, app.programId));
    await insertCertificateSubmission(h.current.db, { app, organisationId: h.current.acmeOrgId, environment: "production", chain: [leaf, ica], status: "active", approvedAt: T0 });
    await activateEnablements({ db: h.current.db, storage: h.current.storage, now: T0, log: () => undefined });
    const published = await readPublishedTruststore(h.current.storage, { programId: app.programId, environmentKey: "production" });
    const subjects = (published!.pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((p) => new X509Certificate(p).subject);
    expect(subjects.sort()).toEqual([ica, root].map((c) => new X509Certificate(c.pem).subject).sort());
  });

  it("anchorFor: the issuing anchor by name and signature; none for a root or a same-named impostor", async () => {
    const impostor = await mintCertificate({ subject: "CN=Acme Gateway Root CA, O=Acme Payments Ltd", ca: true, keys: EC, keyLabel: "apply:impostor" });
    const candidates = [impostor, root].map((c) => new X509Certificate(c.pem));
    expect(anchorFor(ica.pem, candidates)).toBe(new X509Certificate(root.pem).toString());
    expect(anchorFor(ica.pem, [new X509Certificate(impostor.pem)])).toBeNull();
    expect(anchorFor(root.pem, candidates)).toBeNull();
  });
});
