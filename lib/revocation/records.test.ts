import { describe, expect, it } from "vitest";
import { mintChain } from "@/lib/pki/testing/factory";
import { getReview } from "@/lib/reviews/get-review";
import { createTestApp, insertCertificateSubmission, setupSchedulingHarness } from "@/lib/scheduling/testing";
import { describeRevocation, latestRevocationCheck, recordRevocationCheck } from "./records";

const h = setupSchedulingHarness();
const EC = { algorithm: "EC", curve: "P-256" } as const;

describe("revocation records and the reviewer's view", () => {
  it("the review loader carries the latest check (result, source, when, upload or daily)", async () => {
    const { db, acmeOrgId, users } = h.current;
    const app = await createTestApp(db, { organisationId: acmeOrgId });
    const chain = await mintChain({ label: "records", keys: EC });
    const sub = await insertCertificateSubmission(db, { app, organisationId: acmeOrgId, environment: "stage", chain: [chain.leaf, chain.intermediates[0]!, chain.root], status: "approved", approvedAt: new Date("2026-01-10T00:00:00Z") });
    expect(await latestRevocationCheck(db, sub.submissionId)).toBeNull();
    expect((await getReview(db, { viewer: users.reviewer, submissionId: sub.submissionId })).revocation).toBeNull();

    const base = { fingerprintSha256: "ab".repeat(32), subject: chain.leaf.subject };
    await recordRevocationCheck(db, { submissionId: sub.submissionId, trigger: "upload", check: { ...base, status: "good", source: "ocsp", url: "http://ocsp.ca.test/", detail: "OCSP responder http://ocsp.ca.test/ answered good", checkedAt: new Date("2026-01-09T10:00:00Z") } });
    await recordRevocationCheck(db, {
      submissionId: sub.submissionId,
      trigger: "daily",
      check: { ...base, status: "revoked", source: "crl", url: "http://crl.ca.test/ica.crl", detail: "the CRL lists it", revokedAt: new Date("2026-01-11T08:00:00Z"), reason: "keyCompromise", checkedAt: new Date("2026-01-12T06:30:00Z") },
    });
    const view = await getReview(db, { viewer: users.reviewer, submissionId: sub.submissionId });
    expect(view.revocation).toMatchObject({ status: "revoked", source: "crl", trigger: "daily", reason: "keyCompromise", checkedAt: new Date("2026-01-12T06:30:00Z") });
    const d = describeRevocation(view.revocation!);
    expect(d).toMatchObject({ label: "Revoked", tone: "danger" });
    expect(d.text).toBe("The CA revoked it on 2026-01-11 08:00 UTC (keyCompromise) (CRL http://crl.ca.test/ica.crl).");
  });

  it("describes good and unknown results with why", () => {
    const r = { source: "ocsp" as const, url: "http://ocsp.ca.test/", revokedAt: null, reason: null, trigger: "upload" as const, checkedAt: new Date() };
    expect(describeRevocation({ ...r, status: "good", why: null, detail: "ok" })).toMatchObject({ label: "Not revoked", tone: "success" });
    const u = describeRevocation({ ...r, status: "unknown", why: "refused address", detail: "refused to fetch http://127.0.0.1/: 127.0.0.1 is a loopback address" });
    expect(u.tone).toBe("warning");
    expect(u.text).toContain("refused address");
  });
});
