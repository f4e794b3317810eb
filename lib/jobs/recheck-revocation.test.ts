/**
 * The daily revocation re-check against a real `openssl ocsp` responder: an active certificate
 * its CA revoked leaves the trust store within one run, and both sides are notified.
 */
import "reflect-metadata";
import { AuthorityInfoAccessExtension } from "@peculiar/x509";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, certificates, notifications, programs, revocationChecks, submissions, users } from "@/lib/db";
import { fetchPkiUrl } from "@/lib/pki-fetch/fetch";
import { type TestCert, mintCertificate } from "@/lib/pki/testing/factory";
import { type OcspResponder, startOcspResponder } from "@/lib/revocation/testing";
import { publishTruststore, readPublishedTruststore } from "@/lib/scheduling/publish-truststore";
import { createTestApp, insertCertificateSubmission, setupSchedulingHarness } from "@/lib/scheduling/testing";
import { recheckRevocation } from "./recheck-revocation";
import { JOBS, JOB_NAMES } from "./lambda";

const h = setupSchedulingHarness();
const EC = { algorithm: "EC", curve: "P-256" } as const;
const at = new Date();
const DAY = 86_400_000;
let root: TestCert;
let ica: TestCert;
let responder: OcspResponder;
const SERIALS = { good: "6b01", revoked: "6b02", alert: "6b03" };

beforeAll(async () => {
  root = await mintCertificate({ subject: "CN=Recheck Root, O=Certdesk Test", ca: true, keys: EC, keyLabel: "recheck-root", at });
  ica = await mintCertificate({ subject: "CN=Recheck Issuing CA, O=Certdesk Test", issuer: root, ca: true, keys: EC, keyLabel: "recheck-ica", at });
  responder = await startOcspResponder({
    ca: ica,
    signer: ica,
    entries: [
      { serialHex: SERIALS.good, subject: "CN=Good" },
      { serialHex: SERIALS.revoked, subject: "CN=Revoked", revoked: { at: new Date(Date.now() - DAY), reason: "keyCompromise" } },
      { serialHex: SERIALS.alert, subject: "CN=Alert", revoked: { at: new Date(Date.now() - DAY), reason: "cessationOfOperation" } },
    ],
  });
}, 60_000);
afterAll(() => responder?.close());

const leaf = (name: string, serialNumber: string) =>
  mintCertificate({ subject: `CN=${name}, O=Acme Payments Ltd`, issuer: ica, keys: EC, keyLabel: "recheck-leaf", at, serialNumber, extensions: [new AuthorityInfoAccessExtension({ ocsp: responder.url })] });

const fetch = () => (url: string, req: Parameters<typeof fetchPkiUrl>[1]) => fetchPkiUrl(url, req, { allowHosts: [`127.0.0.1:${responder.port}`] });

async function noticesFor(submissionSubject: string, kind: string) {
  const rows = await h.current.db
    .select({ email: users.email, title: notifications.title, body: notifications.body })
    .from(notifications)
    .innerJoin(users, eq(users.id, notifications.userId))
    .where(eq(notifications.kind, kind));
  return rows.filter((r) => r.body.includes(submissionSubject) || r.title.includes(submissionSubject));
}

describe("recheck-revocation job", () => {
  it("is a registered job", () => {
    expect(JOB_NAMES).toContain("recheck-revocation");
    expect(JOBS["recheck-revocation"].load).toBeDefined();
  });

  it("an active certificate revoked at its CA leaves the trust store within one run; partner and support are notified; a good one stays", async () => {
    const { db, storage, acmeOrgId } = h.current;
    const app = await createTestApp(db, { organisationId: acmeOrgId });
    const revokedLeaf = await leaf("Recheck Revoked Client", SERIALS.revoked);
    const goodLeaf = await leaf("Recheck Good Client", SERIALS.good);
    const bad = await insertCertificateSubmission(db, { app, organisationId: acmeOrgId, environment: "production", chain: [revokedLeaf, ica, root], status: "active", approvedAt: new Date(at.getTime() - 10 * DAY) });
    const good = await insertCertificateSubmission(db, { app, organisationId: acmeOrgId, environment: "stage", chain: [goodLeaf, ica, root], status: "active", approvedAt: new Date(at.getTime() - 10 * DAY) });
    const scope = { programId: app.programId, environmentKey: "production" };
    await publishTruststore(db, storage, { ...scope, now: at, cause: "test" });
    const before = await readPublishedTruststore(storage, scope);
    expect(before!.clients.apps.flatMap((a) => a.clients.map((c) => c.subject))).toContain(revokedLeaf.subject);

    const report = await recheckRevocation({ db, storage, now: new Date(), fetch: fetch(), log: () => undefined });
    expect(report.revoked).toContainEqual({ submissionId: bad.submissionId, subject: revokedLeaf.subject, action: "removed" });
    expect(report.revoked.map((r) => r.submissionId)).not.toContain(good.submissionId);

    const [leafRow] = await db.select().from(certificates).where(eq(certificates.id, bad.leafId));
    expect(leafRow!.status).toBe("revoked");
    expect(leafRow!.revocationReason).toMatch(/^revoked by its CA: its OCSP responder .* says revoked on .* \(keyCompromise\)$/);
    expect((await db.select({ s: submissions.status }).from(submissions).where(eq(submissions.id, bad.submissionId)))[0]!.s).toBe("revoked");
    expect((await db.select({ s: submissions.status }).from(submissions).where(eq(submissions.id, good.submissionId)))[0]!.s).toBe("active");

    const after = await readPublishedTruststore(storage, scope);
    expect(after!.version).toBeGreaterThan(before!.version);
    expect(after!.clients.apps.flatMap((a) => a.clients.map((c) => c.subject))).not.toContain(revokedLeaf.subject);

    const notified = (await noticesFor(revokedLeaf.subject, "certificate.revoked")).map((n) => n.email);
    expect(notified).toContain("partner@acme.test");
    expect(notified).toContain("support@certdesk.test");
    expect(notified).not.toContain("partner@globex.test");

    // The timeline (audit events on the submission) shows what the CA said and the revocation.
    const events = await db.select({ action: auditEvents.action, role: auditEvents.role }).from(auditEvents).where(and(eq(auditEvents.targetType, "submission"), eq(auditEvents.targetId, bad.submissionId)));
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(["certificate.revoked_upstream", "certificate.revoke"]));
    expect(events.every((e) => e.role === "system")).toBe(true);

    const checks = await db.select().from(revocationChecks).where(inArray(revocationChecks.submissionId, [bad.submissionId, good.submissionId]));
    expect(checks.map((c) => [c.submissionId, c.status, c.source, c.trigger]).sort()).toEqual(
      [
        [bad.submissionId, "revoked", "ocsp", "daily"],
        [good.submissionId, "good", "ocsp", "daily"],
      ].sort(),
    );

    // The revoked certificate is no longer live: the next run does not check it again.
    const next = await recheckRevocation({ db, storage, now: new Date(), fetch: fetch(), log: () => undefined });
    expect(next.revoked.map((r) => r.submissionId)).not.toContain(bad.submissionId);
  });

  it("onRevoked 'alert' only notifies (once), and the certificate stays trusted", async () => {
    const { db, storage, acmeOrgId } = h.current;
    const app = await createTestApp(db, { organisationId: acmeOrgId });
    const [p] = await db.select().from(programs).where(eq(programs.id, app.programId));
    await db.update(programs).set({ definition: { ...(p!.definition as object), revocation: { onRevoked: "alert" } } }).where(eq(programs.id, app.programId));
    const alertLeaf = await leaf("Recheck Alert Client", SERIALS.alert);
    const sub = await insertCertificateSubmission(db, { app, organisationId: acmeOrgId, environment: "production", chain: [alertLeaf, ica, root], status: "active", approvedAt: new Date(at.getTime() - 10 * DAY) });

    const report = await recheckRevocation({ db, storage, now: new Date(), fetch: fetch(), log: () => undefined });
    expect(report.revoked).toContainEqual({ submissionId: sub.submissionId, subject: alertLeaf.subject, action: "alerted" });
    const [leafRow] = await db.select().from(certificates).where(eq(certificates.id, sub.leafId));
    expect(leafRow!.status).toBe("active");
    const notified = (await noticesFor(alertLeaf.subject, "certificate.revoked_upstream")).map((n) => n.email);
    expect(notified).toContain("partner@acme.test");
    expect(notified).toContain("support@certdesk.test");
    const count = notified.length;

    const again = await recheckRevocation({ db, storage, now: new Date(), fetch: fetch(), log: () => undefined });
    expect(again.revoked).toContainEqual({ submissionId: sub.submissionId, subject: alertLeaf.subject, action: "already-alerted" });
    expect(await noticesFor(alertLeaf.subject, "certificate.revoked_upstream")).toHaveLength(count);
  });
});
