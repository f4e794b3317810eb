import { NextResponse, type NextRequest } from "next/server";
import { isOwnOrigin, publicUrlFromEnv } from "@/lib/auth/origin";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Per-request Content-Security-Policy with a nonce (Next attaches it to its own
 * scripts), so an injected <script> in, say, a certificate subject rendered on a
 * page cannot run. Authorization is NOT done here: every page and action checks
 * identity itself through lib/auth/session.ts, because server actions are public
 * HTTP endpoints that a proxy matcher can miss.
 */
export function proxy(request: NextRequest): NextResponse | Promise<NextResponse> {
  // Issue 10: a state-changing request (server action, form post, upload) from another
  // origin is refused here with 403 — Next's own server-action check compares Origin with
  // (X-Forwarded-)Host and answers a foreign one with a 500. Compared with the CONFIGURED
  // public URL, not with headers the client controls. Requests without Origin are not
  // browsers' cross-site requests (browsers always send it on POST), so they pass on to
  // the handlers, which authenticate them.
  const origin = request.headers.get("origin");
  if (!SAFE_METHODS.has(request.method) && origin !== null && !isOwnOrigin(origin, publicUrlFromEnv())) {
    return new NextResponse("Forbidden: this request did not come from the Certdesk portal's own pages.", {
      status: 403,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  }
  // Issue 10: a page POST whose multipart body cannot be parsed (no boundary, cut short)
  // would make Next's server-action decoder answer 500; it is the client's 400. The upload
  // route parses (and answers) its own bodies, so its large files are not read twice.
  if (request.method === "POST" && isMultipart(request) && !request.nextUrl.pathname.endsWith("/submissions/upload")) {
    return request
      .clone()
      .formData()
      .then(
        () => secured(request),
        () =>
          new NextResponse("Bad request: the form data could not be read. Reload the page and try again.", {
            status: 400,
            headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
          }),
      );
  }
  return secured(request);
}

function secured(request: NextRequest): NextResponse {
  const nonce = btoa(crypto.randomUUID());
  const dev = process.env.NODE_ENV === "development";
  const csp = [
    "default-src 'self'",
    // React's dev build needs eval for its error overlays; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // Dev HMR injects <style> tags without a nonce.
    dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    // Style attributes cannot run script; Next's error pages and route announcer use them.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  // Where to come back to after sign-in; set here so a client cannot forge it.
  requestHeaders.set("x-certdesk-path", `${request.nextUrl.pathname}${request.nextUrl.search}`);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);

  const https =
    request.nextUrl.protocol === "https:" ||
    request.headers.get("x-forwarded-proto") === "https" ||
    (process.env.CERTDESK_PUBLIC_URL ?? "").startsWith("https://");
  // HSTS over plain http is ignored by browsers and would only confuse a local setup.
  if (https) response.headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  return response;
}

function isMultipart(request: NextRequest): boolean {
  return (request.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data");
}

export const config = {
  matcher: [
    {
      source: "/((?!_next/static|_next/image|favicon.ico|api/).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
