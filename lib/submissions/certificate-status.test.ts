import { describe, expect, it } from "vitest";
import { describeCell } from "./certificate-status";

const now = new Date("2026-11-22T12:00:00Z");

describe("certificate status of an app × environment cell", () => {
  it("says 'No certificate' when nothing was ever submitted", () => {
    expect(describeCell({ certificates: [], submissions: [], now })).toEqual({ label: "No certificate", tone: "neutral" });
  });

  it("shows the active certificate's expiry with the days left, warning inside 30 days", () => {
    const active = (iso: string) => ({ status: "active" as const, notAfter: new Date(iso) });
    expect(describeCell({ certificates: [active("2027-05-01T00:00:00Z")], submissions: [], now })).toEqual({
      label: "Active until 2027-05-01 (159 days)",
      tone: "success",
    });
    expect(describeCell({ certificates: [active("2026-12-10T00:00:00Z")], submissions: [], now }).tone).toBe("warning");
    expect(describeCell({ certificates: [active("2026-11-01T00:00:00Z")], submissions: [], now }).label).toBe("Expired on 2026-11-01");
  });

  it("falls back to the latest submission's state", () => {
    const submissions = [
      { status: "rejected" as const, createdAt: new Date("2026-11-01T00:00:00Z") },
      { status: "in_review" as const, createdAt: new Date("2026-11-20T00:00:00Z") },
    ];
    expect(describeCell({ certificates: [], submissions, now })).toEqual({ label: "In review", tone: "info" });
  });
});
