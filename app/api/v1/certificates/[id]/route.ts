/** GET /api/v1/certificates/{id} — one of the organisation's certificates; another organisation's id is 404. */
import { getDb } from "@/lib/db";
import { getCertificate, toResource } from "@/lib/expiry/certificates";
import { actorAsUser } from "@/lib/submissions/actor";
import { requireApiPrincipal } from "@/lib/submissions/http/authenticate";
import { json, withProblems } from "@/lib/submissions/http/problem";

export const dynamic = "force-dynamic";

export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return withProblems(request, async () => {
    const { id } = await context.params;
    const { actor } = await requireApiPrincipal(request);
    return json(toResource(await getCertificate(await getDb(), { viewer: actorAsUser(actor), id, now: new Date() })));
  });
}
