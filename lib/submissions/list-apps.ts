/** The developer apps an actor may see, each with its environments (the API's `GET /apps`). */
import { asc, inArray } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { environments } from "@/lib/db";
import { listDeveloperAppsForUser } from "@/lib/auth/access";
import { actorAsUser, type Actor } from "./actor";

export async function listAppsWithEnvironments(db: Database, actor: Actor) {
  const apps = await listDeveloperAppsForUser(db, actorAsUser(actor));
  if (apps.length === 0) return [];
  const envs = await db
    .select({ appId: environments.appId, key: environments.key, label: environments.label, production: environments.production })
    .from(environments)
    .where(inArray(environments.appId, apps.map((a) => a.id)))
    .orderBy(asc(environments.production), asc(environments.createdAt));
  return apps.map((a) => ({
    id: a.id,
    name: a.name,
    programId: a.programId,
    organisation: { id: a.organisationId, name: a.organisationName },
    environments: envs.filter((e) => e.appId === a.id).map(({ key, label, production }) => ({ key, label, production })),
  }));
}
