/** Renewal with the old key: KEY_REUSED at the program's severity (issue 14; same code as issue 12's CSR check). */
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { certificates, organisations } from "@/lib/db";
import { seedDemo } from "@/lib/db/seed";
import { setupTestDatabase } from "@/lib/db/testing";
import { EXAMPLE_PROGRAM_RECORDS, getExampleProgram } from "@/lib/policy";
import { crossRecordChecks } from "@/lib/submissions/cross-record-checks";
import { createExpiryTestApp, insertLeaf } from "./testing";

const t = setupTestDatabase();
let org: string;

beforeAll(async () => {
  await seedDemo(t.current.db, { programs: EXAMPLE_PROGRAM_RECORDS });
  org = (await t.current.db.select({ id: organisations.id }).from(organisations).where(eq(organisations.slug, "acme-payments")))[0]!.id;
});

describe("KEY_REUSED on renewal", () => {
  it("is a warning by default, an error where the program asks for distinct keys (003), quiet for a new key", () =>
    t.current.rollback(async (db) => {
      const app = await createExpiryTestApp(db, { organisationId: org });
      const old = await insertLeaf(db, { app, organisationId: org, now: new Date(), expiresInDays: 20 });
      const [row] = await db.select({ spki: certificates.spkiSha256 }).from(certificates).where(eq(certificates.id, old.certificateId));
      const base = { organisationId: org, appId: app.appId, environmentId: app.environments.stage, purpose: "mtls", fingerprintSha256: "f".repeat(64) };
      const lenient = await crossRecordChecks(db, { ...base, spkiSha256: row!.spki, program: getExampleProgram("ca-chain")! });
      expect(lenient.filter((f) => f.code === "KEY_REUSED").map((f) => f.severity)).toEqual(["warning"]);
      const strict = await crossRecordChecks(db, { ...base, spkiSha256: row!.spki, program: getExampleProgram("provider-ca-csr")! });
      expect(strict.filter((f) => f.code === "KEY_REUSED").map((f) => f.severity)).toEqual(["error"]);
      const fresh = await crossRecordChecks(db, { ...base, spkiSha256: "0".repeat(64), program: getExampleProgram("provider-ca-csr")! });
      expect(fresh.some((f) => f.code === "KEY_REUSED")).toBe(false);
    }));
});
