import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/lib/db/testing";
import { checkSignInRateLimit, MAX_FAILURES_PER_EMAIL, MAX_FAILURES_PER_IP, recordSignInAttempt } from "./rate-limit";

const t = setupTestDatabase();
const at = (iso: string) => new Date(iso);

describe("sign-in rate limit", () => {
  it("allows attempts until the fifth failure, then locks the e-mail for the rest of the 15-minute window", () =>
    t.current.rollback(async (db) => {
      const email = "victim@acme.test";
      for (let i = 0; i < MAX_FAILURES_PER_EMAIL - 1; i++) {
        await recordSignInAttempt(db, { email, ip: `10.0.0.${i}`, succeeded: false, at: at(`2026-01-01T10:0${i}:00Z`) });
      }
      expect(await checkSignInRateLimit(db, { email, now: at("2026-01-01T10:05:00Z") })).toEqual({ allowed: true });
      await recordSignInAttempt(db, { email, ip: "10.0.0.9", succeeded: false, at: at("2026-01-01T10:05:00Z") });
      // The oldest failure (10:00) leaves the window at 10:15.
      expect(await checkSignInRateLimit(db, { email, now: at("2026-01-01T10:06:00Z") })).toEqual({
        allowed: false,
        retryAfterMinutes: 9,
        key: "email",
      });
      // E-mails are compared case-insensitively: no bypass by changing case.
      expect((await checkSignInRateLimit(db, { email: "VICTIM@acme.test", now: at("2026-01-01T10:06:00Z") })).allowed).toBe(false);
      // Once the oldest failure is out of the window, the count is 4 again.
      expect(await checkSignInRateLimit(db, { email, now: at("2026-01-01T10:15:30Z") })).toEqual({ allowed: true });
      // Another e-mail is not affected.
      expect(await checkSignInRateLimit(db, { email: "other@acme.test", now: at("2026-01-01T10:06:00Z") })).toEqual({ allowed: true });
    }));

  it("a successful sign-in resets the count of earlier failures", () =>
    t.current.rollback(async (db) => {
      const email = "typo@acme.test";
      for (let i = 0; i < 4; i++) await recordSignInAttempt(db, { email, succeeded: false, at: at(`2026-01-01T10:0${i}:00Z`) });
      await recordSignInAttempt(db, { email, succeeded: true, at: at("2026-01-01T10:04:00Z") });
      await recordSignInAttempt(db, { email, succeeded: false, at: at("2026-01-01T10:05:00Z") });
      expect(await checkSignInRateLimit(db, { email, now: at("2026-01-01T10:06:00Z") })).toEqual({ allowed: true });
    }));

  it("locks one IP spraying a password over many e-mails", () =>
    t.current.rollback(async (db) => {
      const ip = "203.0.113.7";
      for (let i = 0; i < MAX_FAILURES_PER_IP; i++) {
        await recordSignInAttempt(db, { email: `user${i}@acme.test`, ip, succeeded: false, at: at("2026-01-01T10:00:00Z") });
      }
      const decision = await checkSignInRateLimit(db, { email: "fresh@acme.test", ip, now: at("2026-01-01T10:01:00Z") });
      expect(decision).toEqual({ allowed: false, retryAfterMinutes: 14, key: "ip" });
      // The same e-mail from another address is fine.
      expect(await checkSignInRateLimit(db, { email: "fresh@acme.test", ip: "198.51.100.1", now: at("2026-01-01T10:01:00Z") })).toEqual({
        allowed: true,
      });
    }));
});
