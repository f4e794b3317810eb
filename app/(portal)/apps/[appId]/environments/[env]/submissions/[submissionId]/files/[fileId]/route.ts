/** A submission's stored file, decrypted for someone allowed to see it; every download is audited. */
import { headers } from "next/headers";
import { getDb } from "@/lib/db";
import { getStorage } from "@/lib/storage";
import { requireApiUser } from "@/lib/auth/session";
import { apiSegments } from "@/lib/http/route-params";
import { clientIpFrom, userAgentFrom } from "@/lib/auth/client-ip";
import { downloadFile } from "@/lib/submissions/download-file";
import { attachmentResponse } from "@/lib/http/attachment-response";
import { withProblems } from "@/lib/submissions/http/problem";

export const dynamic = "force-dynamic";

type Params = { appId: string; env: string; submissionId: string; fileId: string };

export async function GET(request: Request, context: { params: Promise<Params> }): Promise<Response> {
  return withProblems(request, async () => {
    const user = await requireApiUser();
    const { submissionId, fileId } = apiSegments(await context.params, { appId: "uuid", env: "environment-key", submissionId: "uuid", fileId: "uuid" });
    const h = await headers();
    const file = await downloadFile(
      { db: await getDb(), storage: getStorage() },
      { actor: { kind: "user", user, meta: { ip: clientIpFrom(h), userAgent: userAgentFrom(h) } }, submissionId, fileId },
    );
    return attachmentResponse(file);
  });
}
