/**
 * API tokens are stored only as their SHA-256: a leaked database row does not let
 * anyone call the API. Tokens are long random strings, so a fast unsalted hash is
 * enough (no dictionary to attack) and lets the lookup be one indexed equality.
 */
import { createHash, randomBytes } from "node:crypto";

export const API_TOKEN_PREFIX = "certdesk_";

/** SHA-256 of the token, lower-case hex: the value of `api_tokens.token_hash`. */
export function hashApiToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** A new random token (shown once to its creator) with its hash and display prefix. */
export function generateApiToken(): { token: string; tokenHash: string; prefix: string } {
  const token = API_TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, tokenHash: hashApiToken(token), prefix: token.slice(0, API_TOKEN_PREFIX.length + 4) };
}
