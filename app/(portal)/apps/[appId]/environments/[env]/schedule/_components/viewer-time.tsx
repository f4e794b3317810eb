"use client";
/**
 * An instant in the viewer's own time zone, with the zone named. The server renders it in
 * `fallbackZone` (it cannot know the browser's zone); after hydration the browser's zone
 * takes over, so a partner in New York reads New York time for a Vilnius window.
 */
import { useSyncExternalStore } from "react";
import { formatInZone } from "@/lib/scheduling/time";

/** The browser's zone never changes while the page is open: nothing to subscribe to. */
const subscribe = () => () => undefined;
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

/** `alsoUtc`: add " (… UTC)" after it, unless the zone shown is UTC already (issue 16: no "08:00 UTC (08:00 UTC)"). */
export function ViewerTime({ iso, fallbackZone, alsoUtc }: { iso: string; fallbackZone: string; alsoUtc?: boolean }) {
  const zone = useSyncExternalStore(subscribe, browserZone, () => fallbackZone);
  const at = new Date(iso);
  const utc = alsoUtc && !/^(Etc\/)?(UTC|UCT|Zulu|Universal|GMT)$/.test(zone) && formatInZone(at, zone) !== formatInZone(at, "UTC");
  return (
    <>
      <time dateTime={iso}>{formatInZone(at, zone)}</time>
      {utc ? ` (${formatInZone(at, "UTC")})` : null}
    </>
  );
}
