/**
 * Review age in business days (Monday–Friday, UTC calendar days; public holidays are
 * not known to Certdesk). The clock is a parameter, so tests and the queue agree.
 */

const DAY_MS = 86_400_000;

function utcDay(d: Date): number {
  return Math.floor(d.getTime() / DAY_MS);
}

/** 1970-01-01 was a Thursday: day 0 → weekday 4 (ISO 1 = Monday … 7 = Sunday). */
function isoWeekday(day: number): number {
  return ((day + 3) % 7 + 7) % 7 + 1;
}

function isBusinessDay(day: number): boolean {
  return isoWeekday(day) <= 5;
}

/**
 * Business days that began after `from`'s day, up to and including `now`'s day.
 * Submitted Monday: 0 on Monday, 1 on Tuesday, 5 on the next Monday.
 *
 * @example
 * businessDaysBetween(new Date("2026-11-20T16:00Z"), new Date("2026-11-23T09:00Z")) // Fri → Mon: 1
 */
export function businessDaysBetween(from: Date, now: Date): number {
  const a = utcDay(from);
  const b = utcDay(now);
  if (b <= a) return 0;
  const whole = Math.floor((b - a) / 7);
  let count = whole * 5;
  for (let day = a + whole * 7 + 1; day <= b; day++) if (isBusinessDay(day)) count++;
  return count;
}

/**
 * The instant before which a submission is at least `days` business days old at `now`
 * (start of the `days`-th business day counting back from `now`'s day): `submittedAt < cutoff`
 * is then the same test as `businessDaysBetween(submittedAt, now) >= days`, in SQL.
 */
export function ageCutoff(now: Date, days: number): Date {
  if (days <= 0) return new Date(8.64e15);
  let day = utcDay(now);
  let seen = 0;
  for (;;) {
    if (isBusinessDay(day)) seen++;
    if (seen === days) return new Date(day * DAY_MS);
    day--;
  }
}

export type AgeBadge = "on-track" | "due" | "overdue";

/** Against the program's review target: before the target day, on it, after it. */
export function ageBadge(ageBusinessDays: number, targetBusinessDays: number): AgeBadge {
  if (ageBusinessDays < targetBusinessDays) return "on-track";
  return ageBusinessDays === targetBusinessDays ? "due" : "overdue";
}
