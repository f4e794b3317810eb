import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { setupTestDatabase } from "@/lib/db/testing";
import { developerApps, organisations, users, type Database } from "@/lib/db";
import { seedDemo } from "@/lib/db/seed";
import { EXAMPLE_PROGRAMS, EXAMPLE_PROGRAM_RECORDS } from "@/lib/policy/programs";
import {
  findDeveloperAppForUser,
  findEnvironmentForUser,
  hasRole,
  homePathFor,
  isStaff,
  listDeveloperAppsForUser,
  loadSessionUser,
  type SessionUser,
} from "./access";

const t = setupTestDatabase();

async function userByEmail(db: Database, email: string): Promise<SessionUser> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  const user = await loadSessionUser(db, row!.id);
  if (!user) throw new Error(`no user ${email}`);
  return user;
}

async function appsOf(db: Database, organisationName: string) {
  return db
    .select({ id: developerApps.id, name: developerApps.name })
    .from(developerApps)
    .innerJoin(organisations, eq(organisations.id, developerApps.organisationId))
    .where(eq(organisations.name, organisationName));
}

beforeAll(async () => {
  await seedDemo(t.current.db, {
    programs: EXAMPLE_PROGRAM_RECORDS,
  });
});

describe("session user", () => {
  it("carries roles and organisation memberships", async () => {
    const acme = await userByEmail(t.current.db, "partner@acme.test");
    expect(acme.roles).toEqual(["partner"]);
    expect(acme.memberships).toEqual([expect.objectContaining({ name: "Acme Payments Ltd", kind: "partner", role: "partner" })]);
    const admin = await userByEmail(t.current.db, "admin@certdesk.test");
    expect(admin.roles).toEqual(["admin"]);
    expect(admin.memberships[0]?.kind).toBe("provider");
  });

  it("is null for a disabled user, an unknown id or a malformed id", () =>
    t.current.rollback(async (db) => {
      const acme = await userByEmail(db, "partner@acme.test");
      await db.update(users).set({ disabled: true }).where(eq(users.id, acme.id));
      expect(await loadSessionUser(db, acme.id)).toBeNull();
      expect(await loadSessionUser(db, "00000000-0000-4000-8000-000000000000")).toBeNull();
      expect(await loadSessionUser(db, "'; drop table users; --")).toBeNull();
    }));
});

describe("roles", () => {
  it("checks one role or any of several, and sends each role to its home", async () => {
    const db = t.current.db;
    const reviewer = await userByEmail(db, "reviewer1@certdesk.test");
    expect(hasRole(reviewer, "reviewer")).toBe(true);
    expect(hasRole(reviewer, "admin")).toBe(false);
    expect(hasRole(reviewer, ["support", "reviewer"])).toBe(true);
    expect(isStaff(reviewer)).toBe(true);
    expect(isStaff(await userByEmail(db, "partner@acme.test"))).toBe(false);
    expect(homePathFor(await userByEmail(db, "partner@globex.test"))).toBe("/apps");
    expect(homePathFor(reviewer)).toBe("/reviews");
    expect(homePathFor(await userByEmail(db, "support@certdesk.test"))).toBe("/support");
    expect(homePathFor(await userByEmail(db, "admin@certdesk.test"))).toBe("/admin");
    expect(homePathFor({ roles: [] })).toBe("/no-access");
  });
});

describe("scoped loaders across tenants", () => {
  it("a partner finds their own organisation's app and environment", async () => {
    const db = t.current.db;
    const acme = await userByEmail(db, "partner@acme.test");
    const [app] = await appsOf(db, "Acme Payments Ltd");
    const found = await findDeveloperAppForUser(db, acme, app!.id);
    expect(found?.organisationName).toBe("Acme Payments Ltd");
    const program = EXAMPLE_PROGRAMS.find((p) => p.id === found!.programId)!;
    const env = await findEnvironmentForUser(db, acme, { appId: app!.id, key: program.environments[0]!.id });
    expect(env?.environment.key).toBe(program.environments[0]!.id);
    expect(await findEnvironmentForUser(db, acme, { appId: app!.id, key: "no-such-env" })).toBeNull();
  });

  it("another tenant's app is not found, exactly like an id that does not exist", async () => {
    const db = t.current.db;
    const acme = await userByEmail(db, "partner@acme.test");
    const globexApps = await appsOf(db, "Globex Financial");
    expect(globexApps).toHaveLength(2);
    for (const app of globexApps) {
      expect(await findDeveloperAppForUser(db, acme, app.id)).toBeNull();
      expect(await findEnvironmentForUser(db, acme, { appId: app.id, key: "production" })).toBeNull();
    }
    expect(await findDeveloperAppForUser(db, acme, "00000000-0000-4000-8000-000000000000")).toBeNull();
    expect(await findDeveloperAppForUser(db, acme, "not-a-uuid")).toBeNull();
  });

  it("lists only the partner's own apps; staff see every organisation's", async () => {
    const db = t.current.db;
    const acmeList = await listDeveloperAppsForUser(db, await userByEmail(db, "partner@acme.test"));
    expect(acmeList.map((a) => a.organisationName)).toEqual(["Acme Payments Ltd", "Acme Payments Ltd"]);
    const globexList = await listDeveloperAppsForUser(db, await userByEmail(db, "partner@globex.test"));
    expect(globexList.map((a) => a.name).sort()).toEqual(["Globex Cards", "Globex Payouts"]);
    const support = await userByEmail(db, "support@certdesk.test");
    expect(await listDeveloperAppsForUser(db, support)).toHaveLength(4);
    const [globexApp] = await appsOf(db, "Globex Financial");
    expect(await findDeveloperAppForUser(db, support, globexApp!.id)).not.toBeNull();
  });

  it("a partner whose membership is removed loses access at once", () =>
    t.current.rollback(async (db) => {
      const acme = await userByEmail(db, "partner@acme.test");
      const [app] = await appsOf(db, "Acme Payments Ltd");
      const { memberships } = await import("@/lib/db");
      await db.delete(memberships).where(eq(memberships.userId, acme.id));
      const fresh = await loadSessionUser(db, acme.id);
      expect(fresh?.roles).toEqual([]);
      expect(await findDeveloperAppForUser(db, fresh!, app!.id)).toBeNull();
      expect(await listDeveloperAppsForUser(db, fresh!)).toEqual([]);
    }));
});
