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

export function ViewerTime({ iso, fallbackZone }: { iso: string; fallbackZone: string }) {
  const zone = useSyncExternalStore(subscribe, browserZone, () => fallbackZone);
  return <time dateTime={iso}>{formatInZone(new Date(iso), zone)}</time>;
}
