import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { setupTestDatabase } from "@/lib/db/testing";
import { authSessions, memberships, users } from "@/lib/db";
import { seedDemo } from "@/lib/db/seed";
import { hashPassword } from "@/lib/db/passwords";
import { EXAMPLE_PROGRAM_RECORDS } from "@/lib/policy/programs";
import { checkSession, endSession, SESSION_ABSOLUTE_SECONDS, SESSION_IDLE_SECONDS, startSession } from "./sessions";
import { buildAuthOptions } from "./options";
import { loadConfig } from "@/lib/config";

const t = setupTestDatabase();
const t0 = new Date("2026-03-01T09:00:00Z");
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

beforeAll(async () => {
  await seedDemo(t.current.db, { programs: EXAMPLE_PROGRAM_RECORDS });
});

async function userId(db: Parameters<typeof startSession>[0], email: string): Promise<string> {
  const [u] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  return u!.id;
}

// Issue 10, item 4: a session ends when the user signs out, and does not outlive its limits.
describe("server-side sessions", () => {
  it("a session holds while used, and sign-out ends it and every other session of the user", () =>
    t.current.rollback(async (db) => {
      const uid = await userId(db, "partner@acme.test");
      const sid = await startSession(db, { userId: uid, now: at(0) });
      const other = await startSession(db, { userId: uid, now: at(0) });
      expect(await checkSession(db, { sid, userId: uid, now: at(60) })).toEqual({ ok: true });
      await endSession(db, { sid, userId: uid, now: at(120) });
      // The same token (same sid) replayed after sign-out:
      expect(await checkSession(db, { sid, userId: uid, now: at(121) })).toEqual({ ok: false, reason: "ended" });
      expect(await checkSession(db, { sid: other, userId: uid, now: at(121) })).toEqual({ ok: false, reason: "version" });
      const [row] = await db.select().from(authSessions).where(eq(authSessions.id, sid));
      expect(row).toMatchObject({ endReason: "sign-out" });
    }));

  it("ends after 30 minutes without a request, but not while requests keep coming", () =>
    t.current.rollback(async (db) => {
      const uid = await userId(db, "partner@acme.test");
      const sid = await startSession(db, { userId: uid, now: at(0) });
      for (let s = 25 * 60; s <= 100 * 60; s += 25 * 60) expect(await checkSession(db, { sid, userId: uid, now: at(s) })).toEqual({ ok: true });
      expect(await checkSession(db, { sid, userId: uid, now: at(100 * 60 + SESSION_IDLE_SECONDS + 1) })).toEqual({ ok: false, reason: "idle" });
      expect(await checkSession(db, { sid, userId: uid, now: at(100 * 60 + SESSION_IDLE_SECONDS + 2) })).toEqual({ ok: false, reason: "ended" });
    }));

  it("ends 8 hours after sign-in however active", () =>
    t.current.rollback(async (db) => {
      const uid = await userId(db, "partner@acme.test");
      const sid = await startSession(db, { userId: uid, now: at(0) });
      for (let s = 20 * 60; s < SESSION_ABSOLUTE_SECONDS; s += 20 * 60) expect((await checkSession(db, { sid, userId: uid, now: at(s) })).ok).toBe(true);
      expect(await checkSession(db, { sid, userId: uid, now: at(SESSION_ABSOLUTE_SECONDS + 60) })).toEqual({ ok: false, reason: "absolute" });
    }));

  it("ends on a password change, a role change, a removed membership and deactivation (database triggers)", () =>
    t.current.rollback(async (db) => {
      const uid = await userId(db, "reviewer1@certdesk.test");
      const cases: [string, () => Promise<unknown>, string][] = [
        ["password", async () => db.update(users).set({ passwordHash: await hashPassword("a-new-password") }).where(eq(users.id, uid)), "version"],
        ["role", () => db.update(memberships).set({ role: "support" }).where(eq(memberships.userId, uid)), "version"],
        ["membership removed", () => db.delete(memberships).where(eq(memberships.userId, uid)), "version"],
        ["deactivation", () => db.update(users).set({ disabled: true }).where(eq(users.id, uid)), "disabled"],
      ];
      for (const [what, change, reason] of cases) {
        const sid = await startSession(db, { userId: uid, now: at(0) });
        expect((await checkSession(db, { sid, userId: uid, now: at(1) })).ok, what).toBe(true);
        await change();
        expect(await checkSession(db, { sid, userId: uid, now: at(2) }), what).toEqual({ ok: false, reason });
      }
      // Unrelated updates (the last sign-in time) do not end sessions.
      const [u] = await db.select({ disabled: users.disabled }).from(users).where(eq(users.id, uid));
      expect(u?.disabled).toBe(true);
    }));

  it("refuses a sid that is malformed, unknown, or another user's", () =>
    t.current.rollback(async (db) => {
      const acme = await userId(db, "partner@acme.test");
      const globex = await userId(db, "partner@globex.test");
      const sid = await startSession(db, { userId: globex, now: at(0) });
      await db.update(users).set({ lastSignInAt: at(0) }).where(eq(users.id, globex));
      expect(await checkSession(db, { sid, userId: globex, now: at(1) })).toEqual({ ok: true });
      expect(await checkSession(db, { sid, userId: acme, now: at(1) })).toEqual({ ok: false, reason: "unknown" });
      expect(await checkSession(db, { sid: undefined, userId: acme, now: at(1) })).toEqual({ ok: false, reason: "unknown" });
      expect(await checkSession(db, { sid: "'; drop table users; --", userId: acme, now: at(1) })).toEqual({ ok: false, reason: "unknown" });
    }));
});

describe("next-auth configuration", () => {
  it("keeps the JWT cookie no longer than the absolute session lifetime", async () => {
    const options = await buildAuthOptions(loadConfig({ CERTDESK_AUTH_SECRET: "x".repeat(40) }, "/tmp"));
    expect(options.session?.maxAge).toBe(8 * 60 * 60);
    expect(SESSION_IDLE_SECONDS).toBe(30 * 60);
  });
});
