/** Issue 14: the e-mail announcing a booked window carries the window as an .ics attachment, and SES sends it. */
import "reflect-metadata";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { emailOutbox } from "@/lib/db";
import { mintCertificate } from "@/lib/pki/testing/factory";
import { parseIcs } from "@/lib/scheduling/ics";
import { scheduleEnablement } from "@/lib/scheduling/schedule-enablement";
import { asUser, createTestApp, insertCertificateSubmission, setupSchedulingHarness } from "@/lib/scheduling/testing";
import { createOneOffWindow } from "@/lib/scheduling/windows";

const h = setupSchedulingHarness();
const NOW = new Date("2026-03-02T09:00:00Z");

describe("window e-mail", () => {
  it("attaches the booked window as an iCalendar file", async () => {
    const { db, acmeOrgId } = h.current;
    const app = await createTestApp(db, { organisationId: acmeOrgId });
    const support = asUser(h.current.users.support);
    const window = await createOneOffWindow(db, { actor: support, now: NOW, window: { programId: app.programId, environmentKey: "production", startsAt: new Date("2026-03-04T10:00:00Z"), durationMinutes: 60, capacity: 3 } });
    const cert = await mintCertificate({ subject: "CN=Acme Payments Window Client, O=Acme Payments Ltd", keys: { algorithm: "EC", curve: "P-256" }, keyLabel: "window-ics" });
    const { submissionId } = await insertCertificateSubmission(db, { app, organisationId: acmeOrgId, environment: "production", chain: [cert], status: "approved", approvedAt: NOW });
    const result = await scheduleEnablement(db, { actor: support, now: NOW, submissionId, windowId: window.id });
    const [mail] = await db.select().from(emailOutbox).where(eq(emailOutbox.subject, `Certdesk: ${app.name} Production: certificate enablement scheduled`));
    expect(mail!.attachments).toHaveLength(1);
    const [attachment] = mail!.attachments!;
    expect(attachment).toMatchObject({ filename: "certdesk-enablement.ics", contentType: expect.stringContaining("text/calendar") });
    const [event] = parseIcs(Buffer.from(attachment!.contentBase64, "base64").toString("utf8"));
    expect(event!.properties).toMatchObject({ UID: `enablement-${result.enablementId}@certdesk`, DTSTART: "20260304T100000Z", DTEND: "20260304T110000Z" });
  });
});
