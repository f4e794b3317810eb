import { describe, expect, it } from "vitest";
import { buildIcs, escapeIcsText, foldIcsLine, parseIcs, unescapeIcsText } from "./ics";
import { schedulingSettingsFrom, DEFAULT_SCHEDULING_SETTINGS } from "./settings";
import { addBusinessDays, formatDay, formatInZone, formatInZones, localDate, zonedToUtc } from "./time";
import { expandRecurrence } from "./windows";

describe("wall-clock time in IANA zones", () => {
  it("converts local times to UTC on both sides of a DST change (Vilnius: +3 in summer, +2 in winter)", () => {
    expect(zonedToUtc({ year: 2026, month: 7, day: 1, hour: 10, minute: 0 }, "Europe/Vilnius").toISOString()).toBe("2026-07-01T07:00:00.000Z");
    expect(zonedToUtc({ year: 2026, month: 12, day: 1, hour: 10, minute: 0 }, "Europe/Vilnius").toISOString()).toBe("2026-12-01T08:00:00.000Z");
    expect(zonedToUtc({ year: 2026, month: 12, day: 1, hour: 10, minute: 0 }, "America/New_York").toISOString()).toBe("2026-12-01T15:00:00.000Z");
  });

  it("moves a time inside the spring-forward gap forward, and takes the first of a repeated autumn hour", () => {
    // 29 March 2026, Vilnius: 03:00 → 04:00. 03:30 does not exist; it becomes 04:30 (+3) = 01:30Z.
    expect(zonedToUtc({ year: 2026, month: 3, day: 29, hour: 3, minute: 30 }, "Europe/Vilnius").toISOString()).toBe("2026-03-29T01:30:00.000Z");
    // 25 October 2026, Vilnius: 04:00 → 03:00. 03:30 happens twice; the first is at +3 = 00:30Z.
    expect(zonedToUtc({ year: 2026, month: 10, day: 25, hour: 3, minute: 30 }, "Europe/Vilnius").toISOString()).toBe("2026-10-25T00:30:00.000Z");
  });

  it("shows an instant in the viewer's zone with the zone named", () => {
    const at = new Date("2026-12-01T08:00:00Z");
    expect(formatInZone(at, "Europe/Vilnius")).toBe("Tue 1 Dec 2026 10:00 Europe/Vilnius");
    expect(formatInZone(at, "America/New_York", { year: false })).toBe("Tue 1 Dec 03:00 America/New_York");
    expect(localDate(new Date("2026-11-30T23:30:00Z"), "Europe/Vilnius")).toBe("2026-12-01");
  });

  it("counts business days over weekends and blackout dates", () => {
    expect(addBusinessDays("2026-11-27", 2)).toBe("2026-12-01"); // Fri + 2 → Tue
    expect(addBusinessDays("2026-11-23", 2)).toBe("2026-11-25"); // Mon + 2 → Wed
    expect(addBusinessDays("2026-12-23", 2, new Set(["2026-12-24", "2026-12-25"]))).toBe("2026-12-29");
    expect(addBusinessDays("2026-11-23", 0)).toBe("2026-11-23");
  });
});

describe("recurring windows", () => {
  const spec = { weekdays: [2, 4], startTime: "10:00", durationMinutes: 120, timeZone: "Europe/Vilnius", capacity: 3 };

  it("expands weekdays at the same local time across the October DST change", () => {
    const windows = expandRecurrence(spec, { from: new Date("2026-10-19T00:00:00Z"), to: new Date("2026-11-01T00:00:00Z") });
    expect(windows.map((w) => w.startsAt.toISOString())).toEqual([
      "2026-10-20T07:00:00.000Z", // Tue, summer time
      "2026-10-22T07:00:00.000Z", // Thu
      "2026-10-27T08:00:00.000Z", // Tue, after 25 Oct: winter time, still 10:00 local
      "2026-10-29T08:00:00.000Z",
    ]);
    expect(windows.every((w) => w.endsAt.getTime() - w.startsAt.getTime() === 120 * 60_000)).toBe(true);
    expect(windows.map((w) => w.localDate)).toEqual(["2026-10-20", "2026-10-22", "2026-10-27", "2026-10-29"]);
  });

  it("skips blackout dates and windows outside the range", () => {
    const windows = expandRecurrence(spec, {
      from: new Date("2026-12-01T09:00:00Z"), // after Tuesday's 08:00Z start
      to: new Date("2026-12-11T00:00:00Z"),
      blackoutDates: new Set(["2026-12-08"]),
    });
    expect(windows.map((w) => w.localDate)).toEqual(["2026-12-03", "2026-12-10"]);
  });
});

describe("program scheduling settings", () => {
  it("reads optional settings and falls back to the defaults for absent or malformed ones", () => {
    expect(schedulingSettingsFrom({})).toEqual(DEFAULT_SCHEDULING_SETTINGS);
    expect(schedulingSettingsFrom({ scheduling: { overlapHours: 24, productionLeadBusinessDays: "3", timeZone: "Mars/Olympus", sandboxImmediate: false } })).toEqual({
      ...DEFAULT_SCHEDULING_SETTINGS,
      overlapHours: 24,
      sandboxImmediate: false,
    });
  });
});

describe(".ics (RFC 5545)", () => {
  const event = {
    uid: "enablement-1@certdesk",
    start: new Date("2026-12-01T08:00:00Z"),
    end: new Date("2026-12-01T10:00:00Z"),
    stamp: new Date("2026-11-23T11:00:00.123Z"),
    summary: "Certificate enablement: Acme, Checkout; production",
    description: `Line one\nÜber-long ${"ąčęėįšųūž".repeat(12)} end\\`,
  };

  it("uses CRLF, UTC times, escapes TEXT and folds lines at 75 octets without splitting characters", () => {
    const ics = buildIcs([event]);
    expect(ics.endsWith("\r\n")).toBe(true);
    expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    for (const line of ics.split("\r\n")) expect(Buffer.byteLength(line, "utf8")).toBeLessThanOrEqual(75);
    expect(ics).toContain("DTSTART:20261201T080000Z\r\n");
    expect(ics).toContain("DTEND:20261201T100000Z\r\n");
    expect(ics).toContain("DTSTAMP:20261123T110000Z\r\n");
    expect(ics).toContain("SUMMARY:Certificate enablement: Acme\\, Checkout\\; production\r\n");
    expect(ics).toContain("UID:enablement-1@certdesk\r\n");
    const [parsed] = parseIcs(ics);
    expect(unescapeIcsText(parsed!.properties.DESCRIPTION!)).toBe(event.description);
    expect(unescapeIcsText(parsed!.properties.SUMMARY!)).toBe(event.summary);
  });

  it("folds by octets: continuation lines start with a space and rejoin to the original", () => {
    const line = `DESCRIPTION:${"ž".repeat(60)}`;
    const folded = foldIcsLine(line);
    expect(folded.split("\r\n ").join("")).toBe(line);
    expect(folded.split("\r\n").slice(1).every((l) => l.startsWith(" "))).toBe(true);
    expect(escapeIcsText("a,b;c\\d\ne")).toBe("a\\,b\\;c\\\\d\\ne");
  });
});

describe("a booking's date in the viewer's zone and UTC (issue 16)", () => {
  it("names both zones, repeats the UTC date only when it differs, and shows UTC once", () => {
    expect(formatInZones(new Date("2026-12-15T07:00:00Z"), "Europe/Paris")).toBe("Tue 15 Dec 2026 08:00 Europe/Paris (07:00 UTC)");
    expect(formatInZones(new Date("2026-12-15T02:00:00Z"), "America/New_York")).toBe("Mon 14 Dec 2026 21:00 America/New_York (Tue 15 Dec 2026 02:00 UTC)");
    expect(formatInZones(new Date("2026-12-15T08:00:00Z"), "UTC")).toBe("Tue 15 Dec 2026 08:00 UTC");
    expect(formatInZones(new Date("2026-12-15T08:00:00Z"), "Etc/UTC")).toBe("Tue 15 Dec 2026 08:00 UTC");
    // London in winter reads like UTC but is another zone: both are named.
    expect(formatInZones(new Date("2026-12-15T08:00:00Z"), "Europe/London")).toBe("Tue 15 Dec 2026 08:00 Europe/London (08:00 UTC)");
  });

  it("writes civil dates the way instants are written, without the time", () => {
    expect(formatDay("2026-12-01")).toBe("Tue 1 Dec 2026");
    expect(formatDay("2027-01-03")).toBe("Sun 3 Jan 2027");
  });
});
