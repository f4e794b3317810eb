import { describe, expect, it } from "vitest";
import { checkEligibility, type EligibilityFacts, type EligibilityWindow } from "./eligibility";
import { DEFAULT_SCHEDULING_SETTINGS } from "./settings";

/** Monday 2 March 2026, 09:00 UTC; approved then. */
const NOW = new Date("2026-03-02T09:00:00Z");

function facts(over: Partial<EligibilityFacts> & { production?: boolean; leafNotAfter?: Date | null } = {}): EligibilityFacts {
  const { production = true, leafNotAfter = new Date("2027-03-01T00:00:00Z"), ...rest } = over;
  return {
    certificate: { appName: "Acme Checkout", programId: "p", environmentKey: production ? "production" : "stage", environmentLabel: production ? "Production" : "Stage", production, approvedAt: NOW, leafNotAfter },
    replaced: null,
    settings: DEFAULT_SCHEDULING_SETTINGS,
    blackouts: new Map(),
    now: NOW,
    viewerTimeZone: "UTC",
    ...rest,
  };
}

function window(startsAt: string, over: Partial<EligibilityWindow> = {}): EligibilityWindow {
  const start = new Date(startsAt);
  return { programId: "p", environmentKey: "production", status: "planned", startsAt: start, endsAt: new Date(start.getTime() + 3_600_000), capacity: 3, booked: 0, ...over };
}

describe("checkEligibility: which windows a certificate may be booked into, and why not", () => {
  it("allows a planned production window after the lead time with a free seat", () => {
    expect(checkEligibility(facts(), window("2026-03-04T10:00:00Z"))).toEqual({ eligible: true });
  });

  it("greys out a production window sooner than the lead time, with the earliest date", () => {
    expect(checkEligibility(facts(), window("2026-03-03T10:00:00Z"))).toEqual({
      eligible: false,
      code: "CONFLICT",
      message: "The window of Tue 3 Mar 10:00 UTC is too soon: production enablement needs 2 business days after approval (approved 2026-03-02); the earliest date is 2026-03-04.",
      reason: "too soon: production needs 2 business days after approval (earliest Wed 4 Mar 2026)",
    });
    // Blackout dates are not business days: with Wednesday blacked out, Thursday is the earliest.
    const thursday = facts({ blackouts: new Map([["2026-03-04", "Gateway upgrade"]]) });
    expect(checkEligibility(thursday, window("2026-03-04T10:00:00Z"))).toMatchObject({ eligible: false, reason: "blackout date (Gateway upgrade)" });
    expect(checkEligibility(thursday, window("2026-03-05T10:00:00Z"))).toMatchObject({ eligible: true });
    // Stage has no lead time.
    expect(checkEligibility(facts({ production: false }), window("2026-03-02T10:00:00Z", { environmentKey: "stage" }))).toEqual({ eligible: true });
  });

  it("greys out a window too late for the expiry margin of the certificate it replaces", () => {
    const f = facts({ replaced: { subject: "CN=Old", notAfter: new Date("2026-03-12T00:00:00Z") }, viewerTimeZone: "Europe/Vilnius" });
    expect(checkEligibility(f, window("2026-03-04T10:00:00Z"))).toEqual({ eligible: true });
    expect(checkEligibility(f, window("2026-03-05T10:00:00Z"))).toEqual({
      eligible: false,
      code: "CONFLICT",
      message:
        "The window of Thu 5 Mar 12:00 Europe/Vilnius is too late: the certificate it replaces (CN=Old) expires Thu 12 Mar 2026 02:00 Europe/Vilnius, and the replacement must be live 7 days before, by Thu 5 Mar 2026 02:00 Europe/Vilnius.",
      reason: "too late: must be live by Thu 5 Mar 2026 02:00 Europe/Vilnius (7 days before the replaced certificate expires)",
    });
  });

  it("greys out a window the new certificate does not outlive", () => {
    const f = facts({ leafNotAfter: new Date("2026-03-10T10:30:00Z") });
    expect(checkEligibility(f, window("2026-03-09T10:00:00Z"))).toEqual({ eligible: true });
    expect(checkEligibility(f, window("2026-03-10T10:00:00Z"))).toMatchObject({ eligible: false, reason: "too late: the certificate expires Tue 10 Mar 2026 10:30 UTC" });
  });

  it("greys out full, opened, cancelled and other environments' windows", () => {
    expect(checkEligibility(facts(), window("2026-03-04T10:00:00Z", { booked: 3 }))).toMatchObject({ eligible: false, message: "The window of Wed 4 Mar 10:00 UTC is full (3 of 3).", reason: "full (3 of 3)" });
    expect(checkEligibility(facts(), window("2026-03-02T08:00:00Z"))).toMatchObject({ eligible: false, reason: "already opened" });
    expect(checkEligibility(facts(), window("2026-03-04T10:00:00Z", { status: "cancelled" }))).toMatchObject({ eligible: false, reason: "cancelled" });
    expect(checkEligibility(facts(), window("2026-03-04T10:00:00Z", { environmentKey: "stage" }))).toMatchObject({ eligible: false, code: "INVALID_INPUT", reason: "for p stage, not this environment" });
  });

  it("reports the first rule broken, in the order refusals are given", () => {
    // Too soon and full: the lead time is what support must fix first.
    expect(checkEligibility(facts(), window("2026-03-03T10:00:00Z", { booked: 3 }))).toMatchObject({ reason: expect.stringMatching(/^too soon/) });
  });

  it("allows immediate enablement outside production only, and only when the program allows it", () => {
    expect(checkEligibility(facts({ production: false }), "immediate")).toEqual({ eligible: true });
    expect(checkEligibility(facts(), "immediate")).toMatchObject({ eligible: false, message: "Production is a production environment: it is enabled only in a window." });
    const strict = facts({ production: false, settings: { ...DEFAULT_SCHEDULING_SETTINGS, sandboxImmediate: false } });
    expect(checkEligibility(strict, "immediate")).toMatchObject({ eligible: false, message: "The p program enables Stage only in windows." });
  });
});
