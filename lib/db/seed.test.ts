import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { EXAMPLE_PROGRAM_RECORDS } from "../policy/programs";
import type { Database } from "./client";
import { verifyPassword } from "./passwords";
import { apiTokens, developerApps, environments, memberships, organisations, programs, users } from "./schema";
import { DEMO_ACCOUNTS, DEMO_API_TOKEN, DEMO_PASSWORD, seedDemo, type SeedProgram } from "./seed";
import { setupTestDatabase } from "./testing";
import { hashApiToken } from "./tokens";

const t = setupTestDatabase();
const PROGRAMS: SeedProgram[] = EXAMPLE_PROGRAM_RECORDS;

async function counts(tx: Database) {
  const tables = { organisations, users, memberships, programs, developerApps, environments, apiTokens };
  const out: Record<string, number> = {};
  for (const [name, table] of Object.entries(tables)) {
    const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(table);
    out[name] = row!.n;
  }
  return out;
}

describe("demo seed", () => {
  it("creates the demo portal, and a second run changes nothing", () =>
    t.current.rollback(async (tx) => {
      await seedDemo(tx, { programs: PROGRAMS });
      const first = await counts(tx);
      const firstUsers = await tx.select().from(users).orderBy(users.email);
      await seedDemo(tx, { programs: PROGRAMS });
      expect(await counts(tx)).toEqual(first);
      // Not even the password hashes are rewritten.
      expect(await tx.select().from(users).orderBy(users.email)).toEqual(firstUsers);
      expect(first).toMatchObject({ organisations: 3, users: 6, memberships: 6, programs: 4, developerApps: 4, apiTokens: 1 });
      // Every example program names two environments.
      expect(first.environments).toBe(8);
    }));

  it("gives each account its role in its organisation, with the demo password", () =>
    t.current.rollback(async (tx) => {
      await seedDemo(tx, { programs: PROGRAMS });
      for (const account of DEMO_ACCOUNTS) {
        const rows = await tx
          .select({ hash: users.passwordHash, role: memberships.role, org: organisations.name, kind: organisations.kind })
          .from(users)
          .innerJoin(memberships, eq(memberships.userId, users.id))
          .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
          .where(eq(users.email, account.email));
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ role: account.role, org: account.organisation });
        expect(rows[0]!.kind).toBe(account.role === "partner" ? "partner" : "provider");
        expect(await verifyPassword(DEMO_PASSWORD, rows[0]!.hash)).toBe(true);
        expect(await verifyPassword("certdesk-demo ", rows[0]!.hash)).toBe(false);
      }
    }));

  it("gives Acme its organisation identifier (no PSD2 roles in the demo), apps on their programs with the programs' environments, and an API token stored as a hash", () =>
    t.current.rollback(async (tx) => {
      await seedDemo(tx, { programs: PROGRAMS });
      const [acme] = await tx.select().from(organisations).where(eq(organisations.name, "Acme Payments Ltd"));
      expect(acme).toMatchObject({ kind: "partner", organizationIdentifier: "PSDGB-FCA-654321", psd2Roles: [] });
      const apps = await tx
        .select({ app: developerApps.name, program: developerApps.programId, env: environments.key, production: environments.production })
        .from(developerApps)
        .innerJoin(environments, eq(environments.appId, developerApps.id))
        .where(eq(developerApps.organisationId, acme!.id))
        .orderBy(developerApps.name, environments.key);
      expect(apps).toEqual([
        { app: "Acme Checkout", program: "self-signed-allowed", env: "production", production: true },
        { app: "Acme Checkout", program: "self-signed-allowed", env: "stage", production: false },
        { app: "Acme Treasury Gateway", program: "ca-chain", env: "production", production: true },
        { app: "Acme Treasury Gateway", program: "ca-chain", env: "sandbox", production: false },
      ]);
      const tokens = await tx.select().from(apiTokens);
      expect(tokens).toHaveLength(1);
      expect(tokens[0]).toMatchObject({ organisationId: acme!.id, tokenHash: hashApiToken(DEMO_API_TOKEN) });
      expect(JSON.stringify(tokens)).not.toContain(DEMO_API_TOKEN.slice(9));
    }));

  it("refuses to run in aws mode, where the published demo password would open a deployed portal", () =>
    t.current.rollback(async (tx) => {
      const before = process.env.CERTDESK_MODE;
      process.env.CERTDESK_MODE = "aws";
      try {
        await expect(seedDemo(tx, { programs: PROGRAMS })).rejects.toThrow(/aws mode/);
      } finally {
        if (before === undefined) delete process.env.CERTDESK_MODE;
        else process.env.CERTDESK_MODE = before;
      }
      expect((await counts(tx)).users).toBe(0);
    }));

  it("refuses to seed apps whose program was not passed in", () =>
    t.current.rollback(async (tx) => {
      await expect(seedDemo(tx, { programs: PROGRAMS.filter((p) => p.id !== "s2s-zip") })).rejects.toThrow(/s2s-zip/);
      expect((await counts(tx)).organisations).toBe(0);
    }));
});
