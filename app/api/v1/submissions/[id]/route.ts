/** GET /api/v1/submissions/{id} — status, findings, certificate metadata; never file contents. */
import { getDb } from "@/lib/db";
import { getSubmission } from "@/lib/submissions/get-submission";
import { requireApiPrincipal } from "@/lib/submissions/http/authenticate";
import { json, withProblems } from "@/lib/submissions/http/problem";
import { apiSegments } from "@/lib/http/route-params";
import { submissionJson } from "@/lib/submissions/http/views";

export const dynamic = "force-dynamic";

export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return withProblems(request, async () => {
    const { actor } = await requireApiPrincipal(request);
    const { id } = apiSegments(await context.params, { id: "uuid" });
    return json(submissionJson(await getSubmission({ db: await getDb() }, { actor, submissionId: id })));
  });
}
