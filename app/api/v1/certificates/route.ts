/** GET /api/v1/certificates — the organisation's leaf certificates with their expiry state; `?state=ok|warning|urgent|expired`. */
import { getDb } from "@/lib/db";
import { listCertificates, parseExpiryState, toResource } from "@/lib/expiry/certificates";
import { actorAsUser } from "@/lib/submissions/actor";
import { requireApiPrincipal } from "@/lib/submissions/http/authenticate";
import { json, withProblems } from "@/lib/submissions/http/problem";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  return withProblems(request, async () => {
    const { actor } = await requireApiPrincipal(request);
    const state = parseExpiryState(new URL(request.url).searchParams.get("state"));
    const rows = await listCertificates(await getDb(), { viewer: actorAsUser(actor), now: new Date(), state });
    return json({ certificates: rows.map(toResource) });
  });
}
