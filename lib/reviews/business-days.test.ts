import { describe, expect, it } from "vitest";
import { ageBadge, ageCutoff, businessDaysBetween } from "./business-days";

const d = (s: string) => new Date(s);

describe("business days", () => {
  it("counts weekdays begun since the submission, skipping weekends", () => {
    // 2026-11-23 is a Monday.
    expect(businessDaysBetween(d("2026-11-23T08:00Z"), d("2026-11-23T20:00Z"))).toBe(0);
    expect(businessDaysBetween(d("2026-11-23T08:00Z"), d("2026-11-24T01:00Z"))).toBe(1);
    expect(businessDaysBetween(d("2026-11-20T16:00Z"), d("2026-11-23T09:00Z"))).toBe(1); // Fri → Mon
    expect(businessDaysBetween(d("2026-11-21T10:00Z"), d("2026-11-23T09:00Z"))).toBe(1); // Sat → Mon
    expect(businessDaysBetween(d("2026-11-23T08:00Z"), d("2026-11-30T08:00Z"))).toBe(5);
    expect(businessDaysBetween(d("2026-11-02T08:00Z"), d("2026-11-30T08:00Z"))).toBe(20);
    expect(businessDaysBetween(d("2026-11-30T08:00Z"), d("2026-11-23T08:00Z"))).toBe(0);
  });

  it("cutoff agrees with the count for every submission time over three weeks", () => {
    const now = d("2026-11-25T13:00Z"); // Wednesday
    for (let days = 1; days <= 6; days++) {
      const cutoff = ageCutoff(now, days);
      for (let t = now.getTime() - 21 * 86_400_000; t <= now.getTime(); t += 3_600_000 * 5) {
        const submitted = new Date(t);
        expect(submitted < cutoff, `${submitted.toISOString()} / ${days}`).toBe(businessDaysBetween(submitted, now) >= days);
      }
    }
  });

  it("badges against the target", () => {
    expect(ageBadge(1, 2)).toBe("on-track");
    expect(ageBadge(2, 2)).toBe("due");
    expect(ageBadge(3, 2)).toBe("overdue");
  });
});
