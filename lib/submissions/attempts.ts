/**
 * Issue 16, "nothing vanishes": what the upload page says before an upload — the unsent
 * drafts a new upload for the same app, environment and purpose would supersede (they stay
 * listed on the environment page, marked superseded).
 */
import type { Database } from "@/lib/db";
import { findDeveloperAppForUser, type SessionUser } from "@/lib/auth/access";
import { AppError } from "@/lib/auth/app-error";
import { draftsInSlot } from "./create-submission";
import { PURPOSES, type Purpose } from "./limits";

export type SupersedableDraft = { id: string; purpose: Purpose; createdAt: Date; leafSubject: string | null };

/** The environment's unsent drafts, one list for every purpose, newest first; scoped to the viewer. */
export async function draftsAnUploadWouldSupersede(db: Database, input: { viewer: SessionUser; appId: string; environmentId: string }): Promise<SupersedableDraft[]> {
  const app = await findDeveloperAppForUser(db, input.viewer, input.appId);
  if (!app) throw new AppError("NOT_FOUND", "No such developer app.");
  const perPurpose = await Promise.all(
    PURPOSES.map(async (purpose) => (await draftsInSlot(db, { appId: input.appId, environmentId: input.environmentId, purpose })).map((d) => ({ ...d, purpose }))),
  );
  return perPurpose.flat().sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}
