/**
 * The expiry and renewal journey through the real domain functions (upload pipeline with the
 * engine and encrypted storage on the embedded S3 server, reviews, scheduling, the activation
 * job, the expiry job) with an injected clock: what e2e/expiry shows in a browser, here able to
 * move time on to the end of the overlap.
 */
import "reflect-metadata";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { certificates, emailOutbox, findings, notifications, submissions, users } from "@/lib/db";
import { loadSessionUser } from "@/lib/auth/access";
import { activateEnablements } from "@/lib/jobs/activate-enablements";
import { mintCertificate, qcStatementsExtension, DEFAULT_AT } from "@/lib/pki/testing/factory";
import { acknowledgeWarning } from "@/lib/reviews/acknowledge-warning";
import { approveSubmission } from "@/lib/reviews/approve-submission";
import { scheduleEnablement } from "@/lib/scheduling/schedule-enablement";
import { createSubmission } from "@/lib/submissions/create-submission";
import { getSubmission } from "@/lib/submissions/get-submission";
import { acmeChain, asUser, pemFile, setupHarness } from "@/lib/submissions/testing";
import { getCertificate, getCertificateLineage, toResource } from "./certificates";
import { runExpiryJob } from "./run-expiry-job";
import { DAY_MS } from "./state";

const h = setupHarness();
const publicUrl = "https://certdesk.example";
const HOUR = 3_600_000;

async function expiringChain(label: string, now: Date) {
  const at = new Date(now.getTime() - 341 * DAY_MS);
  const root = await mintCertificate({ subject: `CN=Acme Payments ${label} Root CA, O=Acme Payments Ltd`, ca: true, at, notBefore: at, notAfter: new Date(now.getTime() + 3000 * DAY_MS), keyLabel: `${label}:root` });
  const ica = await mintCertificate({ subject: `CN=Acme Payments ${label} Issuing CA, O=Acme Payments Ltd`, ca: true, issuer: root, at, notBefore: at, notAfter: new Date(now.getTime() + 2000 * DAY_MS), keyLabel: `${label}:ica` });
  const leaf = await mintCertificate({
    subject: `CN=Acme Payments ${label} Client, 2.5.4.97=PSDGB-FCA-654321, O=Acme Payments Ltd`,
    issuer: ica,
    notBefore: new Date(now.getTime() - 340 * DAY_MS),
    notAfter: new Date(now.getTime() + 25 * DAY_MS),
    keyLabel: `${label}:leaf`,
    extensions: [qcStatementsExtension({ roles: ["PSP_AI", "PSP_PI"], ncaName: "Financial Conduct Authority", ncaId: "GB-FCA" })],
  });
  return { root, ica, leaf };
}

describe("expiry and renewal journey", () => {
  it("urgent at 25 days, reminded once; Renew → linked → approved → enabled → both trusted during the overlap → the old one retires", async () => {
    const { db, storage, users: u, apps } = h.current;
    const [supportRow] = await db.select({ id: users.id }).from(users).where(eq(users.email, "support@certdesk.test"));
    const support = (await loadSessionUser(db, supportRow!.id))!;
    const t0 = new Date(DEFAULT_AT.getTime() + 10 * DAY_MS);
    const partner = asUser(u.acme);

    // 1. A certificate with 25 days left is uploaded to stage, approved (its LEAF_EXPIRES_SOON acknowledged) and enabled at once.
    const old = await expiringChain("journey-old", t0);
    const created = await createSubmission({ db, storage, now: () => t0 }, { actor: partner, appId: apps.acmeCheckout, environmentKey: "stage", files: [pemFile("old.pem", old.leaf, old.ica, old.root)], submit: true });
    expect(created.outcome).toBe("created");
    const oldSubmission = created.outcome === "created" ? created.submission.id : "";
    const warnings = await db.select({ id: findings.id, code: findings.code }).from(findings).where(and(eq(findings.submissionId, oldSubmission), eq(findings.severity, "warning")));
    expect(warnings.map((w) => w.code)).toContain("LEAF_EXPIRES_SOON");
    for (const w of warnings) await acknowledgeWarning({ db, now: () => t0 }, { reviewer: u.reviewer, submissionId: oldSubmission, findingId: w.id, comment: "Stage only; renewal follows." });
    expect((await approveSubmission({ db, now: () => t0 }, { reviewer: u.reviewer, submissionId: oldSubmission })).status).toBe("approved");
    await scheduleEnablement(db, { actor: asUser(support), now: t0, submissionId: oldSubmission, immediate: true });
    const t1 = new Date(t0.getTime() + 60_000);
    expect((await activateEnablements({ db, storage, now: t1 })).activated).toHaveLength(1);
    const [oldLeaf] = await db.select({ id: certificates.id, status: certificates.status }).from(certificates).where(and(eq(certificates.submissionId, oldSubmission), eq(certificates.role, "leaf")));
    expect(oldLeaf!.status).toBe("active");

    // 2. The expiry job (same tick locally): the 30-day reminder, once; the partner sees urgent with 25 days left.
    const r1 = await runExpiryJob({ db, now: t1, publicUrl });
    expect(r1.reminders).toEqual([{ certificateId: oldLeaf!.id, days: 30, recipients: 1 }]);
    expect((await runExpiryJob({ db, now: new Date(t1.getTime() + HOUR), publicUrl })).reminders).toEqual([]);
    const seen = await getCertificate(db, { viewer: u.acme, id: oldLeaf!.id, now: t1 });
    expect(seen.expiry).toEqual({ state: "urgent", daysLeft: 25 });
    const title = "Acme Checkout Stage: certificate expires in 25 days (urgent)";
    expect(await db.select({ title: notifications.title }).from(notifications).where(and(eq(notifications.userId, u.acme.id), eq(notifications.title, title)))).toHaveLength(1);
    expect(await db.select({ id: emailOutbox.id }).from(emailOutbox).where(eq(emailOutbox.subject, `Certdesk: ${title}`))).toHaveLength(1);

    // 3. Renew: a new upload linked to the old certificate; reminders stop.
    const t2 = new Date(t0.getTime() + 2 * DAY_MS);
    const fresh = await acmeChain("journey-new");
    const renewal = await createSubmission({ db, storage, now: () => t2 }, { actor: partner, appId: apps.acmeCheckout, environmentKey: "stage", files: [pemFile("new.pem", fresh.leaf, fresh.ica, fresh.root)], submit: true, replacesCertificateId: oldLeaf!.id });
    expect(renewal.outcome).toBe("created");
    const newSubmission = renewal.outcome === "created" ? renewal.submission.id : "";
    const [link] = await db.select({ replaces: submissions.replacesCertificateId }).from(submissions).where(eq(submissions.id, newSubmission));
    expect(link!.replaces).toBe(oldLeaf!.id);
    expect((await getCertificate(db, { viewer: u.acme, id: oldLeaf!.id, now: t2 })).successor).toMatchObject({ submissionId: newSubmission, status: "in_review" });

    // 4. Approved and enabled: both trusted during the overlap (old retiring), then the old one retires.
    for (const w of await db.select({ id: findings.id }).from(findings).where(and(eq(findings.submissionId, newSubmission), eq(findings.severity, "warning")))) {
      await acknowledgeWarning({ db, now: () => t2 }, { reviewer: u.reviewer, submissionId: newSubmission, findingId: w.id, comment: "ok" });
    }
    expect((await approveSubmission({ db, now: () => t2 }, { reviewer: u.reviewer, submissionId: newSubmission })).status).toBe("approved");
    const booked = await scheduleEnablement(db, { actor: asUser(support), now: t2, submissionId: newSubmission, immediate: true });
    expect(booked.replacesCertificateId).toBe(oldLeaf!.id);
    const t3 = new Date(t2.getTime() + 60_000);
    await activateEnablements({ db, storage, now: t3 });
    const status = async (id: string) => (await db.select({ status: certificates.status, retiresAt: certificates.retiresAt }).from(certificates).where(eq(certificates.id, id)))[0]!;
    const [newLeaf] = await db.select({ id: certificates.id }).from(certificates).where(and(eq(certificates.submissionId, newSubmission), eq(certificates.role, "leaf")));
    expect((await status(newLeaf!.id)).status).toBe("active");
    const during = await status(oldLeaf!.id);
    expect(during.status).toBe("retiring");
    // The successor is active before the predecessor expires, and the predecessor retires after the overlap, before it expires.
    expect(during.retiresAt!.getTime()).toBe(t3.getTime() + 48 * HOUR);
    expect(during.retiresAt!.getTime()).toBeLessThan(old.leaf.cert.notAfter.getTime());
    await activateEnablements({ db, storage, now: new Date(t3.getTime() + 47 * HOUR) });
    expect((await status(oldLeaf!.id)).status).toBe("retiring");
    await activateEnablements({ db, storage, now: new Date(t3.getTime() + 48 * HOUR + 60_000) });
    expect((await status(oldLeaf!.id)).status).toBe("retired");

    // 5. The chain of successors, and the API's view of it.
    const oldRecord = await getCertificate(db, { viewer: u.acme, id: oldLeaf!.id, now: t3 });
    expect(toResource(oldRecord)).toMatchObject({ successorId: newLeaf!.id, remindersSent: [{ days: 30 }] });
    const newRecord = await getCertificate(db, { viewer: u.acme, id: newLeaf!.id, now: t3 });
    const lineage = await getCertificateLineage(db, { viewer: u.acme, certificate: newRecord, now: t3 });
    expect(lineage.predecessor?.id).toBe(oldLeaf!.id);
    expect((await getCertificateLineage(db, { viewer: u.acme, certificate: oldRecord, now: t3 })).successors.map((s) => s.id)).toEqual([newLeaf!.id]);
    // The timelines: the old submission shows its renewal and its retirement, the reminder before them.
    const oldView = await getSubmission({ db }, { actor: partner, submissionId: oldSubmission });
    const labels = oldView.timeline.map((e) => e.label);
    expect(labels).toEqual(expect.arrayContaining(["Expiry reminder sent", "Renewal submitted (successor)", "Retired"]));
    expect(labels.indexOf("Expiry reminder sent")).toBeLessThan(labels.indexOf("Renewal submitted (successor)"));
    expect(labels.indexOf("Renewal submitted (successor)")).toBeLessThan(labels.lastIndexOf("Retired"));
    // Retired in time: no "expired" notice when its not-after passes.
    expect((await runExpiryJob({ db, now: new Date(t0.getTime() + 26 * DAY_MS), publicUrl })).expiryNotices).toEqual([]);
  }, 120_000);
});
