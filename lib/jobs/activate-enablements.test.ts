import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, certificates, enablements, enablementWindows, submissions, truststoreVersions } from "@/lib/db";
import { mintCertificate, mintChain, type TestCert } from "@/lib/pki/testing/factory";
import { readPublishedTruststore } from "@/lib/scheduling/publish-truststore";
import { revokeCertificate } from "@/lib/scheduling/revoke-certificate";
import { scheduleEnablement } from "@/lib/scheduling/schedule-enablement";
import { asUser, createTestApp, insertCertificateSubmission, setupSchedulingHarness } from "@/lib/scheduling/testing";
import { createOneOffWindow } from "@/lib/scheduling/windows";
import { activateEnablements } from "./activate-enablements";
import { startJobRunner } from "./runner";

const h = setupSchedulingHarness();
const NOW = new Date("2026-03-02T09:00:00Z");
const WINDOW = new Date("2026-03-05T10:00:00Z");
const HOUR = 3_600_000;
const EC = { algorithm: "EC", curve: "P-256" } as const;

let n = 0;
function selfSigned(options: { notAfter?: Date } = {}): Promise<TestCert> {
  n++;
  return mintCertificate({ subject: `CN=Job Client ${n}, O=Acme Payments Ltd`, keys: EC, keyLabel: `job-${n}`, ...options });
}

/** An app with an active CA-issued certificate and an approved self-signed replacement booked into a window. */
async function rotation(options: { oldNotAfter?: Date; scheduling?: Record<string, unknown> } = {}) {
  const { db, acmeOrgId, users } = h.current;
  const app = await createTestApp(db, { organisationId: acmeOrgId, scheduling: options.scheduling });
  const chain = await mintChain({ label: `job-old-${++n}`, keys: EC, leafSubject: `CN=Job Old Client ${n}, O=Acme Payments Ltd` });
  const oldLeaf = options.oldNotAfter
    ? await mintCertificate({ subject: `CN=Job Old Client ${n}, O=Acme Payments Ltd`, issuer: chain.intermediates[0], keys: EC, keyLabel: `job-old-leaf-${n}`, notAfter: options.oldNotAfter })
    : chain.leaf;
  const old = await insertCertificateSubmission(db, { app, organisationId: acmeOrgId, environment: "production", chain: [oldLeaf, chain.intermediates[0]!, chain.root], status: "active", approvedAt: new Date("2026-01-10T00:00:00Z") });
  const fresh = await selfSigned();
  const next = await insertCertificateSubmission(db, { app, organisationId: acmeOrgId, environment: "production", chain: [fresh], status: "approved", approvedAt: NOW });
  const support = asUser(users.support);
  const { id: windowId } = await createOneOffWindow(db, { actor: support, now: NOW, window: { programId: app.programId, environmentKey: "production", startsAt: WINDOW, durationMinutes: 60, capacity: 3 } });
  const { enablementId } = await scheduleEnablement(db, { actor: support, now: NOW, submissionId: next.submissionId, windowId });
  const scope = { programId: app.programId, environmentKey: "production" };
  const run = (at: Date) => activateEnablements({ db, storage: h.current.storage, now: at, log: () => undefined });
  const statusOf = async (submissionId: string) => (await db.select({ status: submissions.status }).from(submissions).where(eq(submissions.id, submissionId)))[0]!.status;
  const leafOf = async (id: string) => (await db.select().from(certificates).where(eq(certificates.id, id)))[0]!;
  const versions = () => db.select().from(truststoreVersions).where(and(eq(truststoreVersions.programId, app.programId), eq(truststoreVersions.environmentKey, "production"))).orderBy(asc(truststoreVersions.version));
  return { app, old, next, oldLeaf, chain, fresh, enablementId, windowId, scope, run, statusOf, leafOf, versions };
}

describe("activation job (injected clock)", () => {
  it("activates at the window, keeps the replaced certificate for the 48-hour overlap, then retires it; publishes a version per change", async () => {
    const r = await rotation();
    // Before the window: only the current certificate is published (first publication, reconcile).
    const before = await r.run(new Date(WINDOW.getTime() - 60_000));
    expect(before.activated).toEqual([]);
    expect(before.published).toEqual([{ ...r.scope, version: 1, cause: "reconcile" }]);
    let store = await readPublishedTruststore(h.current.storage, r.scope);
    expect(store!.clients.apps[0]!.clients.map((c) => c.subject)).toEqual([r.oldLeaf.subject]);
    // A CA-issued chain contributes its intermediate and root (ordered by subject), never its leaf.
    expect(store!.pem).toBe(r.chain.intermediates[0]!.pem + r.chain.root.pem);

    const at = new Date(WINDOW.getTime() + 30_000);
    const report = await r.run(at);
    expect(report.activated).toEqual([r.enablementId]);
    expect(report.published).toEqual([{ ...r.scope, version: 2, cause: `activation of ${r.fresh.subject} (${r.app.name})` }]);
    expect(await r.statusOf(r.next.submissionId)).toBe("active");
    const old = await r.leafOf(r.old.leafId);
    expect(old).toMatchObject({ status: "retiring", retiresAt: new Date(at.getTime() + 48 * HOUR) });
    store = await readPublishedTruststore(h.current.storage, r.scope);
    expect(store!.version).toBe(2);
    expect(store!.clients.apps[0]!.clients.map((c) => [c.subject, c.status]).sort()).toEqual(
      [
        [r.oldLeaf.subject, "retiring"],
        [r.fresh.subject, "active"],
      ].sort(),
    );
    // The self-signed leaf is its own anchor: it joins the CA list once, deduplicated.
    expect(store!.pem.split("-----BEGIN CERTIFICATE-----").length - 1).toBe(3);
    expect(store!.pem).toContain(r.fresh.pem.trim());
    const [w] = await h.current.db.select().from(enablementWindows).where(eq(enablementWindows.id, r.windowId));
    expect(w!.status).toBe("open");

    // Still inside the overlap: nothing changes, nothing is republished.
    const during = await r.run(new Date(at.getTime() + 47 * HOUR));
    expect(during).toMatchObject({ activated: [], retired: 0, published: [] });
    expect(await r.statusOf(r.old.submissionId)).toBe("active");

    const after = await r.run(new Date(at.getTime() + 48 * HOUR));
    expect(after.retired).toBe(1);
    expect(after.published).toEqual([{ ...r.scope, version: 3, cause: `retirement of ${r.oldLeaf.subject} (overlap ended)` }]);
    expect(await r.statusOf(r.old.submissionId)).toBe("retired");
    store = await readPublishedTruststore(h.current.storage, r.scope);
    expect(store!.pem).toBe(r.fresh.pem);
    expect((await r.versions()).map((v) => [v.version, v.cause.split(" ")[0]])).toEqual([
      [1, "reconcile"],
      [2, "activation"],
      [3, "retirement"],
    ]);
  });

  it("is idempotent: a second run at the same time activates nothing and publishes nothing", async () => {
    const r = await rotation();
    const at = new Date(WINDOW.getTime() + 60_000);
    expect((await r.run(at)).activated).toEqual([r.enablementId]);
    const again = await r.run(at);
    expect(again).toMatchObject({ activated: [], failed: [], retired: 0, expired: 0 });
    expect(again.published.filter((p) => p.programId === r.app.programId)).toEqual([]);
    const audits = await h.current.db.select().from(auditEvents).where(and(eq(auditEvents.action, "enablement.activate"), eq(auditEvents.targetId, r.enablementId)));
    expect(audits).toHaveLength(1);
  });

  it("catches up after missed runs: activates late (full overlap from now), expires what passed its not-after, closes the window", async () => {
    const r = await rotation({ oldNotAfter: new Date("2026-03-07T00:00:00Z"), scheduling: { expiryMarginDays: 1 } });
    // No run between the booking and three days after the window.
    const late = new Date(WINDOW.getTime() + 3 * 24 * HOUR);
    const report = await r.run(late);
    expect(report.activated).toEqual([r.enablementId]);
    // The old leaf went retiring for the overlap at activation, then expired in the same run (not-after passed).
    expect(report.expired).toBeGreaterThanOrEqual(1);
    expect((await r.leafOf(r.old.leafId)).status).toBe("expired");
    expect(report.windowsClosed).toBeGreaterThanOrEqual(1);
    const [w] = await h.current.db.select().from(enablementWindows).where(eq(enablementWindows.id, r.windowId));
    expect(w!.status).toBe("closed");
    const [activation] = await h.current.db.select().from(auditEvents).where(and(eq(auditEvents.action, "enablement.activate"), eq(auditEvents.targetId, r.enablementId)));
    expect(activation!.details).toMatchObject({ late: true });
    const store = await readPublishedTruststore(h.current.storage, r.scope);
    expect(store!.clients.apps[0]!.clients.map((c) => c.subject)).toEqual([r.fresh.subject]);
    expect(store!.pem).toBe(r.fresh.pem);
  });

  it("takes a certificate past its not-after out of the trust store at the next run, and keeps recurring windows planned ahead", async () => {
    const { db, acmeOrgId, users } = h.current;
    const app = await createTestApp(db, { organisationId: acmeOrgId });
    const scope = { programId: app.programId, environmentKey: "production" };
    const notAfter = new Date("2026-03-10T12:00:00Z");
    const cert = await selfSigned({ notAfter });
    await insertCertificateSubmission(db, { app, organisationId: acmeOrgId, environment: "production", chain: [cert], status: "active", approvedAt: new Date("2026-01-05T00:00:00Z") });
    const run = (at: Date) => activateEnablements({ db, storage: h.current.storage, now: at, log: () => undefined });
    await run(new Date(notAfter.getTime() - 60_000));
    expect((await readPublishedTruststore(h.current.storage, scope))!.pem).toBe(cert.pem);
    const report = await run(new Date(notAfter.getTime() + 60_000));
    expect(report.expired).toBe(1);
    expect(report.published.filter((p) => p.programId === app.programId)).toEqual([{ ...scope, version: 2, cause: `expiry of ${cert.subject}` }]);
    const store = await readPublishedTruststore(h.current.storage, scope);
    expect(store).toMatchObject({ version: 2, pem: "" });
    expect(store!.clients.apps).toEqual([]);

    const { createRecurrence, listWindows } = await import("@/lib/scheduling/windows");
    await createRecurrence(db, { actor: asUser(users.support), now: NOW, recurrence: { ...scope, weekdays: [2], startTime: "09:00", durationMinutes: 60, timeZone: "UTC", capacity: 1 } });
    const later = await run(new Date(NOW.getTime() + 14 * 24 * HOUR));
    expect(later.windowsCreated).toBeGreaterThanOrEqual(2);
    const windows = await listWindows(db, { ...scope, from: NOW, to: new Date(NOW.getTime() + 80 * 24 * HOUR) });
    // 56 days ahead of the later run (16 March → 11 May): every Tuesday from 3 March to 5 May, none twice.
    expect(windows.map((w) => w.startsAt.toISOString())).toEqual(Array.from({ length: 10 }, (_, i) => new Date(Date.UTC(2026, 2, 3 + 7 * i, 9)).toISOString()));
  });

  it("does not activate a certificate revoked after it was booked", async () => {
    const r = await rotation();
    const result = await revokeCertificate({ db: h.current.db, storage: h.current.storage }, { actor: asUser(h.current.users.acme), now: NOW, submissionId: r.next.submissionId, reason: "key-compromise" });
    expect(result.cancelledEnablements).toBe(1);
    const report = await r.run(new Date(WINDOW.getTime() + 60_000));
    expect(report.activated).toEqual([]);
    const [e] = await h.current.db.select().from(enablements).where(eq(enablements.id, r.enablementId));
    expect(e!.status).toBe("cancelled");
    expect((await r.leafOf(r.old.leafId)).status).toBe("active");
  });

  it("runs in-process on an interval through startJobRunner with an injected clock", async () => {
    const r = await rotation();
    const runner = startJobRunner({ intervalMs: 3_600_000, now: () => new Date(WINDOW.getTime() + 60_000), deps: async () => ({ db: h.current.db, storage: h.current.storage }), log: () => undefined });
    try {
      // The first tick starts at once; runOnce joins it rather than starting a second run.
      const report = await runner.runOnce();
      const second = await runner.runOnce();
      expect([...report.activated, ...second.activated]).toContain(r.enablementId);
      expect(await r.statusOf(r.next.submissionId)).toBe("active");
    } finally {
      await runner.stop();
    }
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)("two activation runs at once on a PostgreSQL server", () => {
  it("activate each enablement once, publish one version, and write one audit event", async () => {
    const r = await rotation();
    const at = new Date(WINDOW.getTime() + 60_000);
    // Publish the starting state first, so the race is only about the activation.
    await r.run(new Date(WINDOW.getTime() - 60_000));
    const [a, b] = await Promise.all([r.run(at), r.run(at)]);
    expect([...a.activated, ...b.activated]).toEqual([r.enablementId]);
    const published = [...a.published, ...b.published].filter((p) => p.programId === r.app.programId);
    expect(published.map((p) => p.version)).toEqual([2]);
    expect((await r.versions()).map((v) => v.version)).toEqual([1, 2]);
    const audits = await h.current.db.select().from(auditEvents).where(and(eq(auditEvents.action, "enablement.activate"), eq(auditEvents.targetId, r.enablementId)));
    expect(audits).toHaveLength(1);
    expect((await r.leafOf(r.old.leafId)).status).toBe("retiring");
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)("a revocation racing the activation on a PostgreSQL server", () => {
  it("neither deadlocks nor leaves the revoked certificate trusted, whichever commits first", async () => {
    const r = await rotation();
    const at = new Date(WINDOW.getTime() + 60_000);
    await r.run(new Date(WINDOW.getTime() - 60_000));
    const [run, revoke] = await Promise.allSettled([
      r.run(at),
      revokeCertificate({ db: h.current.db, storage: h.current.storage }, { actor: asUser(h.current.users.acme), now: at, submissionId: r.next.submissionId, reason: "key-compromise" }),
    ]);
    expect(run.status).toBe("fulfilled");
    expect(revoke.status).toBe("fulfilled");
    expect(await r.statusOf(r.next.submissionId)).toBe("revoked");
    await r.run(new Date(at.getTime() + 60_000));
    const store = await readPublishedTruststore(h.current.storage, r.scope);
    expect(store!.clients.apps.flatMap((a) => a.clients.map((c) => c.subject))).not.toContain(r.fresh.subject);
    expect(store!.pem).not.toContain(r.fresh.pem.trim());
  });
});

describe.skipIf(process.env.TEST_DATABASE_URL)("two activation runs at once (PGlite)", () => {
  it.skip("needs a PostgreSQL server: set TEST_DATABASE_URL (bash scripts/pg-server.sh start) to test real lock contention", () => undefined);
});
