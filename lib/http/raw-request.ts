/**
 * The first look at a raw HTTP request, before Next routes it (scripts/start.ts). Next
 * answers a path it cannot percent-decode (a lone `%`, `%E0%A4%A`, overlong UTF-8) with a
 * bare "Internal Server Error": its 400 page does not exist in an App Router build. Such a
 * request is the client's fault, so it gets a 400 here: problem+json on /api, a small
 * HTML page elsewhere. Nothing of the request is echoed back.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** Longest request target accepted; Next's own limit is larger, but no Certdesk URL comes close. */
export const MAX_REQUEST_TARGET = 8 * 1024;

/** Why a request target is malformed, or `null` when it is fine to route. */
export function malformedRequestTarget(target: string | undefined): string | null {
  if (!target) return "no request target";
  if (target.length > MAX_REQUEST_TARGET) return "request target too long";
  const path = target.split(/[?#]/, 1)[0]!;
  if (!path.startsWith("/")) return "request target is not a path";
  for (const segment of path.split("/")) {
    if (!segment.includes("%")) continue;
    try {
      decodeURIComponent(segment);
    } catch {
      return "malformed percent-encoding in the path";
    }
  }
  return null;
}

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bad request — Certdesk</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem">
<h1>Bad request</h1><p>The address of this page is malformed (for example a stray <code>%</code>). Check the link, or go to the <a href="/">home page</a>.</p>
</body></html>`;

/** Answers 400 and returns true when the request's target is malformed; otherwise does nothing. */
export function rejectMalformedRequest(req: IncomingMessage, res: ServerResponse): boolean {
  const reason = malformedRequestTarget(req.url);
  if (!reason) return false;
  const api = (req.url ?? "").startsWith("/api/");
  res.statusCode = 400;
  res.setHeader("cache-control", "no-store");
  res.setHeader("x-content-type-options", "nosniff");
  if (api) {
    res.setHeader("content-type", "application/problem+json");
    res.end(JSON.stringify({ type: "urn:certdesk:problem:invalid-input", title: "Invalid request", status: 400, detail: `The request path is malformed (${reason}).` }));
  } else {
    res.setHeader("content-type", "text/html; charset=utf-8");
    res.setHeader("content-security-policy", "default-src 'none'; frame-ancestors 'none'");
    res.end(req.method === "HEAD" ? undefined : PAGE);
  }
  return true;
}
