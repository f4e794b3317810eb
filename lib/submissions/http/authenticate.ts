/** Bearer-token authentication for the partner API routes. */
import { getDb } from "@/lib/db";
import { authenticateApiToken, type ApiPrincipal } from "@/lib/auth/api-tokens";
import { clientIpFrom, userAgentFrom } from "@/lib/auth/client-ip";
import type { Actor } from "../actor";
import { HttpProblem } from "./problem";
import { enforceRateLimit } from "@/lib/rate-limit/http";

export async function requireApiPrincipal(request: Request): Promise<{ principal: ApiPrincipal; actor: Actor }> {
  const db = await getDb();
  const principal = await authenticateApiToken(db, request.headers.get("authorization"), new Date());
  // Issue 10: every API call counts against its token and its client address (one upsert);
  // over either limit it ends here with 429 and Retry-After. Unknown tokens count per address.
  await enforceRateLimit(db, { token: principal?.tokenId, ip: clientIpFrom(request.headers) });
  if (!principal) {
    throw new HttpProblem(401, "unauthenticated", "Send an organisation API token: Authorization: Bearer certdesk_… (create one under API tokens in the portal). Unknown and revoked tokens are refused alike.", {}, { "www-authenticate": 'Bearer realm="certdesk"' });
  }
  return { principal, actor: { kind: "token", principal, meta: { ip: clientIpFrom(request.headers), userAgent: userAgentFrom(request.headers) } } };
}
