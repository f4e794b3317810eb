/**
 * Which windows a certificate may be booked into, and why not the others (issue 16 item 5).
 * One pure function decides: the support page greys out what it refuses (with the short
 * reason), and the domain functions refuse the same cases with the full sentence, inside
 * the transaction that holds the window's lock. No database here: callers pass the facts.
 */
import type { SchedulingSettings } from "./settings";
import { addBusinessDays, formatDay, formatInZone, localDate, MS } from "./time";

/** What the rules read about the certificate being booked. */
export type EligibilityCertificate = {
  appName: string;
  programId: string;
  environmentKey: string;
  environmentLabel: string;
  production: boolean;
  approvedAt: Date | null;
  /** The new leaf's not-after; null for a CSR still awaiting issuance. */
  leafNotAfter: Date | null;
};

export type EligibilityFacts = {
  certificate: EligibilityCertificate;
  /** The certificate in service it replaces (its expiry bounds the window), if any. */
  replaced: { subject: string; notAfter: Date } | null;
  settings: SchedulingSettings;
  /** Blackout dates of the program environment: civil date (program zone) → reason. */
  blackouts: ReadonlyMap<string, string>;
  now: Date;
  /** Names windows and instants in refusal sentences. */
  viewerTimeZone: string;
};

/** What the rules read about a window; `booked` excludes the enablement being moved. */
export type EligibilityWindow = {
  programId: string;
  environmentKey: string;
  status: "planned" | "open" | "closed" | "cancelled";
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  booked: number;
};

export type Eligibility =
  | { eligible: true }
  | {
      eligible: false;
      code: "CONFLICT" | "INVALID_INPUT";
      /** The sentence a refusal says ("The window of Tue 1 Dec 10:00 UTC is full (3 of 3)."). */
      message: string;
      /** The few words a greyed-out option says ("full (3 of 3)"). */
      reason: string;
    };

const OK: Eligibility = { eligible: true };

function no(code: "CONFLICT" | "INVALID_INPUT", message: string, reason: string): Eligibility {
  return { eligible: false, code, message, reason };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Whether `target` (a window, or "immediate" enablement outside windows) is allowed for the
 * certificate, checking the rules in the order refusals are reported: the window's scope,
 * its state, blackout dates, the production lead time, the expiry margin of the replaced
 * certificate, the new certificate's own validity, then free seats.
 */
export function checkEligibility(facts: EligibilityFacts, target: EligibilityWindow | "immediate"): Eligibility {
  const { certificate: c, settings, now, viewerTimeZone: zone } = facts;
  if (target === "immediate") {
    if (c.production) return no("CONFLICT", `${c.environmentLabel} is a production environment: it is enabled only in a window.`, "production is enabled only in a window");
    if (!settings.sandboxImmediate) return no("CONFLICT", `The ${c.programId} program enables ${c.environmentLabel} only in windows.`, `the program enables ${c.environmentLabel} only in windows`);
    return OK;
  }
  const w = target;
  const when = `the window of ${formatInZone(w.startsAt, zone, { year: false })}`;
  const When = capitalise(when);
  if (w.programId !== c.programId || w.environmentKey !== c.environmentKey) {
    return no("INVALID_INPUT", `${When} is for ${w.programId} ${w.environmentKey}, not for ${c.appName}'s ${c.environmentLabel}.`, `for ${w.programId} ${w.environmentKey}, not this environment`);
  }
  if (w.status !== "planned") return no("CONFLICT", `${When} is ${w.status}; choose a planned window.`, w.status);
  if (w.startsAt <= now) return no("CONFLICT", `${When} has already opened; choose a later window.`, "already opened");

  const day = localDate(w.startsAt, settings.timeZone);
  const blackout = facts.blackouts.get(day);
  if (blackout !== undefined) return no("CONFLICT", `${When} falls on a blackout date (${day}: ${blackout}).`, `blackout date (${blackout})`);

  if (c.production) {
    if (!c.approvedAt) return no("CONFLICT", `${c.appName}'s certificate has no approval date; it cannot be scheduled for production.`, "no approval date");
    const approved = localDate(c.approvedAt, settings.timeZone);
    const earliest = addBusinessDays(approved, settings.productionLeadBusinessDays, new Set(facts.blackouts.keys()));
    if (day < earliest) {
      const days = `${settings.productionLeadBusinessDays} business day${settings.productionLeadBusinessDays === 1 ? "" : "s"}`;
      return no(
        "CONFLICT",
        `${When} is too soon: production enablement needs ${days} after approval (approved ${approved}); the earliest date is ${earliest}.`,
        `too soon: production needs ${days} after approval (earliest ${formatDay(earliest)})`,
      );
    }
  }

  if (facts.replaced) {
    const latest = new Date(facts.replaced.notAfter.getTime() - settings.expiryMarginDays * MS.DAY);
    if (w.startsAt > latest) {
      return no(
        "CONFLICT",
        `${When} is too late: the certificate it replaces (${facts.replaced.subject}) expires ${formatInZone(facts.replaced.notAfter, zone)}, and the replacement must be live ${settings.expiryMarginDays} days before, by ${formatInZone(latest, zone)}.`,
        `too late: must be live by ${formatInZone(latest, zone)} (${settings.expiryMarginDays} days before the replaced certificate expires)`,
      );
    }
  }
  if (c.leafNotAfter && c.leafNotAfter <= w.endsAt) {
    return no("CONFLICT", `${When} is too late: the new certificate itself expires ${formatInZone(c.leafNotAfter, zone)}.`, `too late: the certificate expires ${formatInZone(c.leafNotAfter, zone)}`);
  }
  if (w.booked >= w.capacity) return no("CONFLICT", `${When} is full (${w.booked} of ${w.capacity}).`, `full (${w.booked} of ${w.capacity})`);
  return OK;
}
