import { describe, expect, it } from "vitest";
import { EXAMPLE_PROGRAMS } from "@/lib/policy";
import { applicableThresholds, daysLeft, describeExpiry, dueThreshold, expiryOf, expirySettingsFrom, DAY_MS } from "./state";

const now = new Date("2027-01-01T00:00:00Z");
const inDays = (d: number) => new Date(now.getTime() + d * DAY_MS);
const settings = { urgentDays: 30, warningDays: 90 };

describe("expiry state", () => {
  it("is ok, warning at 90 days, urgent at 30, expired after not-after (004)", () => {
    expect(expiryOf({ notAfter: inDays(91), now, settings })).toEqual({ state: "ok", daysLeft: 91 });
    expect(expiryOf({ notAfter: inDays(90), now, settings })).toEqual({ state: "warning", daysLeft: 90 });
    expect(expiryOf({ notAfter: inDays(31), now, settings })).toEqual({ state: "warning", daysLeft: 31 });
    expect(expiryOf({ notAfter: inDays(30), now, settings })).toEqual({ state: "urgent", daysLeft: 30 });
    expect(expiryOf({ notAfter: inDays(24.9), now, settings })).toEqual({ state: "urgent", daysLeft: 25 });
    expect(expiryOf({ notAfter: inDays(0.01), now, settings })).toEqual({ state: "urgent", daysLeft: 1 });
    expect(expiryOf({ notAfter: now, now, settings })).toEqual({ state: "expired", daysLeft: 0 });
    expect(expiryOf({ notAfter: inDays(-3), now, settings })).toEqual({ state: "expired", daysLeft: -3 });
    expect(daysLeft(inDays(2), now)).toBe(2);
  });

  it("reads as a word, never colour alone", () => {
    expect(describeExpiry({ state: "urgent", daysLeft: 25 })).toBe("urgent · 25 days left");
    expect(describeExpiry({ state: "expired", daysLeft: -1 })).toBe("expired 1 day ago");
  });
});

describe("thresholds", () => {
  it("drops thresholds longer than half the validity, and sends the tightest one reached", () => {
    const notBefore = inDays(-265);
    const notAfter = inDays(100);
    expect(applicableThresholds({ notBefore, notAfter, reminderDays: [30, 90, 60] })).toEqual([90, 60, 30]);
    expect(applicableThresholds({ notBefore: inDays(-50), notAfter: inDays(50), reminderDays: [90, 60, 30] })).toEqual([30]);
    expect(dueThreshold({ notBefore, notAfter, reminderDays: [90, 60, 30], now })).toBeNull();
    expect(dueThreshold({ notBefore, notAfter, reminderDays: [90, 60, 30], now: inDays(10) })).toBe(90);
    expect(dueThreshold({ notBefore, notAfter, reminderDays: [90, 60, 30], now: inDays(75) })).toBe(30);
    expect(dueThreshold({ notBefore, notAfter, reminderDays: [90, 60, 30], now: inDays(100) })).toBeNull();
  });

  it("reads settings from program definitions; malformed values take the defaults", () => {
    const byId = Object.fromEntries(EXAMPLE_PROGRAMS.map((p) => [p.id, expirySettingsFrom(p)]));
    expect(byId["ca-chain"]).toMatchObject({ reminderDays: [90, 60, 30], urgentDays: 30, warningDays: 90, keyReuse: "warning" });
    expect(byId["provider-ca-csr"]).toMatchObject({ reminderDays: [30], urgentDays: 30, keyReuse: "error" });
    expect(byId["self-signed-allowed"]).toMatchObject({ reminderDays: [90, 30], urgentDays: 30 });
    expect(expirySettingsFrom({ expiry: { reminderDays: ["x"], urgentDays: -1 } })).toEqual({ reminderDays: [90, 30], urgentDays: 30, warningDays: 90, keyReuse: "warning" });
    expect(expirySettingsFrom(null).urgentDays).toBe(30);
  });
});
