"use client";
/**
 * An instant in the viewer's own time zone, with the zone named. The server renders it in
 * `fallbackZone` (it cannot know the browser's zone); after hydration the browser's zone
 * takes over, so a partner in New York reads New York time for a Vilnius window.
 */
import { useSyncExternalStore } from "react";
import { formatInZone, formatInZones } from "@/lib/scheduling/time";

/** The browser's zone never changes while the page is open: nothing to subscribe to. */
const subscribe = () => () => undefined;
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

/** `alsoUtc`: the same instant in UTC alongside ("… 08:00 Europe/Paris (07:00 UTC)"), once only when the zone is UTC (issue 16: no "08:00 UTC (08:00 UTC)"). */
export function ViewerTime({ iso, fallbackZone, alsoUtc }: { iso: string; fallbackZone: string; alsoUtc?: boolean }) {
  const zone = useSyncExternalStore(subscribe, browserZone, () => fallbackZone);
  const at = new Date(iso);
  return <time dateTime={iso}>{alsoUtc ? formatInZones(at, zone) : formatInZone(at, zone)}</time>;
}
