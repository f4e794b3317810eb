/** GET /api/v1/apps — the token's organisation's developer apps, each with its environments. */
import { getDb } from "@/lib/db";
import { listAppsWithEnvironments } from "@/lib/submissions/list-apps";
import { requireApiPrincipal } from "@/lib/submissions/http/authenticate";
import { json, withProblems } from "@/lib/submissions/http/problem";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  return withProblems(request, async () => {
    const { actor } = await requireApiPrincipal(request);
    return json({ apps: await listAppsWithEnvironments(await getDb(), actor) });
  });
}
