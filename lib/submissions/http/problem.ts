/**
 * RFC 9457 problem details for the partner API: every error is
 * `application/problem+json` with a stable `type` partners can branch on, a `title`,
 * the `status`, a `detail` a person can act on, and extension members where useful
 * (`errors`, `verdict`, `errorId`). Unexpected errors never carry their exception text.
 */
import { isAppError, toPublicError, type AppErrorCode } from "@/lib/auth/app-error";

/** Problem type slugs; the full type is `urn:certdesk:problem:<slug>` (docs/api.md lists them). */
export type ProblemSlug =
  | "unauthenticated"
  | "forbidden"
  | "not-found"
  | "invalid-input"
  | "conflict"
  | "payload-too-large"
  | "unsupported-media-type"
  | "verdict-rejected"
  | "upload-refused"
  | "rate-limited"
  | "unavailable"
  | "internal";

export const PROBLEM_TITLES: Record<ProblemSlug, string> = {
  unauthenticated: "Missing or invalid API token",
  forbidden: "Not allowed",
  "not-found": "Not found",
  "invalid-input": "Invalid request",
  conflict: "Conflict with the current state",
  "payload-too-large": "Request body too large",
  "unsupported-media-type": "Unsupported media type",
  "verdict-rejected": "The upload has errors",
  "upload-refused": "The upload was refused and nothing was stored",
  "rate-limited": "Too many requests",
  unavailable: "Temporarily unavailable",
  internal: "Internal error",
};

export const problemType = (slug: ProblemSlug) => `urn:certdesk:problem:${slug}`;

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: ProblemSlug,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = "HttpProblem";
  }
}

export function problemResponse(p: { status: number; slug: ProblemSlug; detail: string; extra?: Record<string, unknown>; headers?: Record<string, string>; instance?: string }): Response {
  const body = { type: problemType(p.slug), title: PROBLEM_TITLES[p.slug], status: p.status, detail: p.detail, ...(p.instance ? { instance: p.instance } : {}), ...(p.extra ?? {}) };
  return new Response(JSON.stringify(body), {
    status: p.status,
    headers: { "content-type": "application/problem+json", "cache-control": "no-store", ...(p.headers ?? {}) },
  });
}

const SLUG_BY_CODE: Record<AppErrorCode, ProblemSlug> = {
  UNAUTHENTICATED: "unauthenticated",
  FORBIDDEN: "forbidden",
  NOT_FOUND: "not-found",
  INVALID_INPUT: "invalid-input",
  CONFLICT: "conflict",
  PAYLOAD_TOO_LARGE: "payload-too-large",
  RATE_LIMITED: "rate-limited",
  UNAVAILABLE: "unavailable",
};

/** Any thrown value as a problem response: expected errors with their message, anything else with an error id only. */
export function problemFromError(error: unknown, instance?: string): Response {
  if (error instanceof HttpProblem) return problemResponse({ status: error.status, slug: error.slug, detail: error.detail, extra: error.extra, headers: error.headers, ...(instance ? { instance } : {}) });
  if (isAppError(error)) {
    const slug = SLUG_BY_CODE[error.code];
    const headers: Record<string, string> = error.code === "UNAUTHENTICATED" ? { "www-authenticate": 'Bearer realm="certdesk"' } : {};
    return problemResponse({ status: error.status, slug, detail: error.message, headers, ...(instance ? { instance } : {}) });
  }
  const pub = toPublicError(error);
  return problemResponse({ status: 500, slug: "internal", detail: pub.message, extra: { errorId: pub.errorId }, ...(instance ? { instance } : {}) });
}

/** Runs a handler and turns whatever it throws into a problem response. */
export async function withProblems(request: Request, handler: () => Promise<Response>): Promise<Response> {
  try {
    return await handler();
  } catch (error) {
    return problemFromError(error, new URL(request.url).pathname);
  }
}

/** JSON success responses of the API: never cached (they describe a partner's records). */
export function json(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new Response(JSON.stringify(body), { status: init.status ?? 200, headers: { "content-type": "application/json", "cache-control": "no-store", ...(init.headers ?? {}) } });
}
