/**
 * The rate limit at the HTTP edge: 429 `application/problem+json` with `Retry-After`
 * (seconds) and the `RateLimit-*` headers of draft-ietf-httpapi-ratelimit-headers.
 */
import { getConfig } from "@/lib/config";
import type { Database } from "@/lib/db";
import { HttpProblem } from "@/lib/submissions/http/problem";
import { consumeRateLimit, type RateLimitSubject } from "./index";

/** Counts the request; throws a 429 HttpProblem when the token/user or the IP is over its limit. */
export async function enforceRateLimit(db: Database, subject: RateLimitSubject, now = new Date()): Promise<void> {
  const settings = getConfig().rateLimit;
  const decision = await consumeRateLimit(db, subject, settings, now);
  if (decision.allowed) return;
  const who = decision.key === "ip" ? "this address" : decision.key === "token" ? "this API token" : "your account";
  throw new HttpProblem(
    429,
    "rate-limited",
    `Too many requests from ${who}: at most ${decision.limit} per ${settings.windowSeconds} s. Retry after ${decision.retryAfterSeconds} s (Retry-After).`,
    { retryAfter: decision.retryAfterSeconds },
    {
      "retry-after": String(decision.retryAfterSeconds),
      "ratelimit-limit": String(decision.limit),
      "ratelimit-remaining": "0",
      "ratelimit-reset": String(decision.retryAfterSeconds),
    },
  );
}
