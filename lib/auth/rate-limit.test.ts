import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/lib/db/testing";
import {
  backoffSeconds,
  checkSignInRateLimit,
  MAX_FAILURES_PER_PAIR,
  MAX_FAILURES_PER_SOURCE,
  recordSignInAttempt,
} from "./rate-limit";

const t = setupTestDatabase();
const at = (iso: string) => new Date(iso);
const plus = (d: Date, seconds: number) => new Date(d.getTime() + seconds * 1000);

describe("sign-in throttling (issue 10, item 3)", () => {
  it("failures from other sources never throttle an account for a source that did not fail", () =>
    t.current.rollback(async (db) => {
      const email = "victim@acme.test";
      const t0 = at("2026-01-01T10:00:00Z");
      // A stranger fails 60 times from 30 addresses.
      for (let i = 0; i < 60; i++) await recordSignInAttempt(db, { email, ip: `203.0.113.${i % 30}`, succeeded: false, at: plus(t0, i) });
      expect(await checkSignInRateLimit(db, { email, ip: "192.0.2.10", now: plus(t0, 61) })).toEqual({ allowed: true });
      // Case changes reach the same account keys (no bypass of the pair limit by "VICTIM@").
      expect((await checkSignInRateLimit(db, { email: "VICTIM@acme.test", ip: "203.0.113.1", now: plus(t0, 61) })).allowed).toBe(true);
    }));

  it("slows one account+source pair after five failures, progressively; other sources are unaffected", () =>
    t.current.rollback(async (db) => {
      const email = "typo@acme.test";
      const ip = "198.51.100.7";
      let now = at("2026-01-01T10:00:00Z");
      for (let i = 0; i < MAX_FAILURES_PER_PAIR; i++) {
        expect((await checkSignInRateLimit(db, { email, ip, now })).allowed).toBe(true);
        await recordSignInAttempt(db, { email, ip, succeeded: false, at: now });
        now = plus(now, 1);
      }
      expect(await checkSignInRateLimit(db, { email, ip, now })).toEqual({ allowed: false, retryAfterSeconds: 59, retryAfterMinutes: 1, key: "pair" });
      expect(await checkSignInRateLimit(db, { email, ip: "198.51.100.8", now })).toEqual({ allowed: true });
      // After the delay: one more try; failing it doubles the delay.
      now = plus(now, 60);
      expect((await checkSignInRateLimit(db, { email, ip, now })).allowed).toBe(true);
      await recordSignInAttempt(db, { email, ip, succeeded: false, at: now });
      expect(await checkSignInRateLimit(db, { email, ip, now: plus(now, 1) })).toMatchObject({ allowed: false, retryAfterSeconds: 119, key: "pair" });
      // The pair's own success (it knows the password) resets the pair.
      await recordSignInAttempt(db, { email, ip, succeeded: true, at: plus(now, 121) });
      expect(await checkSignInRateLimit(db, { email, ip, now: plus(now, 122) })).toEqual({ allowed: true });
    }));

  it("slows a source spraying many accounts, and a success does not reset the source's count", () =>
    t.current.rollback(async (db) => {
      const ip = "203.0.113.66";
      const t0 = at("2026-01-01T10:00:00Z");
      for (let i = 0; i < MAX_FAILURES_PER_SOURCE - 1; i++) await recordSignInAttempt(db, { email: `user${i}@acme.test`, ip, succeeded: false, at: plus(t0, i) });
      // The attacker signs into an account of their own…
      await recordSignInAttempt(db, { email: "attacker@acme.test", ip, succeeded: true, at: plus(t0, 30) });
      // …and one more failure is the twentieth: the source must now wait.
      await recordSignInAttempt(db, { email: "user99@acme.test", ip, succeeded: false, at: plus(t0, 31) });
      expect(await checkSignInRateLimit(db, { email: "fresh@acme.test", ip, now: plus(t0, 32) })).toEqual({
        allowed: false,
        retryAfterSeconds: 59,
        retryAfterMinutes: 1,
        key: "ip",
      });
      // The same e-mail from another address is fine.
      expect(await checkSignInRateLimit(db, { email: "fresh@acme.test", ip: "198.51.100.1", now: plus(t0, 32) })).toEqual({ allowed: true });
      // Once the window has passed, the source starts afresh.
      expect(await checkSignInRateLimit(db, { email: "fresh@acme.test", ip, now: plus(t0, 16 * 60) })).toEqual({ allowed: true });
    }));

  it("requests without a known address share one bucket instead of escaping the limit", () =>
    t.current.rollback(async (db) => {
      const t0 = at("2026-01-01T10:00:00Z");
      for (let i = 0; i < MAX_FAILURES_PER_SOURCE; i++) await recordSignInAttempt(db, { email: `u${i}@acme.test`, ip: null, succeeded: false, at: t0 });
      expect(await checkSignInRateLimit(db, { email: "x@acme.test", ip: undefined, now: plus(t0, 1) })).toMatchObject({ allowed: false, key: "ip" });
    }));

  it("the delay doubles up to the window's length", () => {
    expect([4, 5, 6, 7, 8, 9, 10, 30].map((n) => backoffSeconds(n, 5))).toEqual([0, 60, 120, 240, 480, 900, 900, 900]);
  });
});
