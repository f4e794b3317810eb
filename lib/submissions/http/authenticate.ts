/** Bearer-token authentication for the partner API routes. */
import { getDb } from "@/lib/db";
import { authenticateApiToken, type ApiPrincipal } from "@/lib/auth/api-tokens";
import { clientIpFrom, userAgentFrom } from "@/lib/auth/client-ip";
import type { Actor } from "../actor";
import { HttpProblem } from "./problem";

export async function requireApiPrincipal(request: Request): Promise<{ principal: ApiPrincipal; actor: Actor }> {
  const principal = await authenticateApiToken(await getDb(), request.headers.get("authorization"), new Date());
  if (!principal) {
    throw new HttpProblem(401, "unauthenticated", "Send an organisation API token: Authorization: Bearer certdesk_… (create one under API tokens in the portal). Unknown and revoked tokens are refused alike.", {}, { "www-authenticate": 'Bearer realm="certdesk"' });
  }
  return { principal, actor: { kind: "token", principal, meta: { ip: clientIpFrom(request.headers), userAgent: userAgentFrom(request.headers) } } };
}
