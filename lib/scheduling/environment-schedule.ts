/**
 * What a partner sees of scheduling for one environment of their app: the enablements
 * booked, the certificate in service and when the one being replaced retires — and the
 * same as an .ics calendar file. Scoped through lib/auth/access: another tenant's app is
 * "not found".
 */
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { findEnvironmentForUser } from "@/lib/auth/access";
import { AppError } from "@/lib/auth/app-error";
import type { Database } from "@/lib/db";
import { certificates, enablements, enablementWindows, submissions } from "@/lib/db";
import { actorAsUser, actsFor, type Actor } from "@/lib/submissions/actor";
import { isScheduler } from "./access";
import { buildIcs, type IcsEvent } from "./ics";

export type EnvironmentScheduleItem = {
  enablementId: string;
  submissionId: string;
  status: "scheduled" | "active" | "cancelled" | "failed";
  leafSubject: string | null;
  /** Null for an immediate (non-production) enablement. */
  startsAt: Date | null;
  endsAt: Date | null;
  activatedAt: Date | null;
  reason: string | null;
};

export type EnvironmentSchedule = {
  app: { id: string; name: string };
  environment: { key: string; label: string; production: boolean };
  items: EnvironmentScheduleItem[];
  inService: { submissionId: string; subject: string; status: "active" | "retiring"; activatedAt: Date | null; retiresAt: Date | null; notAfter: Date }[];
  /** The viewer may report a key compromise here: the organisation's partners, support and admin. */
  canRevoke: boolean;
};

export async function getEnvironmentSchedule(db: Database, input: { actor: Actor; appId: string; environmentKey: string }): Promise<EnvironmentSchedule> {
  const found = await findEnvironmentForUser(db, actorAsUser(input.actor), { appId: input.appId, key: input.environmentKey });
  if (!found) throw new AppError("NOT_FOUND", "That environment does not exist.");
  const { app, environment } = found;
  const rows = await db
    .select({
      enablementId: enablements.id,
      submissionId: enablements.submissionId,
      status: enablements.status,
      startsAt: enablementWindows.startsAt,
      endsAt: enablementWindows.endsAt,
      activatedAt: enablements.activatedAt,
      reason: enablements.reason,
      createdAt: enablements.createdAt,
    })
    .from(enablements)
    .innerJoin(submissions, eq(submissions.id, enablements.submissionId))
    .leftJoin(enablementWindows, eq(enablementWindows.id, enablements.windowId))
    .where(and(eq(submissions.appId, app.id), eq(submissions.environmentId, environment.id)))
    .orderBy(desc(enablements.createdAt))
    .limit(50);
  const leafs = rows.length
    ? await db
        .select({ submissionId: certificates.submissionId, subject: certificates.subject })
        .from(certificates)
        .where(and(inArray(certificates.submissionId, rows.map((r) => r.submissionId)), eq(certificates.role, "leaf")))
    : [];
  const subjectOf = new Map(leafs.map((l) => [l.submissionId, l.subject]));
  const inService = await db
    .select({ submissionId: certificates.submissionId, subject: certificates.subject, status: certificates.status, activatedAt: certificates.activatedAt, retiresAt: certificates.retiresAt, notAfter: certificates.notAfter })
    .from(certificates)
    .where(and(eq(certificates.appId, app.id), eq(certificates.environmentId, environment.id), eq(certificates.role, "leaf"), inArray(certificates.status, ["active", "retiring"])))
    .orderBy(asc(certificates.activatedAt));
  return {
    app: { id: app.id, name: app.name },
    environment: { key: environment.key, label: environment.label, production: environment.production },
    items: rows.map((r) => ({ ...r, leafSubject: subjectOf.get(r.submissionId) ?? null })),
    inService: inService.map((c) => ({ ...c, status: c.status === "retiring" ? "retiring" : "active" })),
    canRevoke: isScheduler(input.actor) || actsFor(input.actor, app.organisationId),
  };
}

/** The environment's booked (and cancelled, so calendars drop them) windows as an .ics file. */
export async function environmentCalendar(db: Database, input: { actor: Actor; appId: string; environmentKey: string; now: Date; publicUrl?: string }): Promise<{ filename: string; ics: string }> {
  const schedule = await getEnvironmentSchedule(db, input);
  const link = `${input.publicUrl ?? ""}/apps/${schedule.app.id}/environments/${schedule.environment.key}`;
  const events: IcsEvent[] = schedule.items
    .filter((i) => i.startsAt && i.endsAt && (i.status === "scheduled" || i.status === "cancelled" || i.status === "active"))
    .map((i) => ({
      uid: `enablement-${i.enablementId}@certdesk`,
      // A moved or cancelled enablement keeps its UID; a later DTSTAMP/SEQUENCE replaces the old entry.
      sequence: Math.floor(input.now.getTime() / 1000) % 2_000_000_000,
      start: i.startsAt!,
      end: i.endsAt!,
      stamp: input.now,
      status: i.status === "cancelled" ? "CANCELLED" : "CONFIRMED",
      summary: `Certificate enablement: ${schedule.app.name} (${schedule.environment.label})`,
      description:
        `Your certificate ${i.leafSubject ?? ""} is enabled at the gateway in this window.` +
        (i.status === "cancelled" ? ` Cancelled: ${i.reason ?? ""}` : " Keep the certificate it replaces in use until the overlap ends; switch your clients after the window opens.") +
        `\n${link}`,
      url: input.publicUrl ? link : undefined,
    }));
  const safeName = schedule.app.name.replace(/[^A-Za-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").toLowerCase() || "app";
  return { filename: `certdesk-${safeName}-${schedule.environment.key}.ics`, ics: buildIcs(events) };
}
