import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { committedMigrationCount, migrateDatabase, type Database } from "./client";
import { developerApps, environments, memberships, organisations, reviews, submissions, users } from "./schema";
import { setupTestDatabase } from "./testing";

const t = setupTestDatabase();

/** An organisation with one user, one app and one environment, inside the caller's transaction. */
async function fixture(tx: Database) {
  const suffix = randomUUID().slice(0, 8);
  const [org] = await tx
    .insert(organisations)
    .values({ name: `Org ${suffix}`, slug: `org-${suffix}`, companyName: `Org ${suffix} Ltd` })
    .returning();
  const [user] = await tx.insert(users).values({ email: `u-${suffix}@example.test`, name: "U" }).returning();
  const [app] = await tx.insert(developerApps).values({ organisationId: org!.id, name: "App", programId: "p" }).returning();
  const [env] = await tx.insert(environments).values({ appId: app!.id, key: "sandbox", label: "Sandbox" }).returning();
  return { org: org!, user: user!, app: app!, env: env! };
}

function submissionValues(f: Awaited<ReturnType<typeof fixture>>, idempotencyKey?: string) {
  return {
    organisationId: f.org.id,
    appId: f.app.id,
    environmentId: f.env.id,
    kind: "chain" as const,
    status: "in_review" as const,
    verdict: "accepted" as const,
    programId: "p",
    programVersion: 1,
    createdBy: f.user.id,
    idempotencyKey,
  };
}

/** The Postgres error code of a failed statement, through Drizzle's wrapper. */
async function pgErrorCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: string; cause?: { code?: string } };
    return e.cause?.code ?? e.code;
  }
  return undefined;
}

describe(`database (${process.env.TEST_DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("applies every committed migration, and re-running them changes nothing", async () => {
    const db = t.current.db;
    await migrateDatabase(db);
    const applied = await db.execute<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    expect(applied.rows[0]!.n).toBe(committedMigrationCount());
    const tables = await db.execute<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(["organisations", "users", "memberships", "submissions", "audit_events", "api_tokens"]),
    );
  });

  it("makes one submission per organisation and idempotency key, even on a retry", () =>
    t.current.rollback(async (tx) => {
      const f = await fixture(tx);
      await tx.insert(submissions).values(submissionValues(f, "click-1"));
      const code = await pgErrorCode(tx.transaction((sp) => sp.insert(submissions).values(submissionValues(f, "click-1"))));
      expect(code).toBe("23505");
      // Submissions without a key are not deduplicated, and another organisation may reuse the key.
      await tx.insert(submissions).values(submissionValues(f));
      await tx.insert(submissions).values(submissionValues(f));
      const other = await fixture(tx);
      await tx.insert(submissions).values(submissionValues(other, "click-1"));
      const rows = await tx.select().from(submissions).where(eq(submissions.organisationId, f.org.id));
      expect(rows).toHaveLength(3);
    }));

  it("allows one approval per reviewer per submission, but any number of other reviews", () =>
    t.current.rollback(async (tx) => {
      const f = await fixture(tx);
      const [sub] = await tx.insert(submissions).values(submissionValues(f)).returning();
      const [reviewer2] = await tx.insert(users).values({ email: `r2-${randomUUID()}@example.test`, name: "R2" }).returning();
      await tx.insert(reviews).values({ submissionId: sub!.id, reviewerId: f.user.id, decision: "request_changes" });
      await tx.insert(reviews).values({ submissionId: sub!.id, reviewerId: f.user.id, decision: "approve" });
      const code = await pgErrorCode(
        tx.transaction((sp) => sp.insert(reviews).values({ submissionId: sub!.id, reviewerId: f.user.id, decision: "approve" })),
      );
      expect(code).toBe("23505");
      await tx.insert(reviews).values({ submissionId: sub!.id, reviewerId: reviewer2!.id, decision: "approve" });
      const approvals = await tx.select().from(reviews).where(eq(reviews.submissionId, sub!.id));
      expect(approvals.filter((r) => r.decision === "approve")).toHaveLength(2);
    }));

  it("deletes an organisation's apps, environments and memberships with it, but keeps users", () =>
    t.current.rollback(async (tx) => {
      const f = await fixture(tx);
      await tx.insert(memberships).values({ userId: f.user.id, organisationId: f.org.id, role: "partner" });
      await tx.delete(organisations).where(eq(organisations.id, f.org.id));
      expect(await tx.select().from(developerApps).where(eq(developerApps.id, f.app.id))).toHaveLength(0);
      expect(await tx.select().from(environments).where(eq(environments.id, f.env.id))).toHaveLength(0);
      expect(await tx.select().from(memberships).where(eq(memberships.userId, f.user.id))).toHaveLength(0);
      expect(await tx.select().from(users).where(eq(users.id, f.user.id))).toHaveLength(1);
    }));

  it("refuses to delete an organisation that still has submissions (records are evidence)", () =>
    t.current.rollback(async (tx) => {
      const f = await fixture(tx);
      await tx.insert(submissions).values(submissionValues(f));
      const code = await pgErrorCode(tx.transaction((sp) => sp.delete(organisations).where(eq(organisations.id, f.org.id))));
      expect(code).toBe("23503");
    }));

  it("stores e-mails lower-cased only, so one person cannot have two accounts", () =>
    t.current.rollback(async (tx) => {
      const code = await pgErrorCode(tx.transaction((sp) => sp.insert(users).values({ email: "Partner@Acme.test", name: "P" })));
      expect(code).toBe("23514");
      await tx.insert(users).values({ email: "partner@acme.test", name: "P" });
    }));

  it("rolls each test back: nothing from the tests above is left", async () => {
    const rows = await t.current.db.select().from(organisations);
    expect(rows).toHaveLength(0);
  });
});
