/**
 * The expiry job: daily on AWS (infra/jobs.ts), every run of the in-process runner locally.
 *
 *  1. Reminders: for each scheduled or active leaf certificate, the tightest reminder
 *     threshold reached (lib/expiry/state.ts `dueThreshold`) is sent once to the owning
 *     organisation's partners, in-app and by e-mail — never for a certificate that already
 *     has a successor in review, approved, scheduled or active, never for a threshold
 *     longer than half the certificate's whole validity.
 *  2. Expiry notice: a certificate that was in service and has passed its not-after gets
 *     "expired: calls with it now fail" (the activation job has already taken it out of the
 *     trust store), recorded on its submission's timeline.
 *  3. Support digest: once a day, the production certificates inside their urgent
 *     threshold that have no successor.
 *  4. Reviewers' queue digest (lib/notifications/queue-digest.ts): once a day.
 *
 * Safe to run concurrently: each reminder is a row unique per (certificate, threshold)
 * inserted with ON CONFLICT DO NOTHING in the same transaction as its notification; the
 * runner that loses the insert (it waits for the winner's commit) sends nothing. Digests
 * are the same with a row unique per (kind, day).
 */
import { and, eq, gt, inArray, isNotNull, lte, sql } from "drizzle-orm";
import { recordAudit } from "@/lib/audit";
import type { Database } from "@/lib/db";
import { certificateReminders, certificates, notificationDigests } from "@/lib/db";
import { notify } from "@/lib/notifications/notify";
import { sendQueueDigest } from "@/lib/notifications/queue-digest";
import { findSuccessors, loadCertificateRecords, type CertificateRecord } from "./records";
import { DAY_MS, describeExpiry, dueThreshold } from "./state";

export type ExpiryJobReport = {
  reminders: { certificateId: string; days: number; recipients: number }[];
  expiryNotices: string[];
  supportDigest: number | null;
  queueDigest: number | null;
};

const SYSTEM = { actorUserId: null, actorEmail: null, role: "system" } as const;
/** Expired certificates older than this are not announced (a first run must not mail about last year's). */
const EXPIRY_NOTICE_WINDOW_DAYS = 30;
/** Reminders are computed over certificates expiring within this horizon (longest allowed threshold). */
const HORIZON_DAYS = 3_650;

export function certificateLink(id: string): string {
  return `/certificates/${id}`;
}

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export async function runExpiryJob(input: { db: Database; now: Date; publicUrl?: string }): Promise<ExpiryJobReport> {
  const { db, now } = input;
  const report: ExpiryJobReport = { reminders: [], expiryNotices: [], supportDigest: null, queueDigest: null };

  const live = await loadCertificateRecords(db, {
    now,
    limit: 5_000,
    where: and(inArray(certificates.status, ["scheduled", "active"]), gt(certificates.notAfter, now), lte(certificates.notAfter, new Date(now.getTime() + HORIZON_DAYS * DAY_MS))),
  });
  for (const c of live) {
    const days = dueThreshold({ notBefore: c.notBefore, notAfter: c.notAfter, reminderDays: c.settings.reminderDays, now });
    if (days === null || c.successor) continue;
    if (c.remindersSent.some((r) => r.days === days)) continue;
    const sent = await sendReminder(db, { certificate: c, days, now, publicUrl: input.publicUrl });
    if (sent) report.reminders.push({ certificateId: c.id, days, recipients: sent.recipients });
  }

  report.expiryNotices = await sendExpiryNotices(db, { now, publicUrl: input.publicUrl });
  report.supportDigest = await sendSupportDigest(db, { now, live, publicUrl: input.publicUrl });
  report.queueDigest = await sendQueueDigest(db, { now, publicUrl: input.publicUrl });
  return report;
}

/** One reminder in one transaction: the unique row first, then (only if it was ours) the notification. */
async function sendReminder(
  db: Database,
  input: { certificate: CertificateRecord; days: number; now: Date; publicUrl?: string },
): Promise<{ recipients: number } | null> {
  const c = input.certificate;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(certificateReminders)
      .values({ certificateId: c.id, days: input.days, sentAt: input.now })
      .onConflictDoNothing()
      .returning({ id: certificateReminders.id });
    if (!row) return null;
    // Re-checked inside the transaction: a renewal submitted since the list was read stops the reminder.
    if ((await findSuccessors(tx, [c.id])).size) {
      await tx.delete(certificateReminders).where(eq(certificateReminders.id, row.id));
      return null;
    }
    const expiry = describeExpiry(c.expiry);
    const result = await notify(tx, {
      organisationId: c.organisationId,
      kind: "certificate.expiry_reminder",
      title: `${c.appName} ${c.environmentLabel}: certificate expires in ${c.expiry.daysLeft} ${c.expiry.daysLeft === 1 ? "day" : "days"} (${c.expiry.state})`,
      body:
        `Your certificate ${c.subject} (serial ${c.serialNumber}) expires on ${c.notAfter.toISOString().slice(0, 10)} (${expiry}). ` +
        `Once it expires, calls with it fail. Renew it now: open the certificate and choose Renew; the new certificate is enabled before this one expires, and both stay trusted during the overlap.`,
      link: certificateLink(c.id),
      email: true,
      publicUrl: input.publicUrl,
    });
    await tx.update(certificateReminders).set({ recipients: result.recipients }).where(eq(certificateReminders.id, row.id));
    await recordAudit(tx, {
      ...SYSTEM,
      organisationId: c.organisationId,
      action: "certificate.reminder",
      targetType: "submission",
      targetId: c.submissionId,
      outcome: "success",
      at: input.now,
      details: { certificateId: c.id, days: input.days, daysLeft: c.expiry.daysLeft, recipients: result.recipients },
    });
    return { recipients: result.recipients };
  });
}

/** "expired: calls with it now fail", once per certificate (threshold 0), on the timeline. */
async function sendExpiryNotices(db: Database, input: { now: Date; publicUrl?: string }): Promise<string[]> {
  const { now } = input;
  const expired = await loadCertificateRecords(db, {
    now,
    where: and(
      inArray(certificates.status, ["active", "retiring", "expired"]),
      isNotNull(certificates.activatedAt),
      lte(certificates.notAfter, now),
      gt(certificates.notAfter, new Date(now.getTime() - EXPIRY_NOTICE_WINDOW_DAYS * DAY_MS)),
      sql`not exists (select 1 from ${certificateReminders} r where r.certificate_id = ${certificates.id} and r.days = 0)`,
    ),
  });
  const sent: string[] = [];
  // A successor already in service means the partner switched: its predecessor's expiry breaks nothing.
  const inService = await findSuccessors(db, expired.map((c) => c.id), ["active"]);
  for (const c of expired) {
    if (inService.has(c.id)) continue;
    const done = await db.transaction(async (tx) => {
      const [row] = await tx.insert(certificateReminders).values({ certificateId: c.id, days: 0, sentAt: now }).onConflictDoNothing().returning({ id: certificateReminders.id });
      if (!row) return false;
      const result = await notify(tx, {
        organisationId: c.organisationId,
        kind: "certificate.expired",
        title: `${c.appName} ${c.environmentLabel}: expired: calls with it now fail`,
        body: `Your certificate ${c.subject} (serial ${c.serialNumber}) expired on ${c.notAfter.toISOString().replace("T", " ").slice(0, 16)} UTC and is no longer trusted by the gateway: expired: calls with it now fail. Upload a new certificate for ${c.appName} ${c.environmentLabel}.`,
        link: certificateLink(c.id),
        email: true,
        publicUrl: input.publicUrl,
      });
      await tx.update(certificateReminders).set({ recipients: result.recipients }).where(eq(certificateReminders.id, row.id));
      await recordAudit(tx, {
        ...SYSTEM,
        organisationId: c.organisationId,
        action: "certificate.expiry_notice",
        targetType: "submission",
        targetId: c.submissionId,
        outcome: "success",
        at: now,
        details: { certificateId: c.id, notAfter: c.notAfter.toISOString(), recipients: result.recipients },
      });
      return true;
    });
    if (done) sent.push(c.id);
  }
  return sent;
}

/** Production certificates inside their urgent threshold with no successor: one digest per UTC day to support. */
async function sendSupportDigest(db: Database, input: { now: Date; live: CertificateRecord[]; publicUrl?: string }): Promise<number | null> {
  const items = input.live.filter((c) => c.production && c.status === "active" && c.expiry.state === "urgent" && !c.successor);
  if (!items.length) return null;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(notificationDigests)
      .values({ kind: "expiry.support", period: utcDay(input.now), items: items.length, sentAt: input.now })
      .onConflictDoNothing()
      .returning({ kind: notificationDigests.kind });
    if (!row) return null;
    const lines = items.map((c) => `- ${c.organisationName} / ${c.appName} / ${c.environmentLabel}: ${c.subject}, ${describeExpiry(c.expiry)} (expires ${utcDay(c.notAfter)})`);
    await notify(tx, {
      roles: ["support"],
      kind: "expiry.digest",
      title: `${items.length} production ${items.length === 1 ? "certificate expires" : "certificates expire"} soon with no renewal`,
      body: `Inside the urgent threshold, no successor submitted:\n${lines.join("\n")}`,
      link: "/support/expiring?state=urgent&successor=no",
      email: true,
      publicUrl: input.publicUrl,
    });
    return items.length;
  });
}
