/**
 * The support home's list: approved submissions waiting for an enablement window, oldest
 * decision first (at most 200). Support and admin staff only; a refusal is audited.
 */
import { asc, eq } from "drizzle-orm";
import { developerApps, environments, organisations, submissions, type Database } from "@/lib/db";
import { requireScheduler, type Actor } from "./access";

export async function listApprovedForScheduling(db: Database, input: { actor: Actor; now: Date }) {
  await requireScheduler(db, input.actor, "enablement.list-approved", input.now);
  return db
    .select({
      id: submissions.id,
      organisationName: organisations.name,
      appId: developerApps.id,
      appName: developerApps.name,
      environmentKey: environments.key,
      environmentLabel: environments.label,
      production: environments.production,
      leafSubject: submissions.leafSubject,
      leafNotAfter: submissions.leafNotAfter,
      decidedAt: submissions.decidedAt,
    })
    .from(submissions)
    .innerJoin(organisations, eq(organisations.id, submissions.organisationId))
    .innerJoin(developerApps, eq(developerApps.id, submissions.appId))
    .innerJoin(environments, eq(environments.id, submissions.environmentId))
    .where(eq(submissions.status, "approved"))
    .orderBy(asc(submissions.decidedAt))
    .limit(200);
}
