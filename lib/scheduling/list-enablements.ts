/** Listings for the support pages: booked enablements, and the programs' environments windows are planned for. */
import { and, asc, desc, eq, gte, inArray, or, isNull } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { certificates, developerApps, enablements, enablementWindows, environments, organisations, programs, submissions } from "@/lib/db";
import { requireScheduler, type Actor } from "./access";

export type ScheduledEnablement = {
  enablementId: string;
  submissionId: string;
  organisationName: string;
  appId: string;
  appName: string;
  programId: string;
  environmentKey: string;
  environmentLabel: string;
  production: boolean;
  windowId: string | null;
  startsAt: Date | null;
  endsAt: Date | null;
  leafSubject: string | null;
  reason: string | null;
};

/** Scheduled enablements (windows from `now` on, and immediate ones), soonest first. */
export async function listScheduledEnablements(db: Database, input: { actor: Actor; now: Date }): Promise<ScheduledEnablement[]> {
  await requireScheduler(db, input.actor, "enablement.list", input.now);
  const rows = await db
    .select({
      enablementId: enablements.id,
      submissionId: enablements.submissionId,
      organisationName: organisations.name,
      appId: developerApps.id,
      appName: developerApps.name,
      programId: developerApps.programId,
      environmentKey: environments.key,
      environmentLabel: environments.label,
      production: environments.production,
      windowId: enablements.windowId,
      startsAt: enablementWindows.startsAt,
      endsAt: enablementWindows.endsAt,
      reason: enablements.reason,
    })
    .from(enablements)
    .innerJoin(submissions, eq(submissions.id, enablements.submissionId))
    .innerJoin(developerApps, eq(developerApps.id, submissions.appId))
    .innerJoin(organisations, eq(organisations.id, submissions.organisationId))
    .innerJoin(environments, eq(environments.id, submissions.environmentId))
    .leftJoin(enablementWindows, eq(enablementWindows.id, enablements.windowId))
    .where(and(eq(enablements.status, "scheduled"), or(isNull(enablements.windowId), gte(enablementWindows.endsAt, input.now))))
    .orderBy(asc(enablementWindows.startsAt))
    .limit(500);
  const leafs = rows.length
    ? await db
        .select({ submissionId: certificates.submissionId, subject: certificates.subject })
        .from(certificates)
        .where(and(inArray(certificates.submissionId, rows.map((r) => r.submissionId)), eq(certificates.role, "leaf")))
    : [];
  const subjectOf = new Map(leafs.map((l) => [l.submissionId, l.subject]));
  return rows.map((r) => ({ ...r, leafSubject: subjectOf.get(r.submissionId) ?? null }));
}

export type ProgramEnvironments = { programId: string; name: string; environments: { key: string; label: string; production: boolean }[] };

/** The newest version of each program with its environments, for the window planner's pickers. */
export async function listProgramEnvironments(db: Database): Promise<ProgramEnvironments[]> {
  const rows = await db.select({ id: programs.id, version: programs.version, name: programs.name, definition: programs.definition }).from(programs).orderBy(asc(programs.id), desc(programs.version));
  const seen = new Set<string>();
  const out: ProgramEnvironments[] = [];
  for (const r of rows) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    const envs = (r.definition as { environments?: { id?: unknown; label?: unknown; production?: unknown }[] }).environments ?? [];
    out.push({
      programId: r.id,
      name: r.name,
      environments: envs
        .filter((e) => typeof e.id === "string")
        .map((e) => ({ key: e.id as string, label: typeof e.label === "string" ? e.label : (e.id as string), production: e.production === true })),
    });
  }
  return out;
}

export type SchedulingApp = { appId: string; appName: string; organisationName: string; programId: string };

/** Every developer app with its organisation and program, for picking a calendar by app then environment. */
export async function listSchedulingApps(db: Database, input: { actor: Actor; now: Date }): Promise<SchedulingApp[]> {
  await requireScheduler(db, input.actor, "enablement.list", input.now);
  return db
    .select({ appId: developerApps.id, appName: developerApps.name, organisationName: organisations.name, programId: developerApps.programId })
    .from(developerApps)
    .innerJoin(organisations, eq(organisations.id, developerApps.organisationId))
    .orderBy(asc(organisations.name), asc(developerApps.name))
    .limit(1000);
}
