import { beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { setupTestDatabase } from "@/lib/db/testing";
import { auditEvents, signInAttempts, users } from "@/lib/db";
import { DEMO_PASSWORD, seedDemo } from "@/lib/db/seed";
import { EXAMPLE_PROGRAM_RECORDS } from "@/lib/policy/programs";
import { verifyAuditChain } from "@/lib/audit";
import { signInWithPassword } from "./credentials";
import { signInWithOidc } from "./oidc";

const t = setupTestDatabase();
const now = new Date("2026-03-01T09:00:00Z");

beforeAll(async () => {
  await seedDemo(t.current.db, {
    programs: EXAMPLE_PROGRAM_RECORDS,
  });
});

describe("password sign-in", () => {
  it("signs a demo user in with roles and memberships, and audits it", () =>
    t.current.rollback(async (db) => {
      const result = await signInWithPassword(db, { email: " Partner@Acme.test ", password: DEMO_PASSWORD, ip: "127.0.0.1", now });
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.user).toMatchObject({ email: "partner@acme.test", roles: ["partner"] });
      expect(result.user).not.toHaveProperty("passwordHash");
      const [row] = await db.select({ lastSignInAt: users.lastSignInAt }).from(users).where(eq(users.id, result.user.id));
      expect(row?.lastSignInAt).toEqual(now);
      const events = await db.select().from(auditEvents).where(eq(auditEvents.action, "auth.sign-in"));
      expect(events).toEqual([expect.objectContaining({ outcome: "success", actorUserId: result.user.id, ip: "127.0.0.1" })]);
      expect((await verifyAuditChain(db)).ok).toBe(true);
    }));

  it("answers a wrong password and an unknown e-mail the same way, and audits both as failures", () =>
    t.current.rollback(async (db) => {
      const wrong = await signInWithPassword(db, { email: "partner@acme.test", password: "nope", now });
      const unknown = await signInWithPassword(db, { email: "ghost@acme.test", password: DEMO_PASSWORD, now });
      expect(wrong).toEqual({ ok: false, reason: "invalid" });
      expect(unknown).toEqual(wrong);
      const failures = await db.select().from(auditEvents).where(and(eq(auditEvents.action, "auth.sign-in"), eq(auditEvents.outcome, "failure")));
      expect(failures).toHaveLength(2);
      // The password typed never reaches the audit trail.
      expect(JSON.stringify(failures)).not.toContain("nope");
    }));

  it("refuses a disabled user even with the right password", () =>
    t.current.rollback(async (db) => {
      await db.update(users).set({ disabled: true }).where(eq(users.email, "support@certdesk.test"));
      expect(await signInWithPassword(db, { email: "support@certdesk.test", password: DEMO_PASSWORD, now })).toEqual({ ok: false, reason: "invalid" });
    }));

  it("after five failures refuses even the right password, says for how long, and audits the refusal", () =>
    t.current.rollback(async (db) => {
      for (let i = 0; i < 5; i++) {
        await signInWithPassword(db, { email: "admin@certdesk.test", password: `guess-${i}`, now: new Date(now.getTime() + i * 60_000) });
      }
      const locked = await signInWithPassword(db, { email: "admin@certdesk.test", password: DEMO_PASSWORD, now: new Date(now.getTime() + 5 * 60_000) });
      expect(locked).toEqual({ ok: false, reason: "rate_limited", retryAfterMinutes: 10 });
      const refused = await db.select().from(auditEvents).where(eq(auditEvents.outcome, "refused"));
      expect(refused).toEqual([expect.objectContaining({ action: "auth.sign-in", details: { reason: "rate_limited", key: "email" } })]);
      // The refused attempt is not counted again: the lock does not extend itself.
      const rows = await db.select().from(signInAttempts).where(eq(signInAttempts.key, "email:admin@certdesk.test"));
      expect(rows).toHaveLength(5);
    }));

  it("rejects malformed input without touching the database", () =>
    t.current.rollback(async (db) => {
      expect(await signInWithPassword(db, { email: "not-an-email", password: DEMO_PASSWORD, now })).toEqual({ ok: false, reason: "invalid" });
      expect(await signInWithPassword(db, { email: "partner@acme.test", password: "x".repeat(10_000), now })).toEqual({ ok: false, reason: "invalid" });
      expect(await db.select().from(signInAttempts)).toEqual([]);
    }));
});

describe("OIDC sign-in (aws mode)", () => {
  it("admits an existing user whose e-mail the IdP verified", () =>
    t.current.rollback(async (db) => {
      const result = await signInWithOidc(db, { profile: { sub: "idp-123", email: "Reviewer1@certdesk.test", email_verified: true } });
      expect(result.ok && result.user.roles).toEqual(["reviewer"]);
    }));

  it("refuses an unverified e-mail and an unknown user, and audits both", () =>
    t.current.rollback(async (db) => {
      expect(await signInWithOidc(db, { profile: { sub: "x", email: "reviewer1@certdesk.test", email_verified: false } })).toEqual({
        ok: false,
        reason: "email_unverified",
      });
      expect(await signInWithOidc(db, { profile: { sub: "x", email: "reviewer1@certdesk.test" } })).toEqual({ ok: false, reason: "email_unverified" });
      expect(await signInWithOidc(db, { profile: { sub: "y", email: "stranger@bank.example", email_verified: true } })).toEqual({
        ok: false,
        reason: "unknown_user",
      });
      const refused = await db.select().from(auditEvents).where(eq(auditEvents.outcome, "refused"));
      expect(refused.map((e) => (e.details as { reason: string }).reason)).toEqual(["email_unverified", "email_unverified", "unknown_user"]);
    }));
});
