/**
 * A submission, only if the actor may see it: staff see every organisation's, partners
 * and tokens their own. Another tenant's id (or a malformed one) is NOT_FOUND, the same
 * answer as an id that does not exist, so ids cannot be probed.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/lib/db";
import { developerApps, environments, organisations, submissions } from "@/lib/db";
import { isStaff, partnerOrganisationIds } from "@/lib/auth/access";
import { AppError } from "@/lib/auth/app-error";
import { actorAsUser, type Actor } from "./actor";

const uuid = z.uuid();

export async function loadSubmissionForActor(db: Database, actor: Actor, submissionId: string) {
  if (!uuid.safeParse(submissionId).success) throw notFound();
  const [row] = await db
    .select({
      submission: submissions,
      appName: developerApps.name,
      environmentKey: environments.key,
      environmentLabel: environments.label,
      environmentProduction: environments.production,
      organisationName: organisations.name,
    })
    .from(submissions)
    .innerJoin(developerApps, eq(developerApps.id, submissions.appId))
    .innerJoin(environments, eq(environments.id, submissions.environmentId))
    .innerJoin(organisations, eq(organisations.id, submissions.organisationId))
    .where(eq(submissions.id, submissionId))
    .limit(1);
  if (!row) throw notFound();
  const user = actorAsUser(actor);
  const visible = (actor.kind === "user" && isStaff(user)) || partnerOrganisationIds(user).includes(row.submission.organisationId);
  if (!visible) throw notFound();
  return row;
}

export type LoadedSubmission = Awaited<ReturnType<typeof loadSubmissionForActor>>;

function notFound(): AppError {
  return new AppError("NOT_FOUND", "No such submission.");
}
