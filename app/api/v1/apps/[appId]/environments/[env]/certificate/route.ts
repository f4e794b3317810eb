/** GET /api/v1/apps/{appId}/environments/{env}/certificate — the active certificate's metadata; 404 problem when none. */
import { getDb } from "@/lib/db";
import { getActiveCertificate } from "@/lib/submissions/get-active-certificate";
import { requireApiPrincipal } from "@/lib/submissions/http/authenticate";
import { json, withProblems } from "@/lib/submissions/http/problem";
import { apiSegments } from "@/lib/http/route-params";

export const dynamic = "force-dynamic";

type Params = { appId: string; env: string };

export async function GET(request: Request, context: { params: Promise<Params> }): Promise<Response> {
  return withProblems(request, async () => {
    const { actor } = await requireApiPrincipal(request);
    const { appId, env } = apiSegments(await context.params, { appId: "uuid", env: "environment-key" });
    return json(await getActiveCertificate(await getDb(), { actor, appId, environmentKey: env }));
  });
}
