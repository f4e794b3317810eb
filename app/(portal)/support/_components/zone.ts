/** The viewer's time zone for support pages: `?tz=`, else UTC. Times are always shown with the zone named. */
import { isValidTimeZone } from "@/lib/scheduling";

export const COMMON_ZONES = ["UTC", "Europe/London", "Europe/Paris", "Europe/Vilnius", "Europe/Berlin", "America/New_York", "Asia/Singapore"] as const;

export function viewerZone(value: string | string[] | undefined): string {
  const tz = typeof value === "string" ? value : undefined;
  return tz && isValidTimeZone(tz) ? tz : "UTC";
}

/**
 * Every IANA zone the runtime knows (Intl.supportedValuesOf), for the pickers: the common
 * ones first, then the rest alphabetically — a picker, not free text, so no typo reaches
 * the server. `current` is kept even when the list lacks it (an alias such as "Etc/UTC").
 */
export function zoneGroups(current?: string): { common: string[]; all: string[] } {
  const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const common: string[] = [...COMMON_ZONES];
  if (current && !common.includes(current) && !known.includes(current)) common.push(current);
  return { common, all: known.filter((z) => !common.includes(z)) };
}
