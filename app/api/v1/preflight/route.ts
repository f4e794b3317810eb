/**
 * POST /api/v1/preflight — the engine's verdict for a program, nothing stored.
 * The body is exactly the CLI's `--json` object; the status mirrors its exit code
 * (200 accepted, 422 rejected), so `curl --fail` works like `certdesk check` in CI.
 */
import { getDb } from "@/lib/db";
import { preflight } from "@/lib/submissions/preflight";
import { requireApiPrincipal } from "@/lib/submissions/http/authenticate";
import { json, withProblems } from "@/lib/submissions/http/problem";
import { readUpload } from "@/lib/submissions/http/read-upload";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  return withProblems(request, async () => {
    const { principal } = await requireApiPrincipal(request);
    const upload = await readUpload(request, { textFields: ["program", "company"] });
    const verdict = await preflight({ db: await getDb() }, { principal, files: upload.files, programId: upload.fields.get("program") ?? null, company: upload.fields.get("company") ?? null });
    return json(verdict, { status: verdict.verdict === "accepted" ? 200 : 422 });
  });
}
