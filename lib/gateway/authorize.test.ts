import { beforeAll, describe, expect, it } from "vitest";
import { mintCertificate, type TestCert } from "@/lib/pki/testing/factory";
import type { ClientEntry, ClientsJson, CurrentPointer } from "@/lib/scheduling/publish-truststore";
import { authorizerResponse, clientCertFromEvent, decideAccess, fingerprintSha256, parseLeafPem } from "./authorize";
import { createClientsCache } from "./clients-cache";
import { httpApiAuthorizerEvent, restAuthorizerEvent } from "./fixtures";
import { createAuthorizerHandler } from "./handler";

const NOW = new Date("2026-06-01T12:00:00Z");
const EC = { algorithm: "EC", curve: "P-256" } as const;
const SCOPE = { programId: "ca-chain", environmentKey: "production" };
const APP = { appId: "0b7c4a8e-1111-4a5b-9c3d-000000000001", appName: "Acme Checkout", organisationId: "0b7c4a8e-2222-4a5b-9c3d-000000000002", organisationName: "Acme Payments Ltd" };

let ca: TestCert;
let active: TestCert;
let retiring: TestCert;
let expired: TestCert;
let stranger: TestCert;
let sandboxOnly: TestCert;

function entry(c: TestCert, status: ClientEntry["status"], retiresAt: string | null = null): ClientEntry {
  const cert = parseLeafPem(c.pem)!;
  return {
    certificateId: `cert-${c.subject}`,
    submissionId: `sub-${c.subject}`,
    fingerprintSha256: fingerprintSha256(cert),
    subject: c.subject,
    issuer: ca.subject,
    serialNumber: cert.serialNumber,
    notAfter: c.cert.notAfter.toISOString(),
    status,
    retiresAt,
  };
}

function clientsJson(scope: { programId: string; environmentKey: string }, clients: ClientEntry[], version = 7): ClientsJson {
  return { format: "certdesk-clients/1", ...scope, version, publishedAt: NOW.toISOString(), cause: "test", apps: [{ ...APP, clients }] };
}

let published: ClientsJson;

beforeAll(async () => {
  ca = await mintCertificate({ subject: "CN=Acme Issuing CA, O=Acme Payments Ltd", ca: true, keys: EC, keyLabel: "gw:ca" });
  const leaf = (cn: string, extra: { notAfter?: Date } = {}) =>
    mintCertificate({ subject: `CN=${cn}, O=Acme Payments Ltd`, issuer: ca, keys: EC, keyLabel: `gw:${cn}`, notBefore: new Date("2026-01-01T00:00:00Z"), notAfter: extra.notAfter ?? new Date("2027-01-01T00:00:00Z") });
  active = await leaf("Acme Client 2026");
  retiring = await leaf("Acme Client 2025");
  expired = await leaf("Acme Client 2024", { notAfter: new Date("2026-05-01T00:00:00Z") });
  stranger = await leaf("Never Submitted");
  sandboxOnly = await leaf("Acme Sandbox Client");
  published = clientsJson(SCOPE, [entry(active, "active"), entry(retiring, "retiring", "2026-06-02T12:00:00Z"), entry(expired, "active")]);
});

const shapes = [
  ["REST API (identity.clientCert)", restAuthorizerEvent],
  ["HTTP API (authentication.clientCert)", httpApiAuthorizerEvent],
] as const;

describe.each(shapes)("the authorizer, %s", (_, event) => {
  const decide = (c: TestCert | null, clients: ClientsJson | null = published, now = NOW) => decideAccess({ cert: clientCertFromEvent(event(c)), clients, scope: SCOPE, now });

  it("admits an active leaf: principal = the developer app, context names organisation, app, environment, fingerprint", () => {
    const d = decide(active);
    expect(d).toMatchObject({ allow: true, principalId: APP.appId });
    const response = authorizerResponse(d, event(active));
    expect(response).toEqual({
      principalId: APP.appId,
      policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: expect.stringMatching(/^arn:aws:execute-api:.*\/GET\/whoami$/) }] },
      context: { organisationId: APP.organisationId, appId: APP.appId, environment: "production", fingerprintSha256: fingerprintSha256(parseLeafPem(active.pem)!), programId: "ca-chain", status: "active" },
    });
  });

  it("admits a retiring leaf inside its overlap, refuses it once the overlap has ended", () => {
    expect(decide(retiring)).toMatchObject({ allow: true, context: { status: "retiring" } });
    expect(decide(retiring, published, new Date("2026-06-02T12:00:00Z"))).toMatchObject({ allow: false, code: "overlap-ended" });
  });

  it("refuses a retired or revoked leaf: the next published clients.json no longer lists it", () => {
    const afterRetirement = clientsJson(SCOPE, [entry(active, "active")], 8);
    expect(decide(retiring, afterRetirement)).toMatchObject({ allow: false, code: "unknown-certificate" });
    const afterRevocation = clientsJson(SCOPE, [], 9);
    expect(decide(active, afterRevocation)).toMatchObject({ allow: false, code: "unknown-certificate" });
  });

  it("refuses an expired leaf even while clients.json still lists it", () => {
    expect(decide(expired)).toMatchObject({ allow: false, code: "expired" });
  });

  it("refuses an unknown leaf from a trusted CA (the trust store alone would admit it)", () => {
    const d = decide(stranger);
    expect(d).toMatchObject({ allow: false, code: "unknown-certificate", subject: stranger.cert.subject, serialNumber: stranger.cert.serialNumber });
    expect(authorizerResponse(d, event(stranger))).toMatchObject({ principalId: "denied", policyDocument: { Statement: [{ Effect: "Deny" }] } });
    expect(authorizerResponse(d, event(stranger)).context).toBeUndefined();
  });

  it("refuses a leaf active for another environment or program", () => {
    const sandbox = clientsJson({ programId: "ca-chain", environmentKey: "sandbox" }, [entry(sandboxOnly, "active")]);
    // This gateway's own list does not have it…
    expect(decide(sandboxOnly)).toMatchObject({ allow: false, code: "unknown-certificate" });
    // …and a list for another scope handed to it (a wrong URI) admits no one.
    expect(decide(sandboxOnly, sandbox)).toMatchObject({ allow: false, code: "wrong-trust-store" });
    const otherProgram = clientsJson({ programId: "self-signed-allowed", environmentKey: "production" }, [entry(active, "active")]);
    expect(decide(active, otherProgram)).toMatchObject({ allow: false, code: "wrong-trust-store" });
  });

  it("refuses a malformed PEM, no certificate, and everything before a clients.json exists", () => {
    const bad = { ...event(active) } as ReturnType<typeof event>;
    const cert = clientCertFromEvent(bad)!;
    cert.clientCertPem = "-----BEGIN CERTIFICATE-----\nMIIBnotacertificate\n-----END CERTIFICATE-----\n";
    expect(decideAccess({ cert, clients: published, scope: SCOPE, now: NOW })).toMatchObject({ allow: false, code: "malformed-certificate" });
    expect(decideAccess({ cert: { ...cert, clientCertPem: "hello" }, clients: published, scope: SCOPE, now: NOW })).toMatchObject({ allow: false, code: "malformed-certificate" });
    expect(decide(null)).toMatchObject({ allow: false, code: "no-client-certificate" });
    expect(decide(active, null)).toMatchObject({ allow: false, code: "no-trust-store" });
  });
});

describe("the Lambda handler", () => {
  function source(versions: { pointer: CurrentPointer | null; clients: ClientsJson }[]) {
    let i = 0;
    const reads = { pointer: 0, clients: 0 };
    return {
      reads,
      advance: () => (i = Math.min(i + 1, versions.length - 1)),
      source: {
        async readPointer() {
          reads.pointer++;
          return versions[i]!.pointer;
        },
        async readClients() {
          reads.clients++;
          return versions[i]!.clients;
        },
      },
    };
  }
  const pointer = (version: number): CurrentPointer => ({ version, truststoreKey: `k/v${version}/truststore.pem`, clientsKey: `k/v${version}/clients.json`, digest: "d", publishedAt: NOW.toISOString() });

  it("logs a denial with its reason, the subject and the serial, and nothing else", async () => {
    const lines: string[] = [];
    const s = source([{ pointer: pointer(7), clients: published }]);
    const handle = createAuthorizerHandler({ scope: SCOPE, cache: createClientsCache({ source: s.source }), now: () => NOW, log: (l) => lines.push(l) });
    expect((await handle(restAuthorizerEvent(active))).principalId).toBe(APP.appId);
    expect((await handle(httpApiAuthorizerEvent(stranger))).principalId).toBe("denied");
    expect(lines).toHaveLength(1);
    const logged = JSON.parse(lines[0]!);
    expect(Object.keys(logged).sort()).toEqual(["code", "msg", "reason", "scope", "serialNumber", "subject"]);
    expect(logged).toMatchObject({ code: "unknown-certificate", subject: stranger.cert.subject, serialNumber: stranger.cert.serialNumber });
    expect(lines[0]).not.toContain("BEGIN CERTIFICATE");
  });

  it("caches clients.json: reads current.json at most every 30 s, clients.json only on a new version", async () => {
    let clock = 0;
    const revoked = clientsJson(SCOPE, [], 8);
    const s = source([
      { pointer: pointer(7), clients: published },
      { pointer: pointer(8), clients: revoked },
    ]);
    const cache = createClientsCache({ source: s.source, now: () => clock });
    const handle = createAuthorizerHandler({ scope: SCOPE, cache, now: () => NOW, log: () => undefined });
    expect((await handle(restAuthorizerEvent(active))).principalId).toBe(APP.appId);
    s.advance(); // version 8 (the leaf revoked) is published
    clock = 29_000;
    expect((await handle(restAuthorizerEvent(active))).principalId).toBe(APP.appId); // still cached
    expect(s.reads).toEqual({ pointer: 1, clients: 1 });
    clock = 30_000;
    expect((await handle(restAuthorizerEvent(active))).principalId).toBe("denied"); // 30 s later at most
    expect(cache.version).toBe(8);
    clock = 60_000;
    await handle(restAuthorizerEvent(active));
    expect(s.reads).toEqual({ pointer: 3, clients: 2 }); // same version: pointer only
  });

  it("fails closed before the first load, keeps the last good version when S3 fails later", async () => {
    let clock = 0;
    let failing = true;
    const cache = createClientsCache({
      source: {
        async readPointer() {
          if (failing) throw new Error("S3 unavailable");
          return pointer(7);
        },
        async readClients() {
          return published;
        },
      },
      now: () => clock,
      log: () => undefined,
    });
    const handle = createAuthorizerHandler({ scope: SCOPE, cache, now: () => NOW, log: () => undefined });
    expect((await handle(restAuthorizerEvent(active))).principalId).toBe("denied");
    failing = false;
    clock = 5_000;
    expect((await handle(restAuthorizerEvent(active))).principalId).toBe(APP.appId);
    failing = true;
    clock = 40_000;
    expect((await handle(restAuthorizerEvent(active))).principalId).toBe(APP.appId);
  });
});
