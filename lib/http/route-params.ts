/**
 * Route segments at the edge of pages and route handlers: malformed ones end the request
 * as "not found" before anything reaches the database (see segments.ts for why).
 */
import { notFound } from "next/navigation";
import { AppError } from "@/lib/auth/app-error";
import { parseSegments, type SegmentKind } from "./segments";

/** For route handlers: an AppError NOT_FOUND (the API answers it as a 404 problem+json) when any segment is malformed. */
export function apiSegments<K extends string>(params: Record<K, unknown>, kinds: Record<K, SegmentKind>): Record<K, string> {
  const parsed = parseSegments(params, kinds);
  if (!parsed) {
    const what = (Object.keys(kinds) as K[]).map((k) => `${k} (${kinds[k]})`).join(", ");
    throw new AppError("NOT_FOUND", `Nothing is found at this path: ${what} must be well-formed and name a record you can see.`);
  }
  return parsed;
}

/** For pages: Next's not-found page (404) when any segment is malformed. */
export function pageSegments<K extends string>(params: Record<K, unknown>, kinds: Record<K, SegmentKind>): Record<K, string> {
  const parsed = parseSegments(params, kinds);
  if (!parsed) notFound();
  return parsed;
}
