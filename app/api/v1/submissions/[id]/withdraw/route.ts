/** POST /api/v1/submissions/{id}/withdraw — take back a submission in review (or discard a draft). */
import { getDb } from "@/lib/db";
import { withdrawSubmission } from "@/lib/submissions/withdraw-submission";
import { requireApiPrincipal } from "@/lib/submissions/http/authenticate";
import { json, withProblems } from "@/lib/submissions/http/problem";
import { apiSegments } from "@/lib/http/route-params";

export const dynamic = "force-dynamic";

export async function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return withProblems(request, async () => {
    const { actor } = await requireApiPrincipal(request);
    const { id } = apiSegments(await context.params, { id: "uuid" });
    return json(await withdrawSubmission({ db: await getDb() }, { actor, submissionId: id }));
  });
}
