/**
 * Issue 16: a reviewer downloads an uploaded file (or the normalised chain) from the review page.
 * lib/reviews decides who may (reviewers and admins) and audits every download and refusal.
 */
import { headers } from "next/headers";
import { getDb } from "@/lib/db";
import { getStorage } from "@/lib/storage";
import { requireApiUser } from "@/lib/auth/session";
import { apiSegments } from "@/lib/http/route-params";
import { clientIpFrom, userAgentFrom } from "@/lib/auth/client-ip";
import { downloadReviewFile } from "@/lib/reviews/download-file";
import { attachmentResponse } from "@/lib/http/attachment-response";
import { withProblems } from "@/lib/submissions/http/problem";

export const dynamic = "force-dynamic";

export async function GET(request: Request, context: { params: Promise<{ submissionId: string; fileId: string }> }): Promise<Response> {
  return withProblems(request, async () => {
    const viewer = await requireApiUser();
    const { submissionId, fileId } = apiSegments(await context.params, { submissionId: "uuid", fileId: "uuid" });
    const h = await headers();
    const file = await downloadReviewFile({ db: await getDb(), storage: getStorage() }, { viewer, submissionId, fileId, meta: { ip: clientIpFrom(h), userAgent: userAgentFrom(h) } });
    return attachmentResponse(file);
  });
}
