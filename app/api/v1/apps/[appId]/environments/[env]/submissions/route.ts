/**
 * POST /api/v1/apps/{appId}/environments/{env}/submissions — upload and send for review.
 * 201 with the submission and verdict; 200 for a replayed Idempotency-Key; 422 problem
 * with the verdict when it has errors or the upload was refused (nothing stored then).
 */
import { getDb } from "@/lib/db";
import { getStorage } from "@/lib/storage";
import { createSubmission } from "@/lib/submissions/create-submission";
import { toVerdictJson } from "@/lib/policy/verdict-json";
import { requireApiPrincipal } from "@/lib/submissions/http/authenticate";
import { HttpProblem, json, withProblems } from "@/lib/submissions/http/problem";
import { readUpload } from "@/lib/submissions/http/read-upload";
import { apiSegments } from "@/lib/http/route-params";

export const dynamic = "force-dynamic";

type Params = { appId: string; env: string };

export async function POST(request: Request, context: { params: Promise<Params> }): Promise<Response> {
  return withProblems(request, async () => {
    const { actor } = await requireApiPrincipal(request);
    const { appId, env } = apiSegments(await context.params, { appId: "uuid", env: "environment-key" });
    const upload = await readUpload(request, { textFields: ["purpose", "draft"] });
    const draft = upload.fields.get("draft");
    if (draft !== undefined && draft !== "true" && draft !== "false") throw new HttpProblem(400, "invalid-input", '"draft" must be "true" or "false".', { errors: [{ field: "draft", message: "true or false" }] });
    const result = await createSubmission(
      { db: await getDb(), storage: getStorage() },
      {
        actor,
        appId,
        environmentKey: env,
        purpose: upload.fields.get("purpose"),
        files: upload.files,
        idempotencyKey: request.headers.get("idempotency-key"),
        submit: draft !== "true",
      },
    );
    switch (result.outcome) {
      case "created":
        return json(
          { id: result.submission.id, status: result.submission.status, verdict: toVerdictJson(result.verdict), links: { self: `/api/v1/submissions/${result.submission.id}` } },
          { status: 201, headers: { location: `/api/v1/submissions/${result.submission.id}` } },
        );
      case "existing":
        return json(
          { id: result.submission.id, status: result.submission.status, verdict: toVerdictJson(result.verdict), links: { self: `/api/v1/submissions/${result.submission.id}` } },
          { status: 200, headers: { "idempotent-replayed": "true", location: `/api/v1/submissions/${result.submission.id}` } },
        );
      case "refused":
        throw new HttpProblem(422, "upload-refused", "The upload was refused and nothing of it was stored. " + (result.verdict.findings.find((f) => f.severity === "error")?.message ?? ""), { verdict: toVerdictJson(result.verdict) });
      case "rejected":
        throw new HttpProblem(422, "verdict-rejected", `The upload has ${result.verdict.findings.filter((f) => f.severity === "error").length} error(s); nothing was stored. Fix them (see verdict.findings[].fix) and upload again.`, { verdict: toVerdictJson(result.verdict) });
      default: {
        const never: never = result;
        throw new Error(`unhandled outcome ${JSON.stringify(never)}`);
      }
    }
  });
}
