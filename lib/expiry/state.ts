/**
 * Expiry states and reminder thresholds: pure functions of a certificate's dates, the
 * program's `expiry` settings and an injected `now` (no clock of their own).
 *
 * States (004: "90 days: Warning, 30 days: Urgent, Expired: Invalid"):
 *   ok       more than `warningDays` left
 *   warning  at most `warningDays` left
 *   urgent   at most `urgentDays` left
 *   expired  not-after has passed: calls with the certificate fail
 */
export const EXPIRY_STATES = ["ok", "warning", "urgent", "expired"] as const;
export type ExpiryState = (typeof EXPIRY_STATES)[number];

export type ExpirySettings = {
  /** Days before not-after at which partners are reminded, longest first. */
  reminderDays: number[];
  /** From this many days left the certificate is `urgent`. */
  urgentDays: number;
  /** From this many days left the certificate is `warning`. */
  warningDays: number;
  /** Severity of KEY_REUSED for a renewal that keeps the old key. */
  keyReuse: "warning" | "error";
};

export const DEFAULT_EXPIRY_SETTINGS: ExpirySettings = { reminderDays: [90, 30], urgentDays: 30, warningDays: 90, keyReuse: "warning" };

export const DAY_MS = 86_400_000;

function int(value: unknown, min: number, max: number): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max ? value : undefined;
}

/**
 * Settings from a stored program definition (any JSON). Unknown or malformed fields take the
 * defaults: a half-written program must never stop reminders. The warning threshold is the
 * program's LEAF_EXPIRES_SOON warning (rules.expiryWarningDays.warning, 90 by default), and
 * never shorter than its longest reminder or its urgent threshold.
 *
 * @example
 * expirySettingsFrom({ expiry: { reminderDays: [90, 60, 30] } }).reminderDays // [90, 60, 30]
 */
export function expirySettingsFrom(definition: unknown): ExpirySettings {
  const d = (definition && typeof definition === "object" ? definition : {}) as Record<string, unknown>;
  const e = (d.expiry && typeof d.expiry === "object" ? d.expiry : {}) as Record<string, unknown>;
  const rules = (d.rules && typeof d.rules === "object" ? d.rules : {}) as Record<string, unknown>;
  const warn = (rules.expiryWarningDays && typeof rules.expiryWarningDays === "object" ? rules.expiryWarningDays : {}) as Record<string, unknown>;
  const reminderDays = Array.isArray(e.reminderDays) && e.reminderDays.every((x) => int(x, 1, 3_650) !== undefined)
    ? [...new Set(e.reminderDays as number[])].sort((a, b) => b - a)
    : DEFAULT_EXPIRY_SETTINGS.reminderDays;
  const urgentDays = int(e.urgentDays, 0, 3_650) ?? DEFAULT_EXPIRY_SETTINGS.urgentDays;
  const warningDays = Math.max(int(warn.warning, 0, 36_500) ?? DEFAULT_EXPIRY_SETTINGS.warningDays, reminderDays[0] ?? 0, urgentDays);
  const keyReuse = e.keyReuse === "error" ? "error" : "warning";
  return { reminderDays, urgentDays, warningDays, keyReuse };
}

/**
 * Whole days left, rounded up: a certificate expiring in 24 days and 3 hours has 25 days
 * left (it is still valid on the 25th day from now). 0 or less once expired.
 */
export function daysLeft(notAfter: Date, now: Date): number {
  return Math.ceil((notAfter.getTime() - now.getTime()) / DAY_MS);
}

/**
 * The certificate's expiry state and days left.
 *
 * @example
 * expiryOf({ notAfter: new Date("2027-01-26T00:00:00Z"), now: new Date("2027-01-01T00:00:00Z"), settings })
 * // { state: "urgent", daysLeft: 25 }
 */
export function expiryOf(input: { notAfter: Date; now: Date; settings: Pick<ExpirySettings, "urgentDays" | "warningDays"> }): { state: ExpiryState; daysLeft: number } {
  const left = daysLeft(input.notAfter, input.now);
  if (input.notAfter.getTime() <= input.now.getTime()) return { state: "expired", daysLeft: Math.min(left, 0) };
  if (left <= input.settings.urgentDays) return { state: "urgent", daysLeft: left };
  if (left <= input.settings.warningDays) return { state: "warning", daysLeft: left };
  return { state: "ok", daysLeft: left };
}

/**
 * The thresholds that apply to one certificate: a threshold longer than half its whole
 * validity is dropped (a 30-day certificate must not get a "90 days left" reminder on the
 * day it is issued, and short-lived certificates must not flood anyone).
 */
export function applicableThresholds(input: { notBefore: Date; notAfter: Date; reminderDays: readonly number[] }): number[] {
  const validityMs = input.notAfter.getTime() - input.notBefore.getTime();
  return input.reminderDays.filter((d) => d * DAY_MS <= validityMs / 2).sort((a, b) => b - a);
}

/**
 * The reminder due now, if any: the tightest applicable threshold already reached. Longer
 * thresholds passed meanwhile (a certificate activated at 25 days left, or a job that did not
 * run for a month) are not sent late: one reminder, the one that matters now.
 * Returns null when the certificate has expired or no threshold is reached.
 *
 * @example
 * dueThreshold({ notBefore, notAfter, reminderDays: [90, 60, 30], now }) // 30 at 25 days left
 */
export function dueThreshold(input: { notBefore: Date; notAfter: Date; reminderDays: readonly number[]; now: Date }): number | null {
  const leftMs = input.notAfter.getTime() - input.now.getTime();
  if (leftMs <= 0) return null;
  const reached = applicableThresholds(input).filter((d) => leftMs <= d * DAY_MS);
  return reached.length ? Math.min(...reached) : null;
}

/** The word shown beside the colour (never colour alone). */
export const EXPIRY_STATE_LABELS: Record<ExpiryState, string> = { ok: "ok", warning: "warning", urgent: "urgent", expired: "expired" };

/** The UI tone of each state (app/_components/ui.tsx badge tones). */
export function expiryTone(state: ExpiryState): "success" | "warning" | "danger" {
  switch (state) {
    case "ok":
      return "success";
    case "warning":
      return "warning";
    case "urgent":
    case "expired":
      return "danger";
    default: {
      const never: never = state;
      return never;
    }
  }
}

/** "urgent · 25 days left", "expired 3 days ago". */
export function describeExpiry(e: { state: ExpiryState; daysLeft: number }): string {
  if (e.state === "expired") return e.daysLeft === 0 ? "expired today" : `expired ${-e.daysLeft} ${e.daysLeft === -1 ? "day" : "days"} ago`;
  return `${e.state} · ${e.daysLeft} ${e.daysLeft === 1 ? "day" : "days"} left`;
}
