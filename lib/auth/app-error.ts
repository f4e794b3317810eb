/**
 * The one error type of the application layer (documenso's `AppError`): an expected
 * failure with a stable code the UI and the API map to an HTTP status and a message
 * the user may read. Anything that is not an AppError is unexpected: it is logged
 * with an id and the user sees only a generic message carrying that id.
 */
import { randomUUID } from "node:crypto";

export const APP_ERROR_STATUS = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_INPUT: 400,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
} as const;

export type AppErrorCode = keyof typeof APP_ERROR_STATUS;

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly status: number;

  constructor(code: AppErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AppError";
    this.code = code;
    this.status = APP_ERROR_STATUS[code];
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** What a user may be shown about a failure. */
export type PublicError = { code: AppErrorCode | "INTERNAL"; status: number; message: string; errorId?: string };

/**
 * Maps any thrown value to what the user may see. Unexpected errors are logged with
 * an id; their text never reaches the user (it may hold SQL, paths or key material).
 */
export function toPublicError(error: unknown, log: (line: string, error: unknown) => void = console.error): PublicError {
  if (isAppError(error)) return { code: error.code, status: error.status, message: error.message };
  const errorId = randomUUID();
  log(`unexpected error ${errorId}`, error);
  return {
    code: "INTERNAL",
    status: 500,
    message: `Something went wrong on our side. If it keeps happening, contact support and quote error id ${errorId}.`,
    errorId,
  };
}

/** JSON body + status for an API route handler. */
export function errorResponse(error: unknown): Response {
  const pub = toPublicError(error);
  return Response.json({ error: { code: pub.code, message: pub.message, errorId: pub.errorId } }, { status: pub.status });
}

/** Next's control-flow throws (notFound, redirect, forbidden) carry a "NEXT_…" digest and must pass through. */
function isNextControlFlow(error: unknown): boolean {
  const digest = (error as { digest?: unknown } | null)?.digest;
  return typeof digest === "string" && digest.startsWith("NEXT_");
}

/**
 * Wraps a route handler: AppErrors become their status with a JSON body; anything
 * unexpected becomes a 500 carrying only an error id.
 *
 * @example
 * export const GET = apiHandler(async () => { const user = await requireApiUser(); … });
 */
export function apiHandler<A extends unknown[]>(handler: (...args: A) => Promise<Response>): (...args: A) => Promise<Response> {
  return async (...args: A) => {
    try {
      return await handler(...args);
    } catch (error) {
      if (isNextControlFlow(error)) throw error;
      return errorResponse(error);
    }
  };
}
