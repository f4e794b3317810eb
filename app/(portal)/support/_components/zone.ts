/** The viewer's time zone for support pages: `?tz=`, else UTC. Times are always shown with the zone named. */
import { isValidTimeZone } from "@/lib/scheduling";

export const COMMON_ZONES = ["UTC", "Europe/London", "Europe/Vilnius", "Europe/Berlin", "America/New_York", "Asia/Singapore"] as const;

export function viewerZone(value: string | string[] | undefined): string {
  const tz = typeof value === "string" ? value : undefined;
  return tz && isValidTimeZone(tz) ? tz : "UTC";
}
