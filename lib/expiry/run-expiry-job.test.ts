/**
 * The expiry job against a real database (PGlite, or the PostgreSQL server when
 * TEST_DATABASE_URL is set — that is where the concurrency test meets real lock contention).
 * Every test makes its own app and certificates and moves its own injected clock; nothing
 * is rolled back, since concurrent runs need separate connections.
 */
import { and, eq, like, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditEvents, certificateReminders, emailOutbox, notifications, organisations, users, type Database } from "@/lib/db";
import { seedDemo } from "@/lib/db/seed";
import { setupTestDatabase } from "@/lib/db/testing";
import { EXAMPLE_PROGRAM_RECORDS } from "@/lib/policy";
import { runExpiryJob } from "./run-expiry-job";
import { DAY_MS } from "./state";
import { createExpiryTestApp, insertLeaf } from "./testing";

const t = setupTestDatabase();
const publicUrl = "https://certdesk.example";
const ids: Record<string, string> = {};
let db: Database;

beforeAll(async () => {
  db = t.current.db;
  await seedDemo(db, { programs: EXAMPLE_PROGRAM_RECORDS });
  for (const u of await db.select({ id: users.id, email: users.email }).from(users)) ids[u.email] = u.id;
  for (const o of await db.select({ id: organisations.id, slug: organisations.slug }).from(organisations)) ids[o.slug] = o.id;
}, 60_000);

const at = (day: number) => new Date(Date.UTC(2027, 0, 1) + day * DAY_MS);
const run = (now: Date) => runExpiryJob({ db, now, publicUrl });

async function reminders(certificateId: string) {
  return db.select({ days: certificateReminders.days, recipients: certificateReminders.recipients }).from(certificateReminders).where(eq(certificateReminders.certificateId, certificateId)).orderBy(certificateReminders.sentAt);
}

async function notificationsAbout(certificateId: string, email = "partner@acme.test") {
  return db
    .select({ title: notifications.title, kind: notifications.kind })
    .from(notifications)
    .where(and(eq(notifications.userId, ids[email]!), eq(notifications.link, `/certificates/${certificateId}`)))
    .orderBy(notifications.createdAt);
}

async function mailsAbout(certificateId: string) {
  return db.select({ to: emailOutbox.to, subject: emailOutbox.subject }).from(emailOutbox).where(like(emailOutbox.text, `%/certificates/${certificateId}%`));
}

describe("expiry reminders", () => {
  it("sends each threshold exactly once under 10 concurrent runs, in-app and by e-mail to the organisation's partners", async () => {
    const app = await createExpiryTestApp(db, { organisationId: ids["acme-payments"]!, expiry: { reminderDays: [90, 60, 30], urgentDays: 30 } });
    const start = at(0);
    const { certificateId } = await insertLeaf(db, { app, organisationId: ids["acme-payments"]!, now: start, expiresInDays: 100, validityDays: 365 });

    // 100 days left: no threshold reached.
    await Promise.all(Array.from({ length: 10 }, () => run(start)));
    expect(await reminders(certificateId)).toEqual([]);

    for (const [day, days] of [[11, 90], [41, 60], [75, 30]] as const) {
      const reports = await Promise.all(Array.from({ length: 10 }, () => run(at(day))));
      // Exactly one of the ten runs sent it.
      expect(reports.flatMap((r) => r.reminders).filter((r) => r.certificateId === certificateId)).toEqual([{ certificateId, days, recipients: 1 }]);
      // And later runs of the same day send nothing more.
      await run(at(day));
    }
    expect((await reminders(certificateId)).map((r) => r.days)).toEqual([90, 60, 30]);
    const inApp = await notificationsAbout(certificateId);
    expect(inApp.map((n) => n.title)).toEqual([
      expect.stringContaining("expires in 89 days (warning)"),
      expect.stringContaining("expires in 59 days (warning)"),
      expect.stringContaining("expires in 25 days (urgent)"),
    ]);
    const mails = await mailsAbout(certificateId);
    expect(mails).toHaveLength(3);
    expect(mails.every((m) => m.to === "partner@acme.test")).toBe(true);
    // Another organisation's partners hear nothing.
    expect(await notificationsAbout(certificateId, "partner@globex.test")).toEqual([]);
    // The reminders are on the submission's timeline (audit events targeting it).
    const events = await db.select({ action: auditEvents.action }).from(auditEvents).where(and(eq(auditEvents.action, "certificate.reminder"), sql`${auditEvents.details}->>'certificateId' = ${certificateId}`));
    expect(events).toHaveLength(3);
  }, 60_000);

  it("sends only the tightest threshold reached when earlier ones were passed (activated late)", async () => {
    const app = await createExpiryTestApp(db, { organisationId: ids["acme-payments"]!, expiry: { reminderDays: [90, 60, 30] } });
    const now = at(200);
    const { certificateId } = await insertLeaf(db, { app, organisationId: ids["acme-payments"]!, now, expiresInDays: 25 });
    await run(now);
    await run(at(201));
    expect((await reminders(certificateId)).map((r) => r.days)).toEqual([30]);
  });

  it("sends nothing once a successor is in review, approved, scheduled or active (implicit or explicit link)", async () => {
    const org = ids["acme-payments"]!;
    const app = await createExpiryTestApp(db, { organisationId: org, expiry: { reminderDays: [90, 30] } });
    const now = at(300);
    const old = await insertLeaf(db, { app, organisationId: org, now, expiresInDays: 20, createdAt: at(0) });
    // A later upload for the same app and environment, waiting in review: the renewal is under way.
    await insertLeaf(db, { app, organisationId: org, now, expiresInDays: 400, status: "pending", submissionStatus: "in_review", createdAt: at(290) });

    const prod = await insertLeaf(db, { app, organisationId: org, environment: "production", now, expiresInDays: 20, createdAt: at(0) });
    // Explicit link from "Renew", approved.
    await insertLeaf(db, { app, organisationId: org, environment: "production", now, expiresInDays: 400, status: "approved", submissionStatus: "approved", replacesCertificateId: prod.certificateId, createdAt: at(295) });

    const control = await createExpiryTestApp(db, { organisationId: org, expiry: { reminderDays: [90, 30] } });
    const alone = await insertLeaf(db, { app: control, organisationId: org, now, expiresInDays: 20, createdAt: at(0) });
    // A rejected later upload is no successor.
    await insertLeaf(db, { app: control, organisationId: org, now, expiresInDays: 400, status: "pending", submissionStatus: "rejected", createdAt: at(299) });

    await run(now);
    expect(await reminders(old.certificateId)).toEqual([]);
    expect(await reminders(prod.certificateId)).toEqual([]);
    expect(await notificationsAbout(old.certificateId)).toEqual([]);
    expect((await reminders(alone.certificateId)).map((r) => r.days)).toEqual([30]);
  });

  it("never sends a threshold longer than half the certificate's whole validity", async () => {
    const org = ids["acme-payments"]!;
    const app = await createExpiryTestApp(db, { organisationId: org, expiry: { reminderDays: [90, 60, 30] } });
    // 100-day certificate: 90 and 60 exceed 50 days, 30 does not.
    const medium = await insertLeaf(db, { app, organisationId: org, now: at(400), expiresInDays: 55, validityDays: 100 });
    // 40-day certificate: even 30 exceeds 20 days.
    const short = await insertLeaf(db, { app, organisationId: org, now: at(400), expiresInDays: 39, validityDays: 40 });
    await run(at(400));
    expect(await reminders(medium.certificateId)).toEqual([]);
    for (let day = 401; day <= 437; day += 3) await run(at(day));
    expect((await reminders(medium.certificateId)).map((r) => r.days)).toEqual([30]);
    expect(await reminders(short.certificateId)).toEqual([]);
    expect(await notificationsAbout(short.certificateId)).toEqual([]);
  }, 60_000);
});

describe("support digest", () => {
  it("lists production certificates inside the urgent threshold with no successor, once per day", async () => {
    const org = ids["acme-payments"]!;
    const app = await createExpiryTestApp(db, { organisationId: org, expiry: { reminderDays: [30], urgentDays: 30 } });
    const now = at(600);
    const urgent = await insertLeaf(db, { app, organisationId: org, environment: "production", now, expiresInDays: 12, subject: "CN=urgent-prod.acme.test" });
    await insertLeaf(db, { app, organisationId: org, environment: "stage", now, expiresInDays: 12, subject: "CN=urgent-stage.acme.test" });
    const renewed = await insertLeaf(db, { app: await createExpiryTestApp(db, { organisationId: org }), organisationId: org, environment: "production", now, expiresInDays: 10, subject: "CN=renewed-prod.acme.test" });
    await insertLeaf(db, { app, organisationId: org, environment: "production", now, expiresInDays: 60, subject: "CN=fine-prod.acme.test" });
    await insertLeaf(db, { app, organisationId: org, environment: "production", now, expiresInDays: 400, status: "scheduled", replacesCertificateId: renewed.certificateId, createdAt: at(599) });

    const reports = await Promise.all(Array.from({ length: 5 }, () => run(now)));
    expect(reports.filter((r) => r.supportDigest !== null)).toHaveLength(1);
    const digest = async () =>
      db.select({ title: notifications.title, body: notifications.body }).from(notifications).where(and(eq(notifications.userId, ids["support@certdesk.test"]!), eq(notifications.kind, "expiry.digest"), like(notifications.body, "%urgent-prod.acme.test%")));
    const [one, ...rest] = await digest();
    expect(rest).toEqual([]);
    expect(one!.body).toContain("CN=urgent-prod.acme.test");
    expect(one!.body).not.toContain("urgent-stage");
    expect(one!.body).not.toContain("renewed-prod");
    expect(one!.body).not.toContain("fine-prod");
    expect(await db.select().from(emailOutbox).where(eq(emailOutbox.to, "support@certdesk.test"))).toHaveLength(1);
    // Next day: a new digest.
    await run(at(601));
    expect(await digest()).toHaveLength(2);
    // Partners never receive it.
    expect(await db.select().from(notifications).where(and(eq(notifications.userId, ids["partner@acme.test"]!), eq(notifications.kind, "expiry.digest")))).toEqual([]);
    void urgent;
  });
});

describe("expiry notice", () => {
  it("announces once 'expired: calls with it now fail' and records it on the timeline", async () => {
    const org = ids["acme-payments"]!;
    const app = await createExpiryTestApp(db, { organisationId: org });
    const now = at(800);
    const gone = await insertLeaf(db, { app, organisationId: org, now, expiresInDays: -0.5, status: "expired", submissionStatus: "retired" });
    const stillActive = await insertLeaf(db, { app, organisationId: org, environment: "production", now, expiresInDays: -0.1, status: "active" });
    // Retired before it expired (replaced in time): nothing to announce.
    const retired = await insertLeaf(db, { app: await createExpiryTestApp(db, { organisationId: org }), organisationId: org, now, expiresInDays: -1, status: "retired", submissionStatus: "retired" });
    // Long gone before the job first ran: not announced.
    const ancient = await insertLeaf(db, { app: await createExpiryTestApp(db, { organisationId: org }), organisationId: org, now, expiresInDays: -200, status: "expired", submissionStatus: "retired" });

    const reports = await Promise.all(Array.from({ length: 10 }, () => run(now)));
    expect(reports.flatMap((r) => r.expiryNotices).sort()).toEqual([gone.certificateId, stillActive.certificateId].sort());
    await run(at(801));
    for (const c of [gone, stillActive]) {
      const inApp = await notificationsAbout(c.certificateId);
      expect(inApp).toEqual([{ kind: "certificate.expired", title: expect.stringContaining("expired: calls with it now fail") }]);
      expect(await mailsAbout(c.certificateId)).toHaveLength(1);
      const events = await db.select({ action: auditEvents.action }).from(auditEvents).where(and(eq(auditEvents.targetType, "submission"), eq(auditEvents.targetId, c.submissionId)));
      expect(events.map((e) => e.action)).toEqual(["certificate.expiry_notice"]);
    }
    expect(await notificationsAbout(retired.certificateId)).toEqual([]);
    expect(await notificationsAbout(ancient.certificateId)).toEqual([]);
  }, 60_000);
});
