/** Bearer-token authentication for the partner API routes. */
import { getDb } from "@/lib/db";
import { checkApiToken, type ApiPrincipal } from "@/lib/auth/api-tokens";
import { clientIpFrom, userAgentFrom } from "@/lib/auth/client-ip";
import type { Actor } from "../actor";
import { HttpProblem } from "./problem";
import { enforceRateLimit } from "@/lib/rate-limit/http";

export async function requireApiPrincipal(request: Request): Promise<{ principal: ApiPrincipal; actor: Actor }> {
  const db = await getDb();
  const check = await checkApiToken(db, request.headers.get("authorization"), new Date());
  const principal = check.ok ? check.principal : null;
  // Issue 10: every API call counts against its token and its client address (one upsert);
  // over either limit it ends here with 429 and Retry-After. Unknown tokens count per address.
  await enforceRateLimit(db, { token: principal?.tokenId, ip: clientIpFrom(request.headers) });
  if (!check.ok && check.reason === "expired") {
    // Issue 16: the holder of a real but expired token is told so, and what to do.
    const at = `${check.expiredAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
    throw new HttpProblem(
      401,
      "unauthenticated",
      `This API token expired at ${at}. Create a new token under API tokens in the portal and replace it where your automation keeps its secret.`,
      { expiredAt: check.expiredAt.toISOString() },
      { "www-authenticate": 'Bearer realm="certdesk", error="invalid_token", error_description="The token expired"' },
    );
  }
  if (!principal) {
    throw new HttpProblem(401, "unauthenticated", "Send an organisation API token: Authorization: Bearer certdesk_… (create one under API tokens in the portal). Unknown and revoked tokens are refused alike.", {}, { "www-authenticate": 'Bearer realm="certdesk"' });
  }
  return { principal, actor: { kind: "token", principal, meta: { ip: clientIpFrom(request.headers), userAgent: userAgentFrom(request.headers) } } };
}
