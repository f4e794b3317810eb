import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/auth/app-error";
import { auditEvents, certificates, developerApps, enablements, enablementWindows, environments, notifications, submissions } from "@/lib/db";
import { mintCertificate, type TestCert } from "@/lib/pki/testing/factory";
import { cancelEnablement } from "./cancel-enablement";
import { environmentCalendar, getEnvironmentSchedule } from "./environment-schedule";
import { parseIcs } from "./ics";
import { listReadyToSchedule } from "./ready-to-schedule";
import { rescheduleEnablement } from "./reschedule-enablement";
import { revokeCertificate } from "./revoke-certificate";
import { scheduleEnablement } from "./schedule-enablement";
import { asUser, createTestApp, insertCertificateSubmission, setupSchedulingHarness } from "./testing";
import { addBlackoutDate, cancelWindow, createOneOffWindow, createRecurrence, listWindows } from "./windows";

const h = setupSchedulingHarness();
/** Monday 2 March 2026, 09:00 UTC: approvals happen now; windows are later that week. */
const NOW = new Date("2026-03-02T09:00:00Z");
const EC = { algorithm: "EC", curve: "P-256" } as const;

let counter = 0;
async function selfSigned(options: { notAfter?: Date } = {}): Promise<TestCert> {
  counter++;
  return mintCertificate({ subject: `CN=Acme Payments Client ${counter}, O=Acme Payments Ltd`, keys: EC, keyLabel: `sched-${counter}`, ...options });
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("expected a refusal");
}

async function setup(options: { scheduling?: Record<string, unknown> } = {}) {
  const { db, acmeOrgId } = h.current;
  const app = await createTestApp(db, { organisationId: acmeOrgId, scheduling: options.scheduling });
  const support = asUser(h.current.users.support);
  const window = async (startsAt: string, capacity = 3, environmentKey = "production") =>
    (await createOneOffWindow(db, { actor: support, now: NOW, window: { programId: app.programId, environmentKey, startsAt: new Date(startsAt), durationMinutes: 60, capacity } })).id;
  const approved = async (environment: "stage" | "production" = "production", cert?: TestCert) =>
    insertCertificateSubmission(db, { app, organisationId: acmeOrgId, environment, chain: [cert ?? (await selfSigned())], status: "approved", approvedAt: NOW });
  return { db, app, support, window, approved };
}

/** An approved production certificate of a second app under the same program (so it may share the windows). */
async function approvedForOtherApp(app: { programId: string }) {
  const { db, globexOrgId } = h.current;
  const [row] = await db.insert(developerApps).values({ organisationId: globexOrgId, name: `Other ${app.programId} ${++counter}`, programId: app.programId }).returning({ id: developerApps.id });
  const [stage] = await db.insert(environments).values({ appId: row!.id, key: "stage", label: "Stage", production: false }).returning({ id: environments.id });
  const [production] = await db.insert(environments).values({ appId: row!.id, key: "production", label: "Production", production: true }).returning({ id: environments.id });
  const other = { programId: app.programId, appId: row!.id, name: "Other", environments: { stage: stage!.id, production: production!.id } };
  return insertCertificateSubmission(db, { app: other, organisationId: globexOrgId, environment: "production", chain: [await selfSigned()], status: "approved", approvedAt: NOW });
}

describe("scheduling an approved certificate into a window", () => {
  it("books it: submission and certificates become scheduled, the partner is notified, the booking is audited", async () => {
    const { db, app, support, window, approved } = await setup();
    const w = await window("2026-03-04T10:00:00Z");
    const { submissionId } = await approved();
    const result = await scheduleEnablement(db, { actor: support, now: NOW, submissionId, windowId: w });
    expect(result).toMatchObject({ windowId: w, startsAt: new Date("2026-03-04T10:00:00Z"), replacesCertificateId: null });
    const [s] = await db.select({ status: submissions.status }).from(submissions).where(eq(submissions.id, submissionId));
    expect(s!.status).toBe("scheduled");
    const certs = await db.select({ status: certificates.status }).from(certificates).where(eq(certificates.submissionId, submissionId));
    expect(certs.map((c) => c.status)).toEqual(["scheduled"]);
    const notes = await db.select().from(notifications).where(eq(notifications.userId, h.current.users.acme.id));
    expect(notes.some((n) => n.kind === "enablement.scheduled" && n.body.includes("Wed 4 Mar 2026 10:00 UTC") && n.link === `/apps/${app.appId}/environments/production`)).toBe(true);
    const audit = await db.select().from(auditEvents).where(and(eq(auditEvents.action, "enablement.schedule"), eq(auditEvents.targetId, result.enablementId)));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.outcome).toBe("success");
    const [listed] = await listWindows(db, { programId: app.programId, from: NOW, to: new Date("2026-04-01T00:00:00Z") });
    expect(listed).toMatchObject({ id: w, booked: 1, capacity: 3 });
  });

  it("refuses a full window, naming it in the viewer's zone with counts, and audits the refusal", async () => {
    const { db, app, support, window, approved } = await setup();
    const w = await window("2026-12-01T08:00:00Z", 1);
    await scheduleEnablement(db, { actor: support, now: NOW, submissionId: (await approved()).submissionId, windowId: w });
    const second = await approvedForOtherApp(app);
    const error = await refusal(scheduleEnablement(db, { actor: support, now: NOW, submissionId: second.submissionId, windowId: w, viewerTimeZone: "Europe/Vilnius" }));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe("The window of Tue 1 Dec 10:00 Europe/Vilnius is full (1 of 1).");
    const refused = await db.select().from(auditEvents).where(and(eq(auditEvents.action, "enablement.schedule"), eq(auditEvents.targetId, second.submissionId)));
    expect(refused.map((e) => e.outcome)).toEqual(["refused"]);
    const [s] = await db.select({ status: submissions.status }).from(submissions).where(eq(submissions.id, second.submissionId));
    expect(s!.status).toBe("approved");
  });

  it("refuses a production window sooner than the lead time in business days after approval", async () => {
    const { db, support, window, approved } = await setup({ scheduling: { productionLeadBusinessDays: 3 } });
    const tooSoon = await window("2026-03-04T10:00:00Z"); // Wed: approval Mon + 3 business days = Thu
    const { submissionId } = await approved();
    const error = await refusal(scheduleEnablement(db, { actor: support, now: NOW, submissionId, windowId: tooSoon }));
    expect(error.message).toBe(
      "The window of Wed 4 Mar 10:00 UTC is too soon: production enablement needs 3 business days after approval (approved 2026-03-02); the earliest date is 2026-03-05.",
    );
    await expect(scheduleEnablement(db, { actor: support, now: NOW, submissionId, windowId: await window("2026-03-05T10:00:00Z") })).resolves.toMatchObject({ startsAt: new Date("2026-03-05T10:00:00Z") });
  });

  it("refuses a window later than the replaced certificate's expiry minus the margin", async () => {
    const { db, app, support, window, approved } = await setup();
    const old = await selfSigned({ notAfter: new Date("2026-03-12T00:00:00Z") });
    const active = await insertCertificateSubmission(db, { app, organisationId: h.current.acmeOrgId, environment: "production", chain: [old], status: "active", approvedAt: new Date("2026-01-05T00:00:00Z") });
    const { submissionId } = await approved();
    const late = await window("2026-03-05T10:00:00Z");
    const error = await refusal(scheduleEnablement(db, { actor: support, now: NOW, submissionId, windowId: late }));
    expect(error.message).toBe(
      `The window of Thu 5 Mar 10:00 UTC is too late: the certificate it replaces (${old.subject}) expires Thu 12 Mar 2026 00:00 UTC, and the replacement must be live 7 days before, by Thu 5 Mar 2026 00:00 UTC.`,
    );
    const ok = await scheduleEnablement(db, { actor: support, now: NOW, submissionId, windowId: await window("2026-03-04T10:00:00Z") });
    expect(ok.replacesCertificateId).toBe(active.leafId);
  });

  it("enables a non-production environment at once when the program allows it, never production", async () => {
    const { db, support, approved } = await setup();
    const stage = await approved("stage");
    await expect(scheduleEnablement(db, { actor: support, now: NOW, submissionId: stage.submissionId, immediate: true })).resolves.toMatchObject({ windowId: null });
    const production = await approved("production");
    const error = await refusal(scheduleEnablement(db, { actor: support, now: NOW, submissionId: production.submissionId, immediate: true }));
    expect(error.message).toBe("Production is a production environment: it is enabled only in a window.");
    const strict = await setup({ scheduling: { sandboxImmediate: false } });
    const strictStage = await strict.approved("stage");
    expect((await refusal(scheduleEnablement(db, { actor: support, now: NOW, submissionId: strictStage.submissionId, immediate: true }))).message).toMatch(/enables Stage only in windows/);
  });

  it("refuses windows of another environment, past windows, a second booking, and anyone but support", async () => {
    const { db, support, window, approved } = await setup();
    const { submissionId } = await approved();
    const stageWindow = await window("2026-03-04T10:00:00Z", 3, "stage");
    expect((await refusal(scheduleEnablement(db, { actor: support, now: NOW, submissionId, windowId: stageWindow }))).message).toMatch(/is for t-[0-9a-f]+ stage, not for App .*'s Production/);
    const w = await window("2026-03-04T10:00:00Z");
    expect((await refusal(scheduleEnablement(db, { actor: support, now: new Date("2026-03-04T10:30:00Z"), submissionId, windowId: w }))).message).toBe("The window of Wed 4 Mar 10:00 UTC has already opened; choose a later window.");
    for (const user of [h.current.users.acme, h.current.users.reviewer]) {
      const error = await refusal(scheduleEnablement(db, { actor: asUser(user), now: NOW, submissionId, windowId: w }));
      expect(error.code).toBe("FORBIDDEN");
    }
    await scheduleEnablement(db, { actor: support, now: NOW, submissionId, windowId: w });
    expect((await refusal(scheduleEnablement(db, { actor: support, now: NOW, submissionId, windowId: w }))).message).toBe("This submission is scheduled; only an approved certificate can be scheduled.");
  });
});

describe("one booking per app environment", () => {
  it("refuses a second booking for the same app environment until the first is moved or cancelled", async () => {
    const { db, support, window, approved } = await setup();
    const w = await window("2026-03-04T10:00:00Z");
    const first = await approved();
    const { enablementId } = await scheduleEnablement(db, { actor: support, now: NOW, submissionId: first.submissionId, windowId: w });
    const second = await approved();
    const error = await refusal(scheduleEnablement(db, { actor: support, now: NOW, submissionId: second.submissionId, windowId: w, viewerTimeZone: "Europe/Vilnius" }));
    expect(error.message).toMatch(/^App t-[0-9a-f]+'s Production already has a certificate booked \(CN=Acme Payments Client \d+, O=Acme Payments Ltd, window of Wed 4 Mar 12:00 Europe\/Vilnius\); move or cancel that booking first\.$/);
    await cancelEnablement(db, { actor: support, now: NOW, enablementId, reason: "the newer certificate goes instead" });
    await expect(scheduleEnablement(db, { actor: support, now: NOW, submissionId: second.submissionId, windowId: w })).resolves.toMatchObject({ windowId: w });
  });
});

describe("rescheduling and cancelling", () => {
  it("moves a booking with a reason (its own seat does not count against the new window), then cancels it back to ready", async () => {
    const { db, app, support, window, approved } = await setup();
    const first = await window("2026-03-04T10:00:00Z");
    const second = await window("2026-03-06T10:00:00Z", 1);
    const { submissionId } = await approved();
    const { enablementId } = await scheduleEnablement(db, { actor: support, now: NOW, submissionId, windowId: first });
    expect((await refusal(rescheduleEnablement(db, { actor: support, now: NOW, enablementId, windowId: second, reason: "" }))).code).toBe("INVALID_INPUT");
    await rescheduleEnablement(db, { actor: support, now: NOW, enablementId, windowId: second, reason: "gateway change freeze on Wednesday" });
    const [moved] = await db.select().from(enablements).where(eq(enablements.id, enablementId));
    expect(moved).toMatchObject({ windowId: second, reason: "gateway change freeze on Wednesday", status: "scheduled" });
    const notes = await db.select().from(notifications).where(and(eq(notifications.userId, h.current.users.acme.id), eq(notifications.kind, "enablement.rescheduled")));
    expect(notes.some((n) => n.body.includes("Fri 6 Mar 2026 10:00 UTC") && n.body.includes("(was Wed 4 Mar 2026 10:00 UTC)") && n.body.includes("gateway change freeze"))).toBe(true);

    // The partner sees the date and gets a calendar entry that parses.
    const schedule = await getEnvironmentSchedule(db, { actor: asUser(h.current.users.acme), appId: app.appId, environmentKey: "production" });
    expect(schedule.items[0]).toMatchObject({ status: "scheduled", startsAt: new Date("2026-03-06T10:00:00Z") });
    expect(schedule.canRevoke).toBe(true);
    // Reviewers see the schedule but may not revoke.
    expect((await getEnvironmentSchedule(db, { actor: asUser(h.current.users.reviewer), appId: app.appId, environmentKey: "production" })).canRevoke).toBe(false);
    const { ics, filename } = await environmentCalendar(db, { actor: asUser(h.current.users.acme), appId: app.appId, environmentKey: "production", now: NOW });
    expect(filename).toMatch(/^certdesk-app-t-[0-9a-f]+-production\.ics$/);
    const [event] = parseIcs(ics);
    expect(event!.properties).toMatchObject({ DTSTART: "20260306T100000Z", DTEND: "20260306T110000Z", UID: `enablement-${enablementId}@certdesk`, STATUS: "CONFIRMED" });
    // Another tenant's partner: not found, exactly like an unknown id.
    expect((await refusal(environmentCalendar(db, { actor: asUser(h.current.users.globex), appId: app.appId, environmentKey: "production", now: NOW }))).code).toBe("NOT_FOUND");

    await cancelEnablement(db, { actor: support, now: NOW, enablementId, reason: "partner asked to wait" });
    const [s] = await db.select({ status: submissions.status }).from(submissions).where(eq(submissions.id, submissionId));
    expect(s!.status).toBe("approved");
    expect((await refusal(cancelEnablement(db, { actor: support, now: NOW, enablementId, reason: "again" }))).message).toBe("This enablement is cancelled; only a scheduled one can be cancelled.");
    await expect(scheduleEnablement(db, { actor: support, now: NOW, submissionId, windowId: first })).resolves.toMatchObject({ windowId: first });
  });

  it("refuses moving into a full window", async () => {
    const { db, app, support, window, approved } = await setup();
    const a = await window("2026-03-04T10:00:00Z", 1);
    const b = await window("2026-03-05T10:00:00Z", 1);
    await scheduleEnablement(db, { actor: support, now: NOW, submissionId: (await approved()).submissionId, windowId: a });
    const { enablementId } = await scheduleEnablement(db, { actor: support, now: NOW, submissionId: (await approvedForOtherApp(app)).submissionId, windowId: b });
    expect((await refusal(rescheduleEnablement(db, { actor: support, now: NOW, enablementId, windowId: a, reason: "earlier please" }))).message).toBe("The window of Wed 4 Mar 10:00 UTC is full (1 of 1).");
  });
});

describe("recurrences, blackout dates and window cancellation", () => {
  it("materialises a weekly recurrence, cancels an empty window on a new blackout date, and refuses one with bookings", async () => {
    const { db, app, support, approved } = await setup();
    const { windowsCreated } = await createRecurrence(db, {
      actor: support,
      now: NOW,
      recurrence: { programId: app.programId, environmentKey: "production", weekdays: [3], startTime: "10:00", durationMinutes: 120, timeZone: "Europe/Vilnius", capacity: 2 },
    });
    expect(windowsCreated).toBe(8); // 56 days ahead, Wednesdays
    const windows = await listWindows(db, { programId: app.programId, environmentKey: "production", from: NOW, to: new Date("2026-04-30T00:00:00Z") });
    // Vilnius is +2 until 29 March, then +3: 10:00 local stays 10:00 local.
    expect(windows.slice(0, 5).map((w) => w.startsAt.toISOString())).toEqual([
      "2026-03-04T08:00:00.000Z",
      "2026-03-11T08:00:00.000Z",
      "2026-03-18T08:00:00.000Z",
      "2026-03-25T08:00:00.000Z",
      "2026-04-01T07:00:00.000Z",
    ]);
    await scheduleEnablement(db, { actor: support, now: NOW, submissionId: (await approved()).submissionId, windowId: windows[1]!.id });
    const booked = await refusal(addBlackoutDate(db, { actor: support, now: NOW, blackout: { programId: app.programId, date: "2026-03-11", reason: "Gateway upgrade" } }));
    expect(booked.message).toBe("Enablements are booked on 2026-03-11 (Wed 11 Mar 2026 08:00 UTC); move or cancel them first.");
    const added = await addBlackoutDate(db, { actor: support, now: NOW, blackout: { programId: app.programId, date: "2026-03-18", reason: "Gateway upgrade" } });
    expect(added.cancelledWindows).toBe(1);
    const [cancelled] = await db.select().from(enablementWindows).where(eq(enablementWindows.id, windows[2]!.id));
    expect(cancelled).toMatchObject({ status: "cancelled", cancelReason: "blackout: Gateway upgrade" });
    expect((await refusal(cancelWindow(db, { actor: support, now: NOW, windowId: windows[1]!.id, reason: "not needed" }))).message).toBe(
      "1 enablement is booked in this window; reschedule or cancel it first.",
    );
    await cancelWindow(db, { actor: support, now: NOW, windowId: windows[3]!.id, reason: "staff away" });
    const oneOff = await refusal(createOneOffWindow(db, { actor: support, now: NOW, window: { programId: app.programId, environmentKey: "production", startsAt: new Date("2026-03-18T14:00:00Z"), durationMinutes: 60, capacity: 1 } }));
    expect(oneOff.message).toBe("2026-03-18 is a blackout date (Gateway upgrade); no window can open on it.");
  });
});

describe("ready to schedule", () => {
  it("lists approved certificates, most urgent first (fewest days until the replaced certificate expires)", async () => {
    const { db, app, approved } = await setup();
    const other = await createTestApp(db, { organisationId: h.current.globexOrgId });
    const soon = await selfSigned({ notAfter: new Date("2026-03-20T00:00:00Z") });
    await insertCertificateSubmission(db, { app: other, organisationId: h.current.globexOrgId, environment: "production", chain: [soon], status: "active", approvedAt: new Date("2025-12-10T00:00:00Z") });
    const urgent = await insertCertificateSubmission(db, { app: other, organisationId: h.current.globexOrgId, environment: "production", chain: [await selfSigned()], status: "approved", approvedAt: NOW });
    const fresh = await approved();
    const list = await listReadyToSchedule(db, { actor: asUser(h.current.users.support), now: NOW, programIds: [app.programId, other.programId] });
    expect(list.map((r) => r.submissionId)).toEqual([urgent.submissionId, fresh.submissionId]);
    expect(list[0]).toMatchObject({ daysUntilReplacedExpires: 17, replaces: { subject: soon.subject }, organisationName: "Globex Financial" });
    expect(list[1]!.daysUntilReplacedExpires).toBeNull();
    expect((await refusal(listReadyToSchedule(db, { actor: asUser(h.current.users.acme), now: NOW }))).code).toBe("FORBIDDEN");
  });
});

describe("revocation authorization", () => {
  it("lets the owning partner revoke, answers another tenant as not found, and audits both", async () => {
    const { db, app, approved } = await setup();
    const { submissionId } = await approved();
    const error = await refusal(revokeCertificate({ db, storage: h.current.storage }, { actor: asUser(h.current.users.globex), now: NOW, submissionId, reason: "key-compromise" }));
    expect(error).toMatchObject({ code: "NOT_FOUND", message: "That certificate does not exist." });
    const result = await revokeCertificate({ db, storage: h.current.storage }, { actor: asUser(h.current.users.acme), now: NOW, submissionId, reason: "key-compromise", comment: "laptop stolen" });
    expect(result).toMatchObject({ revokedCertificates: 1, cancelledEnablements: 0 });
    const [s] = await db.select({ status: submissions.status }).from(submissions).where(eq(submissions.id, submissionId));
    expect(s!.status).toBe("revoked");
    const events = await db.select().from(auditEvents).where(and(eq(auditEvents.action, "certificate.revoke"), eq(auditEvents.targetId, submissionId)));
    expect(events.map((e) => e.outcome).sort()).toEqual(["refused", "success"]);
    const supportNotes = await db.select().from(notifications).where(and(eq(notifications.userId, h.current.users.support.id), eq(notifications.kind, "certificate.revoked")));
    expect(supportNotes.some((n) => n.body.includes("laptop stolen") && n.title.includes(app.name))).toBe(true);
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)("concurrent bookings on a PostgreSQL server", () => {
  it("never overbook a window: of two simultaneous bookings into the last seat, one is refused", async () => {
    const { db, app, support, window, approved } = await setup();
    const w = await window("2026-03-04T10:00:00Z", 1);
    const a = await approved();
    const b = await approvedForOtherApp(app);
    const results = await Promise.allSettled([
      scheduleEnablement(db, { actor: support, now: NOW, submissionId: a.submissionId, windowId: w }),
      scheduleEnablement(db, { actor: support, now: NOW, submissionId: b.submissionId, windowId: w }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((rejected.reason as Error).message).toBe("The window of Wed 4 Mar 10:00 UTC is full (1 of 1).");
    const booked = await db.select().from(enablements).where(eq(enablements.windowId, w));
    expect(booked).toHaveLength(1);
  });

  it("never book two certificates of one app environment at once, even into different windows", async () => {
    const { db, support, window, approved } = await setup();
    const [w1, w2] = [await window("2026-03-04T10:00:00Z"), await window("2026-03-05T10:00:00Z")];
    const [a, b] = [await approved(), await approved()];
    const results = await Promise.allSettled([
      scheduleEnablement(db, { actor: support, now: NOW, submissionId: a.submissionId, windowId: w1 }),
      scheduleEnablement(db, { actor: support, now: NOW, submissionId: b.submissionId, windowId: w2 }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason as Error).message).toMatch(/already has a certificate booked/);
  });
});
