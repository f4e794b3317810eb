/**
 * Any /api path no route handles (including paths Next normalised, e.g. `/api/v1/apps/%2e%2e/…`):
 * a problem+json 404 like every other API error, not the portal's HTML not-found page.
 */
import { problemResponse } from "@/lib/submissions/http/problem";

export const dynamic = "force-dynamic";

function notFound(request: Request): Response {
  return problemResponse({ status: 404, slug: "not-found", detail: "There is no API endpoint at this path. The endpoints are listed in /api/v1/openapi.json.", instance: new URL(request.url).pathname.slice(0, 200) });
}

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
