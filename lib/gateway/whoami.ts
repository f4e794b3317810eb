/**
 * The example partner-facing API's one route (infra/gateway.ts: `GET /whoami`): echoes who
 * the authorizer admitted — the same answer as the sandbox gateway's /whoami — so a partner
 * can test a certificate against the real gateway, and a provider sees what a backend
 * receives (`requestContext.authorizer.lambda`: organisation, app, environment, fingerprint).
 */
type HttpApiEvent = { requestContext?: { authorizer?: { lambda?: Record<string, unknown>; principalId?: string } } };

export async function handler(event: HttpApiEvent): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
  const ctx = event.requestContext?.authorizer?.lambda ?? {};
  const body = {
    appId: ctx.appId ?? null,
    organisationId: ctx.organisationId ?? null,
    environment: ctx.environment ?? null,
    fingerprintSha256: ctx.fingerprintSha256 ?? null,
    status: ctx.status ?? null,
  };
  return { statusCode: 200, headers: { "content-type": "application/json", "cache-control": "no-store" }, body: JSON.stringify(body) };
}
