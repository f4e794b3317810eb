import { describe, expect, it } from "vitest";
import { decodeTime, encodeTlv, readTlv } from "./der";

const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;

/** decodeTime of `text` as a time of the given tag: the Date, or the error message. */
function read(tag: number, text: string): string {
  const tlv = encodeTlv(tag, new TextEncoder().encode(text));
  try {
    return decodeTime(tlv, readTlv(tlv, 0)).toISOString();
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

describe("decodeTime", () => {
  // RFC 5280's two forms are read straight from the bytes; every other accepted form (fractions,
  // seconds-less UTCTime) through the text path. Both must agree: the same instant written with a
  // ".0" fraction takes the text path, so each canonical time is compared with its twin.
  it("reads RFC 5280's forms exactly as the text path reads the same instants, valid or not", () => {
    const fields = [
      [2026, 12, 7, 19, 5, 9],
      [2024, 2, 29, 0, 0, 0], // leap day
      [2025, 2, 29, 0, 0, 0], // not a leap year: refused, not rolled into March
      [2026, 4, 31, 12, 0, 0], // April has 30 days
      [2026, 13, 1, 0, 0, 0],
      [2026, 0, 10, 0, 0, 0],
      [2026, 6, 0, 0, 0, 0],
      [2026, 6, 30, 24, 0, 0],
      [2026, 6, 30, 23, 60, 0],
      [2026, 6, 30, 23, 59, 60],
      [2026, 12, 31, 23, 59, 59],
      [1950, 1, 1, 0, 0, 0],
      [2049, 12, 31, 23, 59, 59],
      [9999, 12, 31, 23, 59, 59],
      [1000, 1, 1, 0, 0, 0],
    ];
    let compared = 0;
    for (const [y, mo, d, h, mi, s] of fields as number[][]) {
      const rest = `${pad(mo!)}${pad(d!)}${pad(h!)}${pad(mi!)}${pad(s!)}`;
      // Messages quote the text, which differs between the twins: compare the outcome.
      const outcome = (t: string) => (t.startsWith("error: ") ? "refused" : t);
      const generalized = outcome(read(GENERALIZED_TIME, `${pad(y!, 4)}${rest}Z`));
      expect(generalized, `${y} ${rest}`).toBe(outcome(read(GENERALIZED_TIME, `${pad(y!, 4)}${rest}.0Z`)));
      if (y! >= 1950 && y! <= 2049) {
        expect(outcome(read(UTC_TIME, `${pad(y! % 100)}${rest}Z`)), `${y} ${rest}`).toBe(generalized);
        compared++;
      }
      compared++;
    }
    expect(compared).toBe(fields.length + 13); // 13 of them fit UTCTime's 1950–2049
    expect(read(UTC_TIME, "261207190509Z")).toBe("2026-12-07T19:05:09.000Z");
    expect(read(UTC_TIME, "500101000000Z")).toBe("1950-01-01T00:00:00.000Z");
    expect(read(UTC_TIME, "491231235959Z")).toBe("2049-12-31T23:59:59.000Z");
  });

  it("names the malformed UTCTime rather than rolling it over or guessing", () => {
    expect(read(UTC_TIME, "260230120000Z")).toBe('error: "260230120000Z" is not a valid UTCTime (expected YYMMDDHHMMSSZ: 12 digits and Z)');
    expect(read(UTC_TIME, "2606302a0000Z")).toMatch(/is not a valid UTCTime/);
    expect(read(UTC_TIME, "260630220000+")).toMatch(/is not a valid UTCTime/);
    expect(read(GENERALIZED_TIME, "20260230120000Z")).toMatch(/is not a valid GeneralizedTime/);
    // Forms the text path still accepts: seconds-less UTCTime and a fraction.
    expect(read(UTC_TIME, "2606302200Z")).toBe("2026-06-30T22:00:00.000Z");
    expect(read(GENERALIZED_TIME, "20260630220000.5Z")).toBe("2026-06-30T22:00:00.500Z");
  });
});
