/**
 * The support page offers what the server accepts: every window windowChoices greys out is
 * refused by scheduleEnablement with the same sentence (and audited), the ones it offers
 * are booked, and the calendar's cell lists the certificate booked in it.
 */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/auth/app-error";
import { auditEvents } from "@/lib/db";
import { mintCertificate } from "@/lib/pki/testing/factory";
import { scheduleEnablement } from "./schedule-enablement";
import { asUser, createTestApp, insertCertificateSubmission, setupSchedulingHarness } from "./testing";
import { listWindowBookings, windowChoices } from "./window-choices";
import { createOneOffWindow, listWindows } from "./windows";

const h = setupSchedulingHarness();
const NOW = new Date("2026-03-02T09:00:00Z");

describe("windowChoices and the booking agree", () => {
  it("greys out exactly the windows the server refuses, with the server's sentence; books an offered one; the cell shows it", async () => {
    const { db, acmeOrgId } = h.current;
    const app = await createTestApp(db, { organisationId: acmeOrgId });
    const support = asUser(h.current.users.support);
    const window = async (startsAt: string, capacity = 3) =>
      (await createOneOffWindow(db, { actor: support, now: NOW, window: { programId: app.programId, environmentKey: "production", startsAt: new Date(startsAt), durationMinutes: 60, capacity } })).id;
    const tooSoon = await window("2026-03-03T10:00:00Z");
    const fine = await window("2026-03-05T10:00:00Z");
    const cert = await mintCertificate({ subject: "CN=Acme Payments Choices Client, O=Acme Payments Ltd", keys: { algorithm: "EC", curve: "P-256" }, keyLabel: "choices-1" });
    const { submissionId } = await insertCertificateSubmission(db, { app, organisationId: acmeOrgId, environment: "production", chain: [cert], status: "approved", approvedAt: NOW });

    const windows = await listWindows(db, { programId: app.programId, environmentKey: "production", from: NOW, to: new Date("2026-04-01T00:00:00Z") });
    const choices = await windowChoices(db, { actor: support, now: NOW, submissionId, viewerTimeZone: "Europe/Paris", windows: windows.map((w) => ({ ...w })) });
    expect(choices.immediate).toMatchObject({ eligible: false, reason: "production is enabled only in a window" });
    const byId = new Map(choices.windows.map((c) => [c.windowId, c.eligibility]));
    expect(byId.get(fine)).toEqual({ eligible: true });
    const greyed = byId.get(tooSoon)!;
    expect(greyed).toMatchObject({ eligible: false, reason: "too soon: production needs 2 business days after approval (earliest Wed 4 Mar 2026)" });

    // The server refuses the greyed-out window with the same sentence, and audits the refusal.
    const error = await scheduleEnablement(db, { actor: support, now: NOW, submissionId, windowId: tooSoon, viewerTimeZone: "Europe/Paris" }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toBe(greyed.eligible ? "" : greyed.message);
    expect((error as AppError).message).toBe(
      "The window of Tue 3 Mar 11:00 Europe/Paris is too soon: production enablement needs 2 business days after approval (approved 2026-03-02); the earliest date is 2026-03-04.",
    );
    const refused = await db.select().from(auditEvents).where(and(eq(auditEvents.action, "enablement.schedule"), eq(auditEvents.targetId, submissionId)));
    expect(refused.map((e) => e.outcome)).toEqual(["refused"]);

    const booked = await scheduleEnablement(db, { actor: support, now: NOW, submissionId, windowId: fine, viewerTimeZone: "Europe/Paris" });
    const cells = await listWindowBookings(db, { actor: support, now: NOW, windowIds: [tooSoon, fine] });
    expect(cells.get(tooSoon)).toBeUndefined();
    expect(cells.get(fine)).toEqual([expect.objectContaining({ enablementId: booked.enablementId, appName: app.name, leafSubject: "CN=Acme Payments Choices Client, O=Acme Payments Ltd" })]);

    // Moving the booking: its own window is not offered, its seat not counted; a second certificate is offered nothing while one is booked.
    const after = await listWindows(db, { programId: app.programId, environmentKey: "production", from: NOW, to: new Date("2026-04-01T00:00:00Z") });
    const move = await windowChoices(db, { actor: support, now: NOW, submissionId, viewerTimeZone: "UTC", windows: after, enablementId: booked.enablementId, currentWindowId: fine });
    expect(move.windows.map((w) => w.windowId)).toEqual([tooSoon]);
    const other = await mintCertificate({ subject: "CN=Acme Payments Choices Client 2, O=Acme Payments Ltd", keys: { algorithm: "EC", curve: "P-256" }, keyLabel: "choices-2" });
    const second = await insertCertificateSubmission(db, { app, organisationId: acmeOrgId, environment: "production", chain: [other], status: "approved", approvedAt: NOW });
    const blocked = await windowChoices(db, { actor: support, now: NOW, submissionId: second.submissionId, viewerTimeZone: "UTC", windows: after });
    expect(blocked.windows.every((w) => !w.eligibility.eligible && w.eligibility.reason === "another certificate is booked for this environment")).toBe(true);

    // Partners are not support: the choices are refused to them.
    await expect(windowChoices(db, { actor: asUser(h.current.users.acme), now: NOW, submissionId, viewerTimeZone: "UTC", windows: after })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
