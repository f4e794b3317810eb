/** Issue 16 item 8: the app page's read model — who may see it, and what it lists. */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { developerApps, users } from "@/lib/db";
import { seedDemo } from "@/lib/db/seed";
import { setupTestDatabase } from "@/lib/db/testing";
import { EXAMPLE_PROGRAM_RECORDS } from "@/lib/policy";
import { loadSessionUser } from "@/lib/auth/access";
import { loadAppOverview } from "./app-overview";

const t = setupTestDatabase();

async function user(email: string) {
  const [row] = await t.current.db.select({ id: users.id }).from(users).where(eq(users.email, email));
  return (await loadSessionUser(t.current.db, row!.id))!;
}

describe("app overview", () => {
  it("is open to the owning organisation's partners and to reviewers, support and admins; another tenant gets NOT_FOUND", async () => {
    const db = t.current.db;
    await seedDemo(db, { programs: EXAMPLE_PROGRAM_RECORDS });
    const [app] = await db.select({ id: developerApps.id }).from(developerApps).where(eq(developerApps.name, "Acme Checkout"));
    const now = new Date();
    for (const email of ["partner@acme.test", "reviewer1@certdesk.test", "support@certdesk.test", "admin@certdesk.test"]) {
      const overview = await loadAppOverview(db, { viewer: await user(email), appId: app!.id, now });
      expect(overview.app.name, email).toBe("Acme Checkout");
      // Every environment, none with a certificate in service in the fresh seed.
      expect(overview.environments.map((e) => e.key)).toEqual(["stage", "production"]);
      expect(overview.environments.every((e) => e.inService.length === 0 && e.latestSubmissions.length === 0)).toBe(true);
      expect(overview.environments.map((e) => e.status.label)).toEqual(["No certificate", "No certificate"]);
    }
    await expect(loadAppOverview(db, { viewer: await user("partner@globex.test"), appId: app!.id, now })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(loadAppOverview(db, { viewer: await user("partner@acme.test"), appId: "not-a-uuid", now })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
