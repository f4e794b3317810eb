import { beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { setupTestDatabase } from "@/lib/db/testing";
import { auditEvents, emailOutbox, notifications, signInAttempts, users } from "@/lib/db";
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

  it("after five failures from one source refuses that source even the right password, says for how long, and audits the refusal", () =>
    t.current.rollback(async (db) => {
      const ip = "198.51.100.20";
      for (let i = 0; i < 5; i++) {
        await signInWithPassword(db, { email: "admin@certdesk.test", password: `guess-${i}`, ip, now: new Date(now.getTime() + i * 1000) });
      }
      const locked = await signInWithPassword(db, { email: "admin@certdesk.test", password: DEMO_PASSWORD, ip, now: new Date(now.getTime() + 5_000) });
      expect(locked).toEqual({ ok: false, reason: "rate_limited", retryAfterMinutes: 1, retryAfterSeconds: 59 });
      const refused = await db.select().from(auditEvents).where(and(eq(auditEvents.action, "auth.sign-in"), eq(auditEvents.outcome, "refused")));
      expect(refused).toEqual([expect.objectContaining({ action: "auth.sign-in", details: { reason: "rate_limited", key: "pair", retryAfterSeconds: 59 } })]);
      // The refused attempt is not counted again: the delay does not extend itself.
      const rows = await db.select().from(signInAttempts).where(eq(signInAttempts.key, "email:admin@certdesk.test"));
      expect(rows).toHaveLength(5);
    }));

  // Issue 10, item 3: a stranger must not be able to lock a user out.
  it("signs the owner in with the right password however many failures strangers caused", () =>
    t.current.rollback(async (db) => {
      for (let i = 0; i < 40; i++) {
        await signInWithPassword(db, { email: "reviewer1@certdesk.test", password: `guess-${i}`, ip: `203.0.113.${i % 8}`, now: new Date(now.getTime() + i * 1000) });
      }
      const owner = await signInWithPassword(db, { email: "reviewer1@certdesk.test", password: DEMO_PASSWORD, ip: "192.0.2.44", now: new Date(now.getTime() + 41_000) });
      expect(owner.ok).toBe(true);
    }));

  it("tells the owner (and admins) once per window when an account is under attack, audited, without locking it", () =>
    t.current.rollback(async (db) => {
      for (let i = 0; i < 25; i++) {
        await signInWithPassword(db, { email: "partner@globex.test", password: `guess-${i}`, ip: `203.0.113.${i}`, now: new Date(now.getTime() + i * 1000) });
      }
      const [owner] = await db.select().from(users).where(eq(users.email, "partner@globex.test"));
      const [admin] = await db.select().from(users).where(eq(users.email, "admin@certdesk.test"));
      const notices = await db.select().from(notifications).where(eq(notifications.kind, "auth.account-alert"));
      expect(notices.map((n) => n.userId).sort()).toEqual([owner!.id, admin!.id].sort());
      expect(notices[0]!.title).toBe("10 failed sign-in attempts on partner@globex.test");
      const mails = await db.select().from(emailOutbox).where(eq(emailOutbox.to, "partner@globex.test"));
      expect(mails).toHaveLength(1);
      const alerts = await db.select().from(auditEvents).where(eq(auditEvents.action, "auth.account-alert"));
      expect(alerts).toEqual([expect.objectContaining({ targetType: "user", targetId: owner!.id, details: expect.objectContaining({ failures: 10, locked: false }) })]);
      // Not locked: the owner, from their own address, still signs in.
      expect((await signInWithPassword(db, { email: "partner@globex.test", password: DEMO_PASSWORD, ip: "192.0.2.1", now: new Date(now.getTime() + 30_000) })).ok).toBe(true);
      expect((await verifyAuditChain(db)).ok).toBe(true);
    }));

  it("audits a malformed sign-in attempt as refused, keeping only its shape", () =>
    t.current.rollback(async (db) => {
      await signInWithPassword(db, { email: "not-an-email\u0000", password: "hunter2-secret", ip: "198.51.100.9", now });
      await signInWithPassword(db, { email: { $ne: 1 }, password: undefined, now });
      const refused = await db.select().from(auditEvents).where(and(eq(auditEvents.action, "auth.sign-in"), eq(auditEvents.outcome, "refused")));
      expect(refused).toHaveLength(2);
      expect(refused[0]).toMatchObject({ ip: "198.51.100.9", details: { reason: "malformed", fields: ["email"], emailLength: 13, passwordLength: 14 } });
      expect(refused[1]).toMatchObject({ details: { reason: "malformed", emailLength: "object", passwordLength: null } });
      expect(JSON.stringify(refused)).not.toContain("hunter2");
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
