/**
 * Wall-clock arithmetic in IANA time zones with nothing but `Intl` (no date library):
 * every instant is stored in UTC; a recurring window is defined in local wall-clock time
 * ("Tuesdays 10:00 Europe/Vilnius") and must stay at 10:00 local across DST changes.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      weekday: "short",
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

/** True for a time zone name `Intl` knows ("Europe/Vilnius", "UTC"). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone });
    return true;
  } catch {
    return false;
  }
}

export type LocalDateTime = { year: number; month: number; day: number; hour: number; minute: number; second: number; isoWeekday: number };

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The wall-clock reading of `at` in `timeZone`. */
export function localParts(at: Date, timeZone: string): LocalDateTime {
  const parts: Record<string, string> = {};
  for (const p of partsFormatter(timeZone).formatToParts(at)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    isoWeekday: WEEKDAYS[parts.weekday!] ?? 0,
  };
}

/** Offset of `timeZone` from UTC at `at`, in milliseconds (Vilnius summer: +3 h). */
function offsetAt(at: number, timeZone: string): number {
  const p = localParts(new Date(at), timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(at / 1000) * 1000;
}

/**
 * The UTC instant of a local wall-clock time. Like Temporal's "compatible" disambiguation:
 * a time skipped by a spring-forward gap moves forward by the gap; a repeated time in the
 * autumn takes its first (earlier) occurrence.
 */
export function zonedToUtc(input: { year: number; month: number; day: number; hour: number; minute: number }, timeZone: string): Date {
  const naive = Date.UTC(input.year, input.month - 1, input.day, input.hour, input.minute);
  // The offset a few hours either side bracket the answer; try the earlier-instant one first.
  const before = offsetAt(naive - DAY / 2, timeZone);
  const after = offsetAt(naive + DAY / 2, timeZone);
  const candidates = [...new Set([before, after])].map((o) => naive - o).sort((a, b) => a - b);
  for (const t of candidates) {
    const p = localParts(new Date(t), timeZone);
    if (Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) === naive) return new Date(t);
  }
  // In a gap: no instant reads `naive`; the pre-gap offset lands after the gap, as "compatible" does.
  return new Date(naive - before);
}

/** "YYYY-MM-DD" of `at` in `timeZone`. */
export function localDate(at: Date, timeZone: string): string {
  const p = localParts(at, timeZone);
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

/** Days of a civil calendar (no zone): "2026-12-01" + 1 → "2026-12-02". */
export function addCivilDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + days * DAY).toISOString().slice(0, 10);
}

/** ISO weekday (1 = Monday) of a civil date. */
export function civilWeekday(date: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const w = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return w === 0 ? 7 : w;
}

/**
 * The civil date `n` business days (Monday–Friday, not a blackout date) after `date`.
 * Approval on Friday + 2 business days → Tuesday.
 */
export function addBusinessDays(date: string, n: number, holidays: ReadonlySet<string> = new Set()): string {
  let d = date;
  let left = n;
  while (left > 0) {
    d = addCivilDays(d, 1);
    if (civilWeekday(d) <= 5 && !holidays.has(d)) left--;
  }
  return d;
}

/** Parses "HH:MM" (00:00–23:59); null when malformed. */
export function parseClock(value: string): { hour: number; minute: number } | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  return m ? { hour: Number(m[1]), minute: Number(m[2]) } : null;
}

const shortFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * An instant as a person reads it, in their zone, with the zone named — the one way times
 * are shown (UI, notifications, refusal messages): "Tue 1 Dec 2026 10:00 Europe/Vilnius".
 * A time without its zone is how a partner ends up an hour early for a window.
 */
export function formatInZone(at: Date, timeZone: string, options: { year?: boolean } = {}): string {
  const key = `${timeZone}|${options.year !== false}`;
  let f = shortFormatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      hourCycle: "h23",
      weekday: "short",
      day: "numeric",
      month: "short",
      ...(options.year === false ? {} : { year: "numeric" }),
      hour: "2-digit",
      minute: "2-digit",
    });
    shortFormatters.set(key, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(at)) p[part.type] = part.value;
  const year = options.year === false ? "" : ` ${p.year}`;
  return `${p.weekday} ${p.day} ${p.month}${year} ${p.hour}:${p.minute} ${timeZone}`;
}

/** True for the names of UTC itself ("UTC", "Etc/UTC", "GMT", …): no second zone to show. */
export function isUtcZone(timeZone: string): boolean {
  return /^(Etc\/)?(UTC|UCT|Zulu|Universal|GMT|GMT[+-]0|Greenwich)$/.test(timeZone);
}

/**
 * An instant in the viewer's zone and in UTC, the way bookings are confirmed (issue 16):
 * "Tue 15 Dec 2026 08:00 Europe/Paris (07:00 UTC)" — the UTC date repeated only when it
 * differs — and once when the viewer's zone is UTC: never "08:00 UTC (08:00 UTC)".
 */
export function formatInZones(at: Date, timeZone: string): string {
  if (isUtcZone(timeZone)) return formatInZone(at, "UTC");
  const local = formatInZone(at, timeZone);
  const utc = formatInZone(at, "UTC");
  const sameDay = localDate(at, timeZone) === localDate(at, "UTC");
  return `${local} (${sameDay ? utc.split(" ").slice(4).join(" ") : utc})`;
}

const DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;
const MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

/** A civil date ("2026-12-01") the way instants are shown, without the time: "Tue 1 Dec 2026". */
export function formatDay(date: string): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return `${DAY_NAMES[civilWeekday(date) - 1]} ${d} ${MONTH_NAMES[m - 1]} ${y}`;
}

/** Whole days from `from` to `to` (negative when `to` is earlier), rounded down. */
export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / DAY);
}

export const MS = { MINUTE, HOUR: 60 * MINUTE, DAY } as const;
