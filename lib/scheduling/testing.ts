/**
 * Test harness for lib/scheduling and lib/jobs: this file's database (PGlite, or a fresh
 * database on TEST_DATABASE_URL) seeded with the demo users, the real embedded S3 server,
 * and helpers that put certificates in the states scheduling starts from. Each test makes
 * its own program id and developer app, so tests sharing the database never see each
 * other's windows or trust stores.
 */
import "reflect-metadata";
import { createHash, randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll } from "vitest";
import { loadSessionUser, type SessionUser } from "@/lib/auth/access";
import type { Config } from "@/lib/config";
import type { Database } from "@/lib/db";
import { certificates, developerApps, environments, organisations, programs, submissions, users } from "@/lib/db";
import { seedDemo } from "@/lib/db/seed";
import { setupTestDatabase, type TestDatabase } from "@/lib/db/testing";
import { setupTestStorage } from "@/lib/embedded/testing";
import { EXAMPLE_PROGRAM_RECORDS } from "@/lib/policy";
import type { TestCert } from "@/lib/pki/testing/factory";
import type { Storage } from "@/lib/storage";
import type { Actor } from "@/lib/submissions/actor";

const BUCKET = "certdesk-scheduling-test";

export type SchedulingHarness = {
  t: TestDatabase;
  db: Database;
  storage: Storage;
  config: Config;
  users: { acme: SessionUser; globex: SessionUser; support: SessionUser; reviewer: SessionUser };
  acmeOrgId: string;
  globexOrgId: string;
};

export function setupSchedulingHarness(): { readonly current: SchedulingHarness } {
  const t = setupTestDatabase();
  const s = setupTestStorage({ prefix: "scheduling", bucket: BUCKET });
  let current: SchedulingHarness | undefined;
  beforeAll(async () => {
    const db = t.current.db;
    await seedDemo(db, { programs: EXAMPLE_PROGRAM_RECORDS });
    const user = async (email: string) => {
      const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
      return (await loadSessionUser(db, row!.id))!;
    };
    const org = async (slug: string) => (await db.select({ id: organisations.id }).from(organisations).where(eq(organisations.slug, slug)))[0]!.id;
    current = {
      t: t.current,
      db,
      storage: s.current.storage,
      config: s.current.config,
      users: {
        acme: await user("partner@acme.test"),
        globex: await user("partner@globex.test"),
        support: await user("support@certdesk.test"),
        reviewer: await user("reviewer1@certdesk.test"),
      },
      acmeOrgId: await org("acme-payments"),
      globexOrgId: await org("globex-financial"),
    };
  }, 60_000);
  return {
    get current() {
      if (!current) throw new Error("setupSchedulingHarness: read .current inside a test");
      return current;
    },
  };
}

export function asUser(user: SessionUser): Actor {
  return { kind: "user", user, meta: { ip: "127.0.0.1", userAgent: "vitest" } };
}

export type TestApp = { programId: string; appId: string; name: string; environments: { stage: string; production: string } };

/**
 * A developer app of `organisationId` under a fresh program id (so its trust store is its
 * own), with a non-production "stage" and a "production" environment. `scheduling`
 * becomes the stored program's scheduling settings.
 */
export async function createTestApp(db: Database, input: { organisationId: string; scheduling?: Record<string, unknown>; name?: string }): Promise<TestApp> {
  const programId = `t-${randomBytes(5).toString("hex")}`;
  const name = input.name ?? `App ${programId}`;
  await db.insert(programs).values({
    id: programId,
    version: 1,
    name: programId,
    definition: { id: programId, environments: [{ id: "stage", label: "Stage", production: false }, { id: "production", label: "Production", production: true }], ...(input.scheduling ? { scheduling: input.scheduling } : {}) },
  });
  const [app] = await db.insert(developerApps).values({ organisationId: input.organisationId, name, programId }).returning({ id: developerApps.id });
  const [stage] = await db.insert(environments).values({ appId: app!.id, key: "stage", label: "Stage", production: false }).returning({ id: environments.id });
  const [production] = await db.insert(environments).values({ appId: app!.id, key: "production", label: "Production", production: true }).returning({ id: environments.id });
  return { programId, appId: app!.id, name, environments: { stage: stage!.id, production: production!.id } };
}

/**
 * A submission whose chain (leaf first, as partners upload it) is stored as certificate rows
 * in `status` — what lib/submissions and lib/reviews leave behind once a reviewer approves.
 */
export async function insertCertificateSubmission(
  db: Database,
  input: { app: TestApp; organisationId: string; environment: "stage" | "production"; chain: TestCert[]; status: "approved" | "active"; approvedAt: Date; activatedAt?: Date },
): Promise<{ submissionId: string; leafId: string }> {
  const environmentId = input.app.environments[input.environment];
  const leaf = input.chain[0]!;
  const fingerprint = (c: TestCert) => createHash("sha256").update(c.der).digest("hex");
  const [s] = await db
    .insert(submissions)
    .values({
      organisationId: input.organisationId,
      appId: input.app.appId,
      environmentId,
      kind: "chain",
      status: input.status,
      verdict: "accepted",
      programId: input.app.programId,
      programVersion: 1,
      leafFingerprint: fingerprint(leaf),
      leafSubject: leaf.subject,
      leafNotAfter: leaf.cert.notAfter,
      submittedAt: input.approvedAt,
      decidedAt: input.approvedAt,
    })
    .returning({ id: submissions.id });
  const rows = await db
    .insert(certificates)
    .values(
      input.chain.map((c, position) => ({
        submissionId: s!.id,
        organisationId: input.organisationId,
        appId: input.app.appId,
        environmentId,
        position,
        role: position === 0 ? ("leaf" as const) : c.cert.subject === c.cert.issuer ? ("root" as const) : ("intermediate" as const),
        subject: c.subject,
        issuer: c.cert.issuer,
        serialNumber: c.cert.serialNumber,
        notBefore: c.cert.notBefore,
        notAfter: c.cert.notAfter,
        fingerprintSha256: fingerprint(c),
        spkiSha256: createHash("sha256").update(new Uint8Array(c.cert.publicKey.rawData)).digest("hex"),
        keyAlgorithm: "test",
        pem: c.pem,
        status: input.status,
        activatedAt: input.status === "active" ? (input.activatedAt ?? input.approvedAt) : null,
      })),
    )
    .returning({ id: certificates.id, position: certificates.position });
  return { submissionId: s!.id, leafId: rows.find((r) => r.position === 0)!.id };
}
